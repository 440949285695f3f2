// The chart, rendered by the real helm: digest-only images, hardened pods, valid Kubernetes objects.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { releaseIdentity } from '@release-pipeline/core/trust-rule.js';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { stampChartYaml, stampValuesYaml } from '@release-pipeline/core/chart-package.js';
import { run } from '@release-pipeline/pipeline/exec.js';
import { tool } from '@release-pipeline/pipeline/tools.js';
import { validateManifest } from './k8s-validate.js';

const chartDir = fileURLToPath(new URL('..', import.meta.url));
const DIGEST = `sha256:${'0a'.repeat(32)}`;
const REPO = 'ghcr.io/owner/koa-service';
const good = ['--set', `image.repository=${REPO}`, '--set', `image.digest=${DIGEST}`];

const helm = (...args: string[]) => run(tool('helm'), args);
type K8sObject = { kind: string; metadata: { name: string }; spec?: Record<string, any> } & Record<string, any>;

async function render(...args: string[]): Promise<K8sObject[]> {
  const { stdout } = await helm('template', 'rel', chartDir, ...args);
  return parseAllDocuments(stdout)
    .map((d) => d.toJS() as K8sObject)
    .filter(Boolean);
}

async function renderError(...args: string[]): Promise<string> {
  const err = await helm('template', 'rel', chartDir, ...args).then(
    () => undefined,
    (e: Error) => e,
  );
  expect(err, 'rendering should have failed').toBeInstanceOf(Error);
  return err!.message;
}

function podSpecs(objects: K8sObject[]): Array<{ owner: string; spec: Record<string, any> }> {
  return objects.flatMap((o) => {
    if (o.kind === 'Deployment') return [{ owner: `Deployment/${o.metadata.name}`, spec: o.spec!.template.spec }];
    if (o.kind === 'Pod') return [{ owner: `Pod/${o.metadata.name}`, spec: o.spec! }];
    return [];
  });
}

describe('chart', () => {
  it('lints strictly', async () => {
    const { stdout } = await helm('lint', '--strict', chartDir, ...good);
    expect(stdout).toContain('1 chart(s) linted, 0 chart(s) failed');
  });

  it('references every image by digest', async () => {
    const objects = await render(...good);
    const images = podSpecs(objects).flatMap((p) => [...(p.spec.containers ?? []), ...(p.spec.initContainers ?? [])].map((c: { image: string }) => c.image));
    expect(images.length).toBeGreaterThanOrEqual(2); // the app and its helm test pod
    for (const image of images) expect(image).toBe(`${REPO}@${DIGEST}`);
    const app = objects.find((o) => o.kind === 'Deployment')!.spec!.template.spec.containers[0];
    expect(app.env).toContainEqual({ name: 'IMAGE_DIGEST', value: DIGEST });
  });

  it('hardens every pod and container', async () => {
    for (const { owner, spec } of podSpecs(await render(...good))) {
      expect(spec.automountServiceAccountToken, owner).toBe(false);
      expect(spec.securityContext, owner).toMatchObject({
        runAsNonRoot: true,
        runAsUser: 65532,
        runAsGroup: 65532,
        seccompProfile: { type: 'RuntimeDefault' },
      });
      for (const c of spec.containers) {
        expect(c.securityContext, owner).toMatchObject({
          runAsNonRoot: true,
          runAsUser: 65532,
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
          seccompProfile: { type: 'RuntimeDefault' },
        });
        expect(c.resources?.requests, owner).toBeDefined();
        expect(c.resources?.limits?.memory, owner).toBeDefined();
      }
    }
  });

  it("probes health and readiness, and outlasts the app's own shutdown", async () => {
    const deployment = (await render(...good, '--set', 'shutdown.delaySeconds=7', '--set', 'shutdown.timeoutSeconds=20')).find((o) => o.kind === 'Deployment')!;
    const pod = deployment.spec!.template.spec;
    const app = pod.containers[0];
    expect(app.livenessProbe.httpGet.path).toBe('/healthz');
    expect(app.readinessProbe.httpGet.path).toBe('/readyz');
    expect(pod.terminationGracePeriodSeconds).toBe(32);
    expect(app.env).toContainEqual({ name: 'SHUTDOWN_TIMEOUT_MS', value: '20000' });
    expect(app.volumeMounts).toContainEqual({ name: 'tmp', mountPath: '/tmp' });
  });

  it('renders the optional objects, all valid against the Kubernetes schemas', async () => {
    const objects = await render(
      ...good,
      '--set',
      'podDisruptionBudget.enabled=true',
      '--set',
      'networkPolicy.enabled=true',
      '--set',
      'autoscaling.enabled=true',
    );
    expect(objects.map((o) => o.kind).sort()).toEqual(
      ['Deployment', 'HorizontalPodAutoscaler', 'NetworkPolicy', 'Pod', 'PodDisruptionBudget', 'Service', 'ServiceAccount'].sort(),
    );
    expect(objects.find((o) => o.kind === 'Deployment')!.spec!.replicas).toBeUndefined();
    for (const o of objects) expect(() => validateManifest(o), `${o.kind}/${o.metadata.name}`).not.toThrow();
  });

  it('the schema validator catches an invalid object', () => {
    expect(() => validateManifest({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'x' }, spec: { ports: [{ port: 'eighty' }] } })).toThrow(/port/);
  });

  it('prints how to verify the running image in NOTES, with the identity the trust rule gives its version', async () => {
    const { stdout } = await helm('install', 'rel', chartDir, ...good, '--dry-run=client');
    expect(stdout).toContain(`--certificate-identity ${releaseIdentity('OWNER/REPO', '0.0.0-source')}`);
    expect(stdout).toContain('--certificate-github-workflow-repository OWNER/REPO --certificate-github-workflow-trigger push');
    expect(stdout).toContain(`${REPO}@${DIGEST}`);
    expect(stdout).toContain('cosign verify --key cosign.pub --insecure-ignore-tlog');
    // A chart packaged for a release tag names that tag's identity.
    const tagged = await mkdtemp(join(tmpdir(), 'tagged-chart-'));
    await cp(chartDir, tagged, { recursive: true });
    await writeFile(join(tagged, 'Chart.yaml'), (await readFile(join(tagged, 'Chart.yaml'), 'utf8')).replace(/^version: .*$/m, 'version: 1.4.2'));
    const notes = (await helm('install', 'rel', tagged, ...good, '--dry-run=client')).stdout;
    expect(notes).toContain(`--certificate-identity ${releaseIdentity('OWNER/REPO', '1.4.2')}`);
    expect(releaseIdentity('OWNER/REPO', '1.4.2')).toMatch(/@refs\/tags\/v1\.4\.2$/);
  });
});

describe('chart refuses what it must not deploy', () => {
  it('no digest', async () => {
    expect(await renderError('--set', `image.repository=${REPO}`)).toContain('image.digest is not set: this chart deploys images by digest only');
  });
  it('no repository', async () => {
    expect(await renderError('--set', `image.digest=${DIGEST}`)).toContain('image.repository is not set');
  });
  it('a tag where the digest goes', async () => {
    expect(await renderError('--set', `image.repository=${REPO}`, '--set', 'image.digest=v1.2.3')).toMatch(/image\/digest.*does not match pattern/);
  });
  it('a tag value', async () => {
    expect(await renderError(...good, '--set', 'image.tag=latest')).toMatch(/additional properties 'tag' not allowed/);
  });
  it('a tagged or malformed repository', async () => {
    expect(await renderError('--set', `image.repository=${REPO}:1.0`, '--set', `image.digest=${DIGEST}`)).toMatch(/image\/repository.*does not match pattern/);
    expect(await renderError('--set', 'image.repository=Not A Repo', '--set', `image.digest=${DIGEST}`)).toMatch(/image\/repository/);
  });
  it('a value of the wrong type', async () => {
    expect(await renderError(...good, '--set', 'replicaCount=many')).toMatch(/replicaCount.*(integer|type)/);
    expect(await renderError(...good, '--set', 'logLevel=loud')).toMatch(/logLevel/);
  });
});

describe('packaging', () => {
  it('sets version, appVersion and the digest; the package lints, renders and carries no tag', async () => {
    const work = await mkdtemp(join(tmpdir(), 'chart-pkg-'));
    const staged = join(work, 'koa-service');
    await cp(chartDir, staged, { recursive: true });
    await writeFile(join(staged, 'Chart.yaml'), stampChartYaml(await readFile(join(staged, 'Chart.yaml'), 'utf8'), { version: '1.4.0', appVersion: '1.4.0' }));
    await writeFile(
      join(staged, 'values.yaml'),
      stampValuesYaml(await readFile(join(staged, 'values.yaml'), 'utf8'), { imageRepository: REPO, imageDigest: DIGEST }),
    );
    await helm('package', staged, '--destination', work);
    const tgz = join(work, 'koa-service-1.4.0.tgz');
    await helm('lint', '--strict', tgz);
    const { stdout: chartYaml } = await helm('show', 'chart', tgz);
    expect(chartYaml).toMatch(/^version: 1\.4\.0$/m);
    expect(chartYaml).toMatch(/^appVersion: 1\.4\.0$/m);
    const { stdout: values } = await helm('show', 'values', tgz);
    expect(values).toContain(`digest: ${DIGEST}`);
    const { stdout } = await helm('template', 'rel', tgz);
    expect(stdout).toContain(`image: "${REPO}@${DIGEST}"`);
    expect(stdout).not.toMatch(/image: "[^"@]+:[^"@/]+"/);
  });
});
