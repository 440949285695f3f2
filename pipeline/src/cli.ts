// `npm run pipeline -- [COMMAND] [options]`, and `node pipeline/dist/cli.mjs …` inside the Dagger
// module's toolbox container: one entry point, one command per step. Exit codes: 0 done, 1 a step
// failed, 2 usage error, 130/143 interrupted (everything the run started is stopped first).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { copyFile } from 'node:fs/promises';
import { formatSummary } from '../../ci/src/core/release-summary.js';
import { formatDigestReference } from '../../ci/src/core/reference.js';
import { cleanupAll, exitCleanlyOnSignals, interruptedExitCode } from './cleanup.js';
import { parsePipelineArgs, PIPELINE_USAGE, UsageError, type StepInvocation } from './options.js';
import { outPaths } from './paths.js';
import { buildAndPublish, buildImage, exportLayout, inSession, runPipeline, signOnly } from './pipeline.js';
import { seconds } from './progress.js';
import { serveRegistry } from './registry-cli.js';
import { buildApp } from './steps/build-app.js';
import { packageChart } from './steps/package-chart.js';
import { testApp } from './steps/test-app.js';
import { reproduceCommand } from './reproduce.js';
import { verifyCommand } from './verify-cli.js';

const print = (data: unknown, json: boolean, text: string) => process.stdout.write(json ? `${JSON.stringify(data, null, 2)}\n` : `${text}\n`);

/**
 * Reruns this command in a network namespace of its own, with only a loopback interface: the local
 * Sigstore services, the registry and the tools talk over 127.0.0.1 there, and nothing they try
 * (cosign looks for Sigstore's public TUF repository when it signs) can leave this machine.
 */
async function inOwnNetwork(argv: readonly string[]): Promise<number> {
  const asRoot = process.getuid?.() === 0;
  const child = spawn(
    'unshare',
    ['--net', ...(asRoot ? [] : ['--map-root-user']), 'sh', '-c', 'ip link set lo up && exec "$@"', 'sh', process.execPath, ...argv],
    {
      stdio: 'inherit',
      env: { ...process.env, PIPELINE_NETNS: '1' },
    },
  );
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
  const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
  if (code === null && signal) return signal === 'SIGINT' ? 130 : 143;
  if (code === 1 && !existsSync('/usr/bin/unshare') && !existsSync('/bin/unshare')) {
    throw new Error('--sigstore local needs unshare and ip (util-linux, iproute2) to give the run its own network');
  }
  return code ?? 1;
}

async function main(inv: StepInvocation): Promise<number> {
  const { options } = inv;
  switch (inv.command) {
    case 'verify':
      return verifyCommand(inv.rest);
    case 'reproduce':
      return reproduceCommand(inv.rest);
    case 'registry':
      return serveRegistry();
    case 'release': {
      const started = performance.now();
      const { summary } = await runPipeline(options);
      const local = options.registry ? '' : "\nthe local registry has stopped: run 'npm run registry' to serve it again for these commands\n";
      print(summary, options.json, `\n${formatSummary(summary)}\n\nwritten to ${outPaths().release} in ${seconds(performance.now() - started)}\n${local}`);
      return 0;
    }
    case 'build': {
      const dist = await inSession(options, {}, false, (s) => s.ctx.progress.step('build', () => buildApp(s.ctx)));
      print({ dist }, options.json, dist);
      return 0;
    }
    case 'test':
      await inSession(options, {}, false, (s) => s.ctx.progress.step('test', () => testApp(s.ctx)));
      return 0;
    case 'image': {
      const { image, base } = await inSession({ ...options, skipTests: true }, {}, options.baseImage === 'host' || !options.baseImage, async (s) => {
        const built = await buildImage(s, { ...options, skipTests: true });
        if (inv.output) await exportLayout(built.image.layout.dir, inv.output);
        return built;
      });
      const result = { digest: image.index.digest, platforms: image.platforms, base: formatDigestReference(base.ref), layout: inv.output ?? image.layout.dir };
      print(result, options.json, `${image.index.digest} ${image.platforms.join(', ')}\n  layout ${result.layout}`);
      return 0;
    }
    case 'chart-package': {
      const chart = await inSession(options, {}, false, async (s) => {
        const c = await s.ctx.progress.step('chart', () => packageChart(s.ctx, inv.image!, s.git.commitTime));
        if (inv.output) await copyFile(c.path, inv.output);
        return c;
      });
      print(
        { digest: chart.manifest.digest, name: chart.name, version: chart.version, path: chart.path },
        options.json,
        `${chart.manifest.digest} ${chart.name} ${chart.version}\n  ${chart.path}`,
      );
      return 0;
    }
    case 'publish': {
      const p = await inSession(options, {}, true, (s) => buildAndPublish(s, options));
      const refs = { image: formatDigestReference(p.imageRef), chart: formatDigestReference(p.chartRef) };
      print(refs, options.json, `image ${refs.image}\nchart ${refs.chart}\n(untagged and unsigned: run sign, verify, or the whole release)`);
      return 0;
    }
    case 'sign': {
      const signed = await signOnly(options, inv.refs);
      const refs = signed.map(formatDigestReference);
      print({ signed: refs }, options.json, refs.map((r) => `signed ${r}`).join('\n'));
      return 0;
    }
  }
}

// Errors are named after the command people typed: `npm run verify` reports as verify.
const label = process.argv[2] === 'verify' || process.argv[2] === 'reproduce' ? process.argv[2] : 'pipeline';
exitCleanlyOnSignals(label);
let code: number;
try {
  const invocation = parsePipelineArgs(process.argv.slice(2));
  if (invocation.options.sigstore === 'local' && process.env.PIPELINE_NETNS !== '1') {
    code = await inOwnNetwork(process.argv.slice(1));
  } else if (invocation.options.help) {
    process.stdout.write(`${PIPELINE_USAGE}\n`);
    code = 0;
  } else code = await main(invocation);
} catch (err) {
  if (interruptedExitCode() === undefined) process.stderr.write(`${label}: ${(err as Error).message ?? String(err)}\n`);
  code = err instanceof UsageError ? 2 : 1;
}
await cleanupAll();
process.exit(interruptedExitCode() ?? code);
