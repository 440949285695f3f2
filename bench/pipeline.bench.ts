// `npm run bench:pipeline`: a cold release (empty caches, empty registry) against a warm rerun of
// the same commit, in one session, through a counting proxy in front of a real registry. Prints
// both times, their ratio and the bytes the rerun uploaded. Not a test: read it, don't assert it.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runPipeline } from '../pipeline/src/pipeline.js';
import { outPaths } from '../pipeline/src/paths.js';
import { Progress } from '../pipeline/src/progress.js';
import { startLocalRegistry } from '../pipeline/src/registry/local-registry.js';
import { startFaultProxy } from '../pipeline/test/fault-proxy.js';
import { freePort } from '../pipeline/test/fixtures.js';

const work = await mkdtemp(join(tmpdir(), 'bench-pipeline-'));
const registry = await startLocalRegistry({ storageDir: join(work, 'registry'), port: await freePort() });
const proxy = await startFaultProxy(registry.address);
const out = { ...outPaths(join(work, 'out')), cache: join(work, 'cache') };
const options = { registry: `${proxy.address}/bench`, baseImage: 'host', skipTests: false, json: false, help: false };

async function timed(label: string): Promise<{ ms: number; bytes: number; requests: number; digests: string }> {
  proxy.resetStats();
  const lines: string[] = [];
  const started = performance.now();
  const { summary } = await runPipeline(options, { out, env: process.env, progress: new Progress((l) => lines.push(l)) });
  const ms = performance.now() - started;
  console.log(`${label}: ${(ms / 1000).toFixed(2)}s, ${proxy.stats.blobBytesUploaded} blob bytes uploaded, ${proxy.stats.requests} registry requests`);
  for (const l of lines.filter((x) => x.startsWith('✔'))) console.log(`  ${l}`);
  return { ms, bytes: proxy.stats.blobBytesUploaded, requests: proxy.stats.requests, digests: `${summary.image.digest} ${summary.chart.digest}` };
}

try {
  const cold = await timed('cold (empty caches and registry)');
  const warm = await timed('warm rerun (no change)');
  console.log(`\nrerun/cold time ratio ${(warm.ms / cold.ms).toFixed(3)} (target ≤ 0.10); blob bytes re-uploaded on the rerun: ${warm.bytes} (target 0)`);
  console.log(`same digests on the rerun: ${cold.digests === warm.digests}`);
} finally {
  await proxy.close();
  await registry.stop();
  await rm(work, { recursive: true, force: true });
}
