// A bounded fault soak: releases racing each other into one registry, a registry killed and
// restarted in the middle of a push, every response slowed down. Nothing is lost, nothing is
// tagged unless signed and verified, and reruns converge to the same digests.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReleaseSummary } from '@release-pipeline/core/release-summary.js';
import { run } from '../src/exec.js';
import type { OutPaths } from '../src/paths.js';
import { runPipeline } from '../src/pipeline.js';
import { Progress } from '../src/progress.js';
import { startLocalRegistry, type LocalRegistry } from '../src/registry/local-registry.js';
import { tool } from '../src/tools.js';
import { startFaultProxy, type FaultProxy } from './fault-proxy.js';
import { freePort, tempOut } from './fixtures.js';
import { DEFAULT_OPTIONS } from '../src/options.js';

let storage: string;
let port: number;
let registry: LocalRegistry;
let proxy: FaultProxy;
let keys: string;

const release = async (namespace: string, out?: OutPaths): Promise<ReleaseSummary> => {
  const paths = out ?? (await tempOut(`soak-${namespace}`));
  return (
    await runPipeline(
      { ...DEFAULT_OPTIONS, registry: `${proxy.address}/${namespace}`, baseImage: 'host', skipTests: true },
      { out: { ...paths, keys }, progress: new Progress(() => undefined) },
    )
  ).summary;
};

/** The tag's digest, or undefined when the tag does not exist. */
const tagged = (repository: string, tag: string) =>
  run(tool('crane'), ['digest', `${repository}:${tag}`]).then(
    (r) => r.stdout.trim(),
    () => undefined,
  );

/** Tags other than cosign's own (sha256-….sig): none may exist before a release is signed and verified. */
const versionTags = (repository: string) =>
  run(tool('crane'), ['ls', repository]).then(
    (r) =>
      r.stdout
        .trim()
        .split('\n')
        .filter((t) => t && !t.startsWith('sha256-')),
    () => [] as string[],
  );

/** Every signature manifest in the repository verifies against the key; every tag names a signed digest. */
async function expectOnlySignedTags(s: ReleaseSummary): Promise<void> {
  for (const repository of [s.image.repository, s.chart.repository]) {
    const direct = repository.replace(proxy.address, registry.address);
    const tags = await versionTags(direct);
    expect(tags.length).toBeGreaterThan(0);
    for (const tag of tags) {
      const digest = await tagged(direct, tag);
      await run(tool('cosign'), ['verify', '--key', join(keys, 'cosign.pub'), '--insecure-ignore-tlog', `${direct}@${digest}`]);
    }
  }
}

beforeAll(async () => {
  storage = await mkdtemp(join(tmpdir(), 'soak-registry-'));
  port = await freePort();
  registry = await startLocalRegistry({ storageDir: storage, port });
  proxy = await startFaultProxy(registry.address);
  keys = await mkdtemp(join(tmpdir(), 'soak-keys-'));
});

afterAll(async () => {
  await proxy?.close();
  await registry?.stop();
});

describe('fault soak', () => {
  it('two releases of one commit at once, into one registry: both complete, the same digests, only signed tags', async () => {
    proxy.policy = () => 'pass';
    const [a, b] = await Promise.all([release('race'), release('race')]);
    expect(a.image.digest).toBe(b.image.digest);
    expect(a.chart.digest).toBe(b.chart.digest);
    await expectOnlySignedTags(a);
  }, 240_000);

  it('the registry killed and restarted mid-push: the release fails cleanly or rides it out; a rerun converges', async () => {
    let killed = false;
    proxy.policy = (r) => {
      if (!killed && r.kind === 'blob-upload' && r.method === 'PATCH') {
        killed = true;
        void registry.stop().then(async () => {
          await new Promise((resolve) => setTimeout(resolve, 1500));
          registry = await startLocalRegistry({ storageDir: storage, port });
        });
      }
      return 'pass';
    };
    const out = await tempOut('soak-restart');
    const first = await release('restart', out).then(
      (s) => s,
      (err: Error) => err,
    );
    expect(killed).toBe(true);
    if (first instanceof Error) {
      expect(first.message).toMatch(/^(base image|publish image|publish chart): pushing .* failed; nothing was tagged or signed; rerun to resume/);
      for (const repo of ['koa-service', 'charts/koa-service']) expect(await versionTags(`${registry.address}/restart/${repo}`)).toEqual([]);
    }
    for (
      let i = 0;
      i < 50 &&
      !(await fetch(`http://${registry.address}/v2/`).then(
        () => true,
        () => false,
      ));
      i++
    )
      await new Promise((r) => setTimeout(r, 100));
    proxy.policy = () => 'pass';
    const again = await release('restart', out);
    const third = await release('restart', out);
    expect(third.image.digest).toBe(again.image.digest);
    expect(third.chart.digest).toBe(again.chart.digest);
    if (!(first instanceof Error)) expect(first.image.digest).toBe(again.image.digest);
    await expectOnlySignedTags(again);
  }, 240_000);

  it('every response slowed down: the release completes with the same digests as without', async () => {
    proxy.policy = () => ({ delayMs: 40 });
    const slow = await release('slow');
    proxy.policy = () => 'pass';
    const fast = await release('slow');
    expect(slow.image.digest).toBe(fast.image.digest);
    expect(proxy.stats.faults).toBeGreaterThan(0);
  }, 240_000);
});
