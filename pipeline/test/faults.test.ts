// Publishing through a fault-injecting proxy: transient 5xx and dropped connections are retried,
// a hard failure leaves nothing tagged or signed, and a rerun resumes without re-uploading blobs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachmentTag, parseDigestReference } from '@release-pipeline/core/reference.js';
import type { ReleaseSummary } from '@release-pipeline/core/release-summary.js';
import { run } from '../src/exec.js';
import { runPipeline } from '../src/pipeline.js';
import type { OutPaths } from '../src/paths.js';
import { Progress } from '../src/progress.js';
import { tool } from '../src/tools.js';
import { tempOut, testRegistry } from './fixtures.js';
import { startFaultProxy, type FaultProxy } from './fault-proxy.js';
import { DEFAULT_OPTIONS } from '../src/options.js';

let registry: Awaited<ReturnType<typeof testRegistry>>;
let proxy: FaultProxy;
let out: OutPaths;
const options = () => ({ ...DEFAULT_OPTIONS, registry: proxy.address, baseImage: 'host', skipTests: true });
const log: string[] = [];
const release = async (): Promise<ReleaseSummary> =>
  (await runPipeline(options(), { out, env: process.env, progress: new Progress((l) => log.push(l)) })).summary;

/** Every layer and config digest of an image index. */
async function blobsOf(ref: string): Promise<string[]> {
  const index = JSON.parse((await run(tool('crane'), ['manifest', ref])).stdout) as { manifests: Array<{ digest: string }> };
  const repo = ref.split('@')[0]!;
  const blobs: string[] = [];
  for (const m of index.manifests) {
    const manifest = JSON.parse((await run(tool('crane'), ['manifest', `${repo}@${m.digest}`])).stdout) as {
      config: { digest: string };
      layers: Array<{ digest: string }>;
    };
    blobs.push(manifest.config.digest, ...manifest.layers.map((l) => l.digest));
  }
  return blobs;
}

beforeAll(async () => {
  registry = await testRegistry('faults');
  proxy = await startFaultProxy(registry.address);
  out = await tempOut('faults');
});
afterAll(async () => {
  await proxy?.close();
  await registry?.stop();
});

describe('publishing through faults', () => {
  it('a hard failure mid-push leaves no tag, no signature and no release.json', async () => {
    // The app image's manifests never get in (the base image, pushed before it, does).
    proxy.policy = (r) => (r.kind === 'manifest-put' && r.path.startsWith('/v2/koa-service/') ? { status: 503 } : 'pass');
    const err = await release().then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err?.message).toMatch(/^publish image: pushing the image to 127\.0\.0\.1:\d+\/koa-service failed; nothing was tagged or signed; rerun to resume/);
    expect(proxy.stats.blobBytesUploaded).toBeGreaterThan(1_000_000); // the layers did go up
    const tags = await run(tool('crane'), ['ls', `${registry.address}/koa-service`]).then(
      (r) => r.stdout.trim(),
      () => '',
    );
    expect(tags).toBe('');
    await expect(import('node:fs/promises').then((fs) => fs.access(out.release))).rejects.toThrow();
  }, 180_000);

  it('a rerun after the failure resumes: no blob is uploaded twice, and transient faults are retried', async () => {
    proxy.resetStats();
    // Transient now: the first two upload requests get 503, the first manifest PUT loses its connection.
    proxy.policy = (r) => {
      if (r.kind === 'blob-upload' && r.nth <= 2) return { status: 503 };
      if (r.kind === 'manifest-put' && r.nth === 1) return 'reset';
      return 'pass';
    };
    const summary = await release();
    expect(proxy.stats.faults).toBeGreaterThanOrEqual(3);
    // Every blob of the image went up during the failed run; none went up again.
    const imageBlobs = await blobsOf(`${registry.address}/koa-service@${summary.image.digest}`);
    expect(imageBlobs.length).toBeGreaterThanOrEqual(3); // config, the base layer, the app layer
    expect(imageBlobs.filter((d) => proxy.stats.blobsCompleted.has(d))).toEqual([]);
    // Only what the failed run never reached: the signature payloads and the attestations (the SBOM is most of it),
    // each at most twice: signing and attesting run at once, so which upload meets an injected fault varies, and a
    // retried attestation is signed anew, so its envelope goes up again under a new digest.
    const att = JSON.parse(
      (await run(tool('crane'), ['manifest', attachmentTag(parseDigestReference(`${registry.address}/koa-service@${summary.image.digest}`), 'att')])).stdout,
    ) as {
      layers: Array<{ size: number }>;
    };
    expect(proxy.stats.blobBytesByRepo.get('koa-service') ?? 0).toBeLessThan(2 * (4096 + att.layers.reduce((n, l) => n + l.size, 0)));
    expect(summary.image.ref).toBe(`${proxy.address}/koa-service@${summary.image.digest}`);
    const tags = (await run(tool('crane'), ['ls', `${registry.address}/koa-service`])).stdout.trim().split('\n');
    expect(tags).toContain(summary.version);
  }, 180_000);

  it('a rerun with no change uploads no blob bytes at all and converges to the same digests', async () => {
    const before = JSON.parse(await import('node:fs/promises').then((fs) => fs.readFile(out.release, 'utf8'))) as ReleaseSummary;
    proxy.resetStats();
    proxy.policy = () => 'pass';
    const again = await release();
    expect(proxy.stats.blobBytesUploaded).toBe(0);
    expect(again.image.digest).toBe(before.image.digest);
    expect(again.chart.digest).toBe(before.chart.digest);
  }, 180_000);
});
