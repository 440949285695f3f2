// `npm run verify` against charts that are themselves validly signed but try to deploy an unsigned
// image past it: every trick must fail closed (exit 1), and the same construct with the signed
// image must pass (so the walker really reads through the trick). Then loose identities, values
// given at install time, a stalling registry and a signal mid-verification.
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cosignSignArgs, PredicateType } from '@release-pipeline/core/cosign-args.js';
import { parseDigestReference } from '@release-pipeline/core/reference.js';
import type { ReleaseSummary } from '@release-pipeline/core/release-summary.js';
import { run } from '../src/exec.js';
import { projectRoot } from '../src/paths.js';
import { runPipeline } from '../src/pipeline.js';
import { Progress } from '../src/progress.js';
import { tool } from '../src/tools.js';
import { startFaultProxy, type FaultProxy } from './fault-proxy.js';
import { attestLike, headCommit, runCli, tempOut, testRegistry } from './fixtures.js';
import { DEFAULT_OPTIONS } from '../src/options.js';

let registry: Awaited<ReturnType<typeof testRegistry>>;
let release: ReleaseSummary;
let key: string;
let pub: string;
let signed: string;
let unsigned: string;

beforeAll(async () => {
  registry = await testRegistry('attacks');
  const out = await tempOut('attacks');
  release = (
    await runPipeline(
      { ...DEFAULT_OPTIONS, registry: `${registry.address}/good`, baseImage: 'host', skipTests: true, commit: await headCommit() },
      { out, progress: new Progress(() => undefined) },
    )
  ).summary;
  key = join(out.keys, 'cosign.key');
  pub = join(out.keys, 'cosign.pub');
  signed = release.image.ref;
  unsigned = `${registry.address}/unsigned/koa-service@${release.image.digest}`;
  await run(tool('crane'), ['copy', signed, unsigned]);
}, 300_000);

afterAll(async () => registry?.stop());

/** A signed chart whose one template is `manifest` (with IMAGE replaced), pushed, signed and attested by the release key. */
async function signedChart(name: string, manifest: string, image: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `attack-${name}-`));
  const chart = join(dir, name);
  await mkdir(join(chart, 'templates'), { recursive: true });
  await writeFile(join(chart, 'Chart.yaml'), `apiVersion: v2\nname: ${name}\nversion: 1.0.0\n`);
  await writeFile(join(chart, 'templates', 'manifest.yaml'), manifest.replaceAll('IMAGE', image));
  await run(tool('helm'), ['package', chart, '--destination', dir]);
  const { stdout, stderr } = await run(tool('helm'), ['push', join(dir, `${name}-1.0.0.tgz`), `oci://${registry.address}/attacks`, '--plain-http']);
  const digest = `${stdout}\n${stderr}`.match(/^Digest:\s+(sha256:[a-f0-9]{64})\s*$/m)![1]!;
  const ref = `${registry.address}/attacks/${name}@${digest}`;
  await run(tool('cosign'), cosignSignArgs(parseDigestReference(ref), { kind: 'key', keyPath: key }), { env: { ...process.env, COSIGN_PASSWORD: '' } });
  // The release's own chart provenance, so that only the images it deploys are in question.
  await attestLike(release.chart.ref, ref, PredicateType.provenance, { policy: { kind: 'key', publicKeyPath: pub }, signer: { kind: 'key', keyPath: key } });
  return ref;
}

const pod = (image: string) => `containers:\n        - name: app\n          image: "${image}"`;

const CORPUS: Record<string, string> = {
  'list-wrapped-deployment': `apiVersion: v1
kind: List
items:
  - apiVersion: apps/v1
    kind: Deployment
    metadata: {name: hidden}
    spec:
      selector: {matchLabels: {a: b}}
      template:
        metadata: {labels: {a: b}}
        spec:
          containers:
            - name: app
              image: "IMAGE"
`,
  'argo-rollout': `apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: canary}
spec:
  template:
    spec:
      ${pod('IMAGE')}
`,
  'yaml-merge-key': `apiVersion: v1
kind: Pod
metadata: {name: merged}
spec:
  containers:
    - name: app
      <<: {image: "IMAGE"}
`,
  'ephemeral-container': `apiVersion: v1
kind: Pod
metadata: {name: debug}
spec:
  containers: []
  ephemeralContainers:
    - name: shell
      image: "IMAGE"
`,
  'cronjob-in-nested-lists': `apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: List
    items:
      - apiVersion: batch/v1
        kind: CronJob
        metadata: {name: nightly}
        spec:
          schedule: "0 0 * * *"
          jobTemplate:
            spec:
              template:
                spec:
                  restartPolicy: Never
                  containers:
                    - name: app
                      image: "IMAGE"
`,
  'custom-resource-image-field': `apiVersion: example.com/v1
kind: Worker
metadata: {name: w}
spec:
  runner:
    image: "IMAGE"
`,
};

describe('charts that hide an unsigned image: each fails closed, the signed twin passes', () => {
  for (const [name, manifest] of Object.entries(CORPUS)) {
    it(name, async () => {
      const bad = await runCli(['verify', await signedChart(`${name}-bad`, manifest, unsigned), '--key', pub]);
      expect(bad.code, bad.stdout + bad.stderr).toBe(1);
      expect(bad.stderr).toContain(unsigned.split('@')[0]!);
      const good = await runCli(['verify', await signedChart(`${name}-good`, manifest, signed), '--key', pub]);
      expect(good.code, good.stdout + good.stderr).toBe(0);
      expect(good.stdout).toContain(`image ${signed}`);
    });
  }

  it('an image given as an object (repository and tag apart) cannot be told, so it fails', async () => {
    const chart = await signedChart(
      'image-object',
      'apiVersion: example.com/v1\nkind: App\nmetadata: {name: a}\nspec:\n  image: {repository: IMAGE, tag: latest}\n',
      'ghcr.io/acme/app',
    );
    const r = await runCli(['verify', chart, '--key', pub]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/spec\.image is not a plain image reference/);
  });

  it('a repeated key (the last one wins in some readers) does not render', async () => {
    const chart = await signedChart(
      'duplicate-key',
      `apiVersion: v1\nkind: Pod\nmetadata: {name: d}\nspec:\n  containers:\n    - name: app\n      image: "${signed}"\n      image: "IMAGE"\n`,
      unsigned,
    );
    const r = await runCli(['verify', chart, '--key', pub]);
    expect(r.code).toBe(1);
  });

  it('a short name with a digest is named as such, not as a tag', async () => {
    const chart = await signedChart(
      'short-name',
      `apiVersion: v1\nkind: Pod\nmetadata: {name: s}\nspec:\n  ${pod('IMAGE').replace(/\n {8}/g, '\n    ')}\n`,
      `koa-service@${release.image.digest}`,
    );
    const r = await runCli(['verify', chart, '--key', pub]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/names no registry host/);
  });
});

describe('what the chart will be installed with', () => {
  it('install-time values that swap the image are rendered, shown, and fail', async () => {
    const unsignedRepo = unsigned.split('@')[0]!;
    const r = await runCli([
      'verify',
      release.chart.ref,
      '--key',
      pub,
      '--set',
      `image.repository=${unsignedRepo}`,
      '--release-name',
      'prod',
      '--namespace',
      'shop',
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`rendered with release prod, namespace shop, the packaged values.yaml, --set image.repository=${unsignedRepo}`);
    expect(r.stdout).toContain('Deployment/prod-koa-service: container app');
    const plain = await runCli(['verify', release.chart.ref, '--key', pub]);
    expect(plain.code, plain.stderr).toBe(0);
  });

  it('a values file that does not exist is a usage error', async () => {
    const r = await runCli(['verify', release.chart.ref, '--key', pub, '-f', '/nonexistent/values.yaml']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('verify: /nonexistent/values.yaml: no such file');
  });
});

describe('a chart that chooses its image by Kubernetes version', () => {
  const manifest = (signedImage: string, evil: string) =>
    `apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: app\n      image: {{ if semverCompare "<1.34.0-0" .Capabilities.KubeVersion.Version }}"${evil}"{{ else }}"${signedImage}"{{ end }}\n`;

  it('is rendered for every supported version: the image an older cluster would run is verified too', async () => {
    const chart = await signedChart('by-kube-version', manifest('IMAGE', unsigned), signed);
    const r = await runCli(['verify', chart, '--key', pub]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`${unsigned}`);
    expect(r.stdout).toMatch(/on Kubernetes 1\.32\.0, 1\.32\.99, 1\.33\.0, 1\.33\.99\)/);
    expect(r.stderr).toMatch(/no signatures found/);
  });

  it('--kube-version renders for the cluster named', async () => {
    const chart = await signedChart('by-kube-version-named', manifest('IMAGE', unsigned), signed);
    const newer = await runCli(['verify', chart, '--key', pub, '--kube-version', '1.36.0']);
    expect(newer.code, newer.stderr).toBe(0);
    const older = await runCli(['verify', chart, '--key', pub, '--kube-version', '1.33.2']);
    expect(older.code).toBe(1);
  });
});

describe('identities', () => {
  it.each([['.*'], ['https://github.com/acme/'], ['^https://github.com/acme/.*$'], ['^.+$']])(
    'a loose --certificate-identity-regexp %s is refused (exit 2)',
    async (pattern) => {
      const r = await runCli([
        'verify',
        release.chart.ref,
        '--certificate-identity-regexp',
        pattern,
        '--certificate-oidc-issuer',
        'https://token.actions.githubusercontent.com',
      ]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/--certificate-identity-regexp .*(not anchored|also accepts|unescaped dot).*--allow-loose-identity/);
    },
  );

  it('unless asked for by name', async () => {
    const r = await runCli([
      'verify',
      release.chart.ref,
      '--certificate-identity-regexp',
      '.*',
      '--certificate-oidc-issuer',
      'https://x',
      '--allow-loose-identity',
    ]);
    expect(r.code).toBe(1); // it runs: the key-signed chart has no certificate to match
  });
});

describe('a registry that stops answering', () => {
  let proxy: FaultProxy;
  beforeAll(async () => {
    proxy = await startFaultProxy(registry.address);
  });
  afterAll(async () => proxy?.close());

  it('is bounded by --timeout, and the message names the registry', async () => {
    proxy.policy = (r) => (r.method === 'GET' && r.path.includes('/manifests/') ? 'stall' : 'pass');
    const chart = `${proxy.address}/${release.chart.repository.split('/').slice(1).join('/')}@${release.chart.digest}`;
    const started = Date.now();
    const r = await runCli(['verify', chart, '--key', pub, '--timeout', '4']);
    expect(r.code).toBe(1);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(r.stderr).toContain(`${proxy.address} did not answer in time`);
  });

  it("bounds the image's manifest read too: an image registry that stalls ends in the deadline", async () => {
    // The chart and its provenance come straight from the registry; the image it deploys is served
    // through the proxy, whose image manifests never come (cosign's reads and crane's alike).
    const image = `${proxy.address}/${release.image.repository.split('/').slice(1).join('/')}@${release.image.digest}`;
    const chart = await signedChart('stalled-image', `apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  ${pod(image)}\n`, image);
    proxy.policy = (r) => (r.method === 'GET' && r.path.includes('/koa-service/manifests/') ? 'stall' : 'pass');
    const r = await runCli(['verify', chart, '--key', pub, '--timeout', '4']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${proxy.address} did not answer in time`);
  });

  it('SIGTERM mid-pull stops the tools and exits 143', async () => {
    // The signature is read; the chart's content (its one layer) never comes.
    const manifest = JSON.parse((await run(tool('crane'), ['manifest', release.chart.ref])).stdout) as { layers: Array<{ digest: string }> };
    const content = manifest.layers[0]!.digest;
    let pulling = false;
    proxy.policy = (r) => (r.method === 'GET' && r.path.endsWith(`/blobs/${content}`) ? ((pulling = true), 'stall') : 'pass');
    const chart = `${proxy.address}/${release.chart.repository.split('/').slice(1).join('/')}@${release.chart.digest}`;
    const child = spawn(process.execPath, [join(projectRoot, 'pipeline', 'dist', 'cli.mjs'), 'verify', chart, '--key', pub], { stdio: 'ignore' });
    for (let i = 0; i < 100 && !pulling; i++) await new Promise((r) => setTimeout(r, 100));
    expect(pulling).toBe(true); // helm is reading the chart's content
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(143);
    const { stdout } = await run('pgrep', ['-f', `helm template release oci://${proxy.address}`]).catch(() => ({ stdout: '' }));
    expect(stdout.trim()).toBe('');
  });
});
