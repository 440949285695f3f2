// `npm run bench:verify`: verifying a release from its chart as a user runs it (`npm run verify`),
// the compiled CLI called directly, and the bare tools doing the same checks in a shell script
// (cosign verify the chart; helm template it from the registry; cosign verify the image and its platform
// manifest; cosign verify-attestation the chart's and the image's provenance and the image's SBOM). Alternating,
// median of BENCH_ROUNDS (default 5), in one session. Prints the medians and the ratios.
import { spawn } from 'node:child_process';
import { once as onceEvent } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runPipeline } from '@release-pipeline/pipeline/pipeline.js';
import { outPaths, projectRoot } from '@release-pipeline/pipeline/paths.js';
import { Progress } from '@release-pipeline/pipeline/progress.js';
import { startLocalRegistry } from '@release-pipeline/pipeline/registry/local-registry.js';
import { tool } from '@release-pipeline/pipeline/tools.js';
import { freePort } from '@release-pipeline/pipeline/test/fixtures.js';
import { DEFAULT_OPTIONS } from '@release-pipeline/pipeline/options.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const work = await mkdtemp(join(tmpdir(), 'bench-verify-'));
const registry = await startLocalRegistry({ storageDir: join(work, 'registry'), port: await freePort() });
try {
  const out = { ...outPaths(join(work, 'out')), cache: join(work, 'cache') };
  const { summary } = await runPipeline(
    { ...DEFAULT_OPTIONS, registry: `${registry.address}/bench`, baseImage: 'host', skipTests: true },
    { out, progress: new Progress(() => undefined) },
  );
  const pub = join(out.keys, 'cosign.pub');
  const bare = [
    `${tool('cosign')} verify --key ${pub} --insecure-ignore-tlog ${summary.chart.ref}`,
    `${tool('helm')} template release oci://${summary.chart.ref} --plain-http >/dev/null`,
    `${tool('cosign')} verify --key ${pub} --insecure-ignore-tlog ${summary.image.ref}`,
    `${tool('cosign')} verify --key ${pub} --insecure-ignore-tlog ${summary.image.repository}@${summary.image.manifests[0]!.digest}`,
    `${tool('cosign')} verify-attestation --type slsaprovenance1 --key ${pub} --insecure-ignore-tlog ${summary.chart.ref} >/dev/null`,
    `${tool('cosign')} verify-attestation --type slsaprovenance1 --key ${pub} --insecure-ignore-tlog ${summary.image.ref} >/dev/null`,
    `${tool('cosign')} verify-attestation --type spdxjson --key ${pub} --insecure-ignore-tlog ${summary.image.ref} >/dev/null`,
  ].join(' && ');
  const ways: Record<string, [string, string[]]> = {
    'npm run verify': ['npm', ['run', '--silent', 'verify', '--', summary.chart.ref, '--key', pub]],
    'node cli.mjs verify': [process.execPath, [join(projectRoot, 'pipeline', 'dist', 'cli.mjs'), 'verify', summary.chart.ref, '--key', pub]],
    'bare tools': ['sh', ['-c', bare]],
  };
  const times: Record<string, number[]> = Object.fromEntries(Object.keys(ways).map((k) => [k, []]));
  // Asynchronous: the registry is this process's child, and its log pipe must keep draining.
  const once = async (name: string) => {
    const [cmd, args] = ways[name]!;
    const started = performance.now();
    const child = spawn(cmd, args, { cwd: projectRoot, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const [code] = (await onceEvent(child, 'close')) as [number | null];
    if (code !== 0) throw new Error(`${name} failed: ${stderr}`);
    return performance.now() - started;
  };
  for (const name of Object.keys(ways)) await once(name); // warm-up, discarded
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? Object.keys(ways) : Object.keys(ways).reverse();
    for (const name of order) times[name]!.push(await once(name));
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  console.log(`${ROUNDS} rounds, alternating, node ${process.version}`);
  for (const [name, xs] of Object.entries(times)) console.log(`${name.padEnd(22)} median ${(median(xs) / 1000).toFixed(3)} s`);
  const baseline = median(times['bare tools']!);
  console.log(`npm run verify / bare tools ${(median(times['npm run verify']!) / baseline).toFixed(2)} (target ≤ 1.2)`);
  console.log(`node cli.mjs verify / bare tools ${(median(times['node cli.mjs verify']!) / baseline).toFixed(2)}`);
} finally {
  await registry.stop();
  await rm(work, { recursive: true, force: true });
}
