// `npm run toolbox -- replay [--stage tools|toolbox|release] [--json]`: executes the Dagger module's
// toolbox steps (ci/src/toolbox-plan.ts) for real on Debian root file systems standing in for the
// pinned images, as root. `release` (the default) then runs a release inside the toolbox and on this
// machine and compares their digests. Prints how long each part took.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { TOOLBOX, TOOLS_STAGE } from '../../ci/src/toolbox-plan.js';
import { execIn, machineVolumes, replayStage } from './replay.js';
import { replayHome } from './image-root.js';
import { compareReleases } from './release-check.js';

const USAGE = `usage: npm run toolbox -- replay [--stage tools|toolbox|release] [--json]
  tools     the tools stage: the pinned Go image builds the runtime tools with install-tools.sh
  toolbox   the toolbox every function runs in (the tools, then the bootstrap)
  release   the toolbox, then a release inside it and on this machine: the digests must be equal`;

const { values, positionals } = parseArgs({
  options: { stage: { type: 'string', default: 'release' }, json: { type: 'boolean', default: false }, help: { type: 'boolean' } },
  allowPositionals: true,
});
if (values.help || positionals[0] !== 'replay' || !['tools', 'toolbox', 'release'].includes(values.stage)) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(values.help ? 0 : 2);
}

const log = (line: string) => process.stderr.write(`${line}\n`);
const timings: Record<string, number> = {};
const timed = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
  const started = performance.now();
  try {
    return await work();
  } finally {
    timings[name] = Math.round(performance.now() - started) / 1000;
  }
};

await mkdir(replayHome(), { recursive: true });
const work = await mkdtemp(join(replayHome(), 'run-'));
const stepCache = join(work, 'step-cache');
const options = { source: join(import.meta.dirname, '..', '..'), work, volume: machineVolumes(stepCache), log, echo: true };
let code = 0;
try {
  if (values.stage === 'tools') {
    const tools = await timed('tools', () => replayStage(TOOLS_STAGE, options));
    const { stdout } = await execIn(tools, ['sh', '-c', `ls ${TOOLS_STAGE.output}`]);
    report({ tools: stdout.trim().split('\n') });
  } else {
    const box = await timed('toolbox', () => replayStage(TOOLBOX, options));
    if (values.stage === 'toolbox') report({});
    else {
      const comparison = await timed('release', () => compareReleases(box, log));
      if (!comparison.same) code = 1;
      report({ ...comparison });
    }
  }
} finally {
  await rm(work, { recursive: true, force: true });
}
process.exit(code);

function report(result: Record<string, unknown>): void {
  const all = { stage: values.stage, ...result, seconds: timings };
  if (values.json) process.stdout.write(`${JSON.stringify(all, null, 2)}\n`);
  else for (const [k, v] of Object.entries(all)) process.stdout.write(`${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}\n`);
}
