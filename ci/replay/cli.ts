// `npm run toolbox -- replay [--function NAME] [--cold] [--json]`: executes the toolbox a Dagger
// function runs in (ci/src/toolbox-plan.ts) for real, on Debian root file systems standing in for the
// pinned images, as root, and says how long each part took. For `release` and `end-to-end` it then
// runs a release inside the toolbox and on this machine and compares their digests.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { FUNCTION_TOOLS, toolbox } from '../src/toolbox-plan.js';
import { replayHome } from './image-root.js';
import { compareReleases } from './release-check.js';
import { machineVolumes, replayStage } from './replay.js';

const FUNCTIONS = {
  build: 'build',
  test: 'test',
  'chart-package': 'chartPackage',
  publish: 'publish',
  'cosign-sign': 'cosignSign',
  verify: 'verify',
  release: 'release',
  'end-to-end': 'endToEnd',
} as const;

const USAGE = `usage: npm run toolbox -- replay [--function NAME] [--cold] [--json]
  --function  the function whose toolbox to replay: ${Object.keys(FUNCTIONS).join(', ')} (default release);
              release and end-to-end then release inside it and on this machine: the digests must be equal
  --cold      as a cold engine: empty cache volumes (Go's, npm's) and no layer cache (the images stay)
  --json      the result as JSON`;

const { values, positionals } = parseArgs({
  options: {
    function: { type: 'string', default: 'release' },
    cold: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean' },
  },
  allowPositionals: true,
});
const fn = FUNCTIONS[values.function as keyof typeof FUNCTIONS];
if (values.help || positionals[0] !== 'replay' || !fn) {
  (values.help ? process.stdout : process.stderr).write(`${USAGE}\n`);
  process.exit(values.help ? 0 : 2);
}

const log = (line: string) => process.stderr.write(`${line}\n`);
const seconds: Record<string, number> = {};
async function timed<T>(name: string, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await work();
  } finally {
    seconds[name] = Math.round(performance.now() - started) / 1000;
  }
}

await mkdir(replayHome(), { recursive: true });
const work = await mkdtemp(join(replayHome(), 'run-'));
const volumes = values.cold ? (name: string) => join(work, 'volumes', name) : machineVolumes(join(work, 'step-cache'));
const options = { source: join(import.meta.dirname, '..', '..'), work, volume: volumes, log, echo: true, layerCache: !values.cold };
let code = 0;
const result: Record<string, unknown> = { function: values.function, tools: FUNCTION_TOOLS[fn], cold: values.cold };
try {
  const box = await timed('toolbox', () => replayStage(toolbox(FUNCTION_TOOLS[fn]), options));
  if (fn === 'release' || fn === 'endToEnd') {
    const comparison = await timed('release', () => compareReleases(box, log));
    if (!comparison.same) code = 1;
    Object.assign(result, comparison);
  }
} finally {
  await rm(work, { recursive: true, force: true });
}
result.seconds = seconds;
if (values.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
else for (const [k, v] of Object.entries(result)) process.stdout.write(`${k}: ${JSON.stringify(v)}\n`);
process.exit(code);
