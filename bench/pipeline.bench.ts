// `npm run bench:pipeline`: a cold release (empty caches, empty registry), a warm rerun of the same
// commit, and a rerun after a one-line change in app/src, in one session, through a counting proxy
// in front of a real registry, tests on. Runs on a copy of the tracked sources, so the change never
// touches this checkout. Prints the times, their ratios and the bytes each rerun uploaded. Not a
// test: read it, don't assert it.
import { execFileSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { ReleaseSummary } from '@release-pipeline/core/release-summary.js';
import { gitFacts } from '@release-pipeline/pipeline/git.js';
import { outPaths, projectRoot } from '@release-pipeline/pipeline/paths.js';
import { runPipeline } from '@release-pipeline/pipeline/pipeline.js';
import { Progress } from '@release-pipeline/pipeline/progress.js';
import { startLocalRegistry } from '@release-pipeline/pipeline/registry/local-registry.js';
import { run } from '@release-pipeline/pipeline/exec.js';
import { tool } from '@release-pipeline/pipeline/tools.js';
import { startFaultProxy } from '@release-pipeline/pipeline/test/fault-proxy.js';
import { freePort } from '@release-pipeline/pipeline/test/fixtures.js';
import { DEFAULT_OPTIONS } from '@release-pipeline/pipeline/options.js';

const work = await mkdtemp(join(tmpdir(), 'bench-pipeline-'));
const registry = await startLocalRegistry({ storageDir: join(work, 'registry'), port: await freePort() });
const proxy = await startFaultProxy(registry.address);
const out = { ...outPaths(join(work, 'out')), cache: join(work, 'cache') };

// A copy of the tracked sources (with this checkout's installed packages), released as this commit.
const src = join(work, 'src');
for (const file of execFileSync('git', ['ls-files'], { cwd: projectRoot, encoding: 'utf8' }).split('\n').filter(Boolean)) {
  await mkdir(dirname(join(src, file)), { recursive: true });
  await cp(join(projectRoot, file), join(src, file));
}
for (const dir of ['node_modules', 'app/node_modules']) await symlink(join(projectRoot, dir), join(src, dir));
const facts = await gitFacts(projectRoot);
const git = { revision: facts.revision, commitTime: facts.commitTime, commitCount: facts.commitCount };
const options = { ...DEFAULT_OPTIONS, registry: `${proxy.address}/bench`, baseImage: 'host', commit: git };

async function timed(label: string): Promise<{ ms: number; bytes: number; summary: ReleaseSummary }> {
  proxy.resetStats();
  const lines: string[] = [];
  const started = performance.now();
  const { summary } = await runPipeline(options, { root: src, out, env: process.env, progress: new Progress((l) => lines.push(l)) });
  const ms = performance.now() - started;
  console.log(`${label}: ${(ms / 1000).toFixed(2)}s, ${proxy.stats.blobBytesUploaded} blob bytes uploaded, ${proxy.stats.requests} registry requests`);
  for (const l of lines.filter((x) => x.startsWith('✔'))) console.log(`  ${l}`);
  return { ms, bytes: proxy.stats.blobBytesUploaded, summary };
}

/** The compressed size of the image's app layer (its last layer), for the first platform. */
async function appLayerBytes(s: ReleaseSummary): Promise<number> {
  const manifest = JSON.parse((await run(tool('crane'), ['manifest', `${s.image.repository}@${s.image.manifests[0]!.digest}`])).stdout) as {
    layers: Array<{ size: number }>;
  };
  return manifest.layers.at(-1)!.size;
}

try {
  const cold = await timed('cold (empty caches and registry)');
  const warm = await timed('warm rerun (no change)');
  const file = join(src, 'app', 'src', 'server.ts');
  const text = await readFile(file, 'utf8');
  if (!text.includes('server.requestTimeout = 30_000;')) throw new Error('the line to change is gone: update bench/pipeline.bench.ts');
  await writeFile(file, text.replace('server.requestTimeout = 30_000;', 'server.requestTimeout = 31_000;'));
  const changed = await timed('rerun after a one-line change in app/src');
  const layer = await appLayerBytes(changed.summary);
  console.log(
    `\nwarm rerun/cold time ${(warm.ms / cold.ms).toFixed(3)}; blob bytes re-uploaded ${warm.bytes}; same digests: ${warm.summary.image.digest === cold.summary.image.digest}`,
  );
  console.log(
    `one-line change/cold time ${(changed.ms / cold.ms).toFixed(3)} (target ≤ 0.25); uploaded ${changed.bytes} bytes for a ${layer}-byte app layer: ${(changed.bytes / layer).toFixed(2)}× (target ≤ 2); new image digest: ${changed.summary.image.digest !== cold.summary.image.digest}`,
  );
} finally {
  await proxy.close();
  await registry.stop();
  await rm(work, { recursive: true, force: true });
}
