// Verifying a release from its chart alone, with both cosign majors, and the negative matrix: every
// way a release can be wrong must be rejected with a clear reason.
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stampChartYaml, stampValuesYaml } from '@release-pipeline/core/chart-package.js';
import { cosignSignArgs, cosignVerifyCommand, GITHUB_ACTIONS_ISSUER, PredicateType, type Policy, type Signer } from '@release-pipeline/core/cosign-args.js';
import { attachmentTag, parseDigestReference } from '@release-pipeline/core/reference.js';
import type { ReleaseSummary } from '@release-pipeline/core/release-summary.js';
import { run } from '../src/exec.js';
import { runPipeline } from '../src/pipeline.js';
import { projectRoot } from '../src/paths.js';
import { createCertificateAuthority, issueSigningCertificate, writeSigningMaterial, type CertificateAuthority } from './private-ca.js';
import { Progress } from '../src/progress.js';
import { cosignVerify } from '../src/clients/cosign.js';
import { statementsIn } from '../src/clients/cosign.js';
import { tool } from '../src/tools.js';
import { verifyRelease } from '../src/verify-release.js';
import { attestLike, headCommit, runCli, tempOut, testRegistry, vsaCheckArgs } from './fixtures.js';
import { DEFAULT_OPTIONS } from '../src/options.js';

const IDENTITY = 'https://github.com/acme/koa-service/.github/workflows/release.yaml@refs/heads/main';
const ctx = { toolEnv: process.env, secrets: [], access: {} };
let registry: Awaited<ReturnType<typeof testRegistry>>;
let ca: CertificateAuthority;
let chain: string;
let keyed: ReleaseSummary;
let keyless: ReleaseSummary;
let keyPolicy: Policy;
let identityPolicy: Policy;
let otherKey: string;

const quiet = new Progress(() => undefined);
const crane = (...args: string[]) => run(tool('crane'), args);
const ref = (s: string) => parseDigestReference(s);
const sign = (target: string, signer: Signer, password = '') =>
  run(tool('cosign'), cosignSignArgs(ref(target), signer), { env: { ...process.env, COSIGN_PASSWORD: password } });
const releaseKey = (): Signer => ({ kind: 'key', keyPath: keyPolicy.kind === 'key' ? keyPolicy.publicKeyPath.replace(/\.pub$/, '.key') : '' });
/** A crafted chart signed by the release key, with the keyed release's own chart provenance. */
async function signAsRelease(chart: string): Promise<void> {
  await sign(chart, releaseKey());
  await attestLike(keyed.chart.ref, chart, PredicateType.provenance, { policy: keyPolicy, signer: releaseKey() });
}

async function certificateSigner(label: string, notBefore?: Date, notAfter?: Date): Promise<Signer> {
  const issued = await issueSigningCertificate(ca, {
    identity: IDENTITY,
    issuer: GITHUB_ACTIONS_ISSUER,
    notBefore,
    notAfter,
  });
  const m = await writeSigningMaterial(await mkdtemp(join(tmpdir(), `${label}-`)), ca, issued);
  return { kind: 'certificate', keyPath: m.key, certificatePath: m.certificate, chainPath: m.chain };
}

/** Packages chart/ with the given image (or a raw image string in the template) and pushes it. */
async function pushCustomChart(
  namespace: string,
  image: { repository: string; digest: string } | { rawImage: string },
  files: Record<string, string> = {},
): Promise<string> {
  const work = await mkdtemp(join(tmpdir(), 'custom-chart-'));
  const staged = join(work, 'koa-service');
  await cp(join(projectRoot, 'chart'), staged, { recursive: true });
  for (const [name, text] of Object.entries(files)) await writeFile(join(staged, name), text);
  await writeFile(join(staged, 'Chart.yaml'), stampChartYaml(await readFile(join(staged, 'Chart.yaml'), 'utf8'), { version: '9.9.9', appVersion: '9.9.9' }));
  if ('rawImage' in image) {
    const deployment = join(staged, 'templates', 'deployment.yaml');
    await writeFile(deployment, (await readFile(deployment, 'utf8')).replace('{{ include "koa-service.image" . | quote }}', JSON.stringify(image.rawImage)));
    await writeFile(
      join(staged, 'values.yaml'),
      stampValuesYaml(await readFile(join(staged, 'values.yaml'), 'utf8'), {
        imageRepository:
          image.rawImage
            .split(':')
            .slice(0, -1)
            .join(':')
            .replace(/:[^/]*$/, '') || 'x/y',
        imageDigest: keyed.image.digest,
      }),
    );
  } else {
    await writeFile(
      join(staged, 'values.yaml'),
      stampValuesYaml(await readFile(join(staged, 'values.yaml'), 'utf8'), { imageRepository: image.repository, imageDigest: image.digest }),
    );
  }
  await run(tool('helm'), ['package', staged, '--destination', work]);
  const { stdout, stderr } = await run(tool('helm'), [
    'push',
    join(work, 'koa-service-9.9.9.tgz'),
    `oci://${registry.address}/${namespace}/charts`,
    '--plain-http',
  ]);
  const digest = `${stdout}\n${stderr}`.match(/^Digest:\s+(sha256:[a-f0-9]{64})\s*$/m)?.[1];
  if (!digest) throw new Error(`helm push printed no digest: ${stdout}${stderr}`);
  return `${registry.address}/${namespace}/charts/koa-service@${digest}`;
}

async function expectRejected(name: string, verdict: Promise<{ verified: boolean }>): Promise<void> {
  const v = await verdict;
  expect(v.verified, name).toBe(false);
}

beforeAll(async () => {
  registry = await testRegistry('verification');
  const out = await tempOut('verify-keyed');
  keyed = (
    await runPipeline(
      { ...DEFAULT_OPTIONS, registry: `${registry.address}/keyed`, baseImage: 'host', skipTests: true, commit: await headCommit() },
      { out, env: process.env, progress: quiet },
    )
  ).summary;
  keyPolicy = { kind: 'key', publicKeyPath: join(out.keys, 'cosign.pub') };

  ca = await createCertificateAuthority();
  const signer = await certificateSigner('keyless');
  if (signer.kind !== 'certificate') throw new Error('unreachable');
  chain = signer.chainPath;
  keyless = (
    await runPipeline(
      {
        ...DEFAULT_OPTIONS,
        registry: `${registry.address}/keyless`,
        baseImage: 'host',
        commit: await headCommit(),
        skipTests: true,
        signing: signer,
      },
      { out: await tempOut('verify-keyless'), env: { ...process.env, COSIGN_PASSWORD: '' }, progress: quiet },
    )
  ).summary;
  identityPolicy = { kind: 'identity', identity: { exact: IDENTITY }, issuer: GITHUB_ACTIONS_ISSUER, certificateChainPath: chain, offline: true };

  const otherDir = await mkdtemp(join(tmpdir(), 'other-key-'));
  await run(tool('cosign'), ['generate-key-pair', '--output-key-prefix', join(otherDir, 'other')], { env: { ...process.env, COSIGN_PASSWORD: '' } });
  otherKey = join(otherDir, 'other.pub');
}, 300_000);

afterAll(async () => {
  await registry?.stop();
});

describe('a good release verifies from its chart alone', () => {
  it('key-signed: chart and every image it deploys', async () => {
    const v = await verifyRelease(ref(keyed.chart.ref), keyPolicy, ctx);
    expect(v.verified).toBe(true);
    const provenance = { repository: keyed.source, revision: keyed.revision, builder: 'urn:signed-release-pipeline:runner', dirty: expect.any(Boolean) };
    expect(v.chart).toEqual({ ref: keyed.chart.ref, verified: true, signer: `key ${keyPolicy.kind === 'key' ? keyPolicy.publicKeyPath : ''}`, provenance });
    expect(v.images.map((i) => i.ref)).toEqual([keyed.image.ref]);
    expect(v.images[0]).toMatchObject({ provenance, sbom: { format: 'spdx', packages: keyed.attestations!.sbom.packages } });
    expect(v.images[0]!.usedBy).toEqual(['Deployment/release-koa-service: container app', 'Pod/release-koa-service-test: container check']);
  });

  it('keyless-style: identity and issuer from the certificate, exact or by anchored regexp', async () => {
    const exact = await verifyRelease(ref(keyless.chart.ref), identityPolicy, ctx);
    expect(exact.verified).toBe(true);
    expect(exact.images[0]!.signer).toBe(`${IDENTITY} (${GITHUB_ACTIONS_ISSUER})`);
    const regexp: Policy = {
      kind: 'identity',
      identity: { regexp: '^https://github\\.com/acme/koa-service/\\.github/workflows/release\\.yaml@refs/heads/main$' },
      issuer: GITHUB_ACTIONS_ISSUER,
      certificateChainPath: chain,
      offline: true,
    };
    expect((await verifyRelease(ref(keyless.chart.ref), regexp, ctx)).verified).toBe(true);
  });

  it('the CLI prints the tree and exits 0; --json gives the same as data', async () => {
    const args = [
      'verify',
      keyless.chart.ref,
      '--certificate-identity',
      IDENTITY,
      '--certificate-oidc-issuer',
      GITHUB_ACTIONS_ISSUER,
      '--certificate-chain',
      chain,
    ];
    const r = await runCli(args);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`chart ${keyless.chart.ref}`);
    expect(r.stdout).toContain(`└─ image ${keyless.image.ref}`);
    expect(r.stdout).toContain('VERIFIED');
    const j = await runCli([...args, '--json']);
    expect(JSON.parse(j.stdout)).toMatchObject({
      verified: true,
      chart: { ref: keyless.chart.ref, verified: true },
      images: [{ ref: keyless.image.ref, verified: true }],
    });
  });

  for (const binary of ['cosign', 'cosign-v2'] as const) {
    it(`keyless-style signatures verify with ${binary} (stock command)`, async () => {
      for (const target of [keyless.image.ref, keyless.chart.ref]) {
        const args = cosignVerifyCommand(parseDigestReference(target), identityPolicy).split(' ').slice(1);
        await run(tool(binary), args);
      }
    });
  }
});

describe('the negative matrix: each is rejected with a clear reason', () => {
  it('1. unsigned image', async () => {
    const copy = `${registry.address}/unsigned/koa-service@${keyed.image.digest}`;
    await crane('copy', keyed.image.ref, copy);
    const err = await cosignVerify(ctx, keyPolicy, ref(copy)).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err?.message).toMatch(/no signatures found/);
  });

  it('2. unsigned chart', async () => {
    const copy = `${registry.address}/unsigned/charts/koa-service@${keyed.chart.digest}`;
    await crane('copy', keyed.chart.ref, copy);
    const v = await verifyRelease(ref(copy), keyPolicy, ctx);
    expect(v.chart.reason).toMatch(/no signatures found/);
    expect(v.images).toEqual([]);
    await expectRejected('unsigned chart', Promise.resolve(v));
  });

  it('3. a different image swapped into a signed chart, with the old signature copied over', async () => {
    const otherImage = keyed.image.base.split('@')[1]!; // the base image: real, but not what was signed
    const swapped = await pushCustomChart('keyed', { repository: `${registry.address}/keyed/base/node-host`, digest: otherImage });
    const digest = swapped.split('@')[1]!;
    const oldSig = `${keyed.chart.repository}:${keyed.chart.digest.replace(':', '-')}.sig`;
    await crane('copy', oldSig, `${keyed.chart.repository}:${digest.replace(':', '-')}.sig`);
    const v = await verifyRelease(ref(swapped), keyPolicy, ctx);
    expect(v.chart.verified).toBe(false);
    expect(v.chart.reason).toMatch(/no matching signatures|digest|mismatch/i);
    await expectRejected('digest swapped after signing', Promise.resolve(v));
  });

  it('4. signed by another key', async () => {
    const v = await verifyRelease(ref(keyed.chart.ref), { kind: 'key', publicKeyPath: otherKey }, ctx);
    expect(v.chart.reason).toMatch(/invalid signature|no matching signatures/);
    await expectRejected('another key', Promise.resolve(v));
  });

  it('5. wrong identity', async () => {
    const v = await verifyRelease(
      ref(keyless.chart.ref),
      { ...identityPolicy, identity: { exact: 'https://github.com/acme/koa-service/.github/workflows/release.yaml@refs/heads/evil' } } as Policy,
      ctx,
    );
    expect(v.chart.reason).toMatch(/none of the expected identities matched|expected identity/i);
    await expectRejected('wrong identity', Promise.resolve(v));
  });

  it('6. wrong issuer', async () => {
    const v = await verifyRelease(ref(keyless.chart.ref), { ...identityPolicy, issuer: 'https://accounts.google.com' } as Policy, ctx);
    expect(v.chart.reason).toMatch(/none of the expected identities matched|issuer/i);
    await expectRejected('wrong issuer', Promise.resolve(v));
  });

  it('7. certificate expired', async () => {
    const target = `${registry.address}/expired/koa-service@${keyed.image.digest}`;
    await crane('copy', keyed.image.ref, target);
    // A certificate that expired an hour ago (cosign signs with it; nothing vouches for the time).
    const now = Date.now();
    await sign(target, await certificateSigner('expired', new Date(now - 7_200_000), new Date(now - 3_600_000)));
    const err = await cosignVerify(ctx, identityPolicy, ref(target)).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err).toBeInstanceOf(Error);
    expect(String((err as Error & { output?: string }).output ?? err?.message)).toMatch(/expected a signed timestamp to verify an expired certificate/);
  });

  it('8. certificate not yet valid', async () => {
    const target = `${registry.address}/future/koa-service@${keyed.image.digest}`;
    await crane('copy', keyed.image.ref, target);
    const now = Date.now();
    const signed = await sign(target, await certificateSigner('future', new Date(now + 3_600_000), new Date(now + 7_200_000))).then(
      () => true,
      () => false,
    );
    const err = await cosignVerify(ctx, identityPolicy, ref(target)).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err, `signing ${signed ? 'succeeded' : 'was refused'}; verification must fail either way`).toBeInstanceOf(Error);
    // cosign's words for a certificate outside its validity and no timestamp to vouch for the signing time:
    expect(String((err as Error & { output?: string }).output)).toMatch(/expected a signed timestamp to verify an expired certificate/);
  });

  it('9. a tag where a digest is required is a usage error naming the fix', async () => {
    const byTag = `${keyed.chart.repository}:${keyed.chart.version}`;
    const r = await runCli(['verify', byTag, '--key', otherKey]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(
      `verify: the chart "${byTag}" must be referenced by digest: "${keyed.chart.version}" is a tag, and tags move. Use ${keyed.chart.repository}@sha256:<64 hex> (find it with: crane digest ${byTag})`,
    );
  });

  it('10. a signed chart whose values point at an unsigned image', async () => {
    const unsigned = `${registry.address}/unsigned2/koa-service`;
    await crane('copy', keyed.image.ref, `${unsigned}@${keyed.image.digest}`);
    const chart = await pushCustomChart('evil', { repository: unsigned, digest: keyed.image.digest });
    await signAsRelease(chart);
    const r = await runCli(['verify', chart, '--key', keyPolicy.kind === 'key' ? keyPolicy.publicKeyPath : '']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('✔ signed by key'); // the chart itself is fine
    expect(r.stderr.trim()).toMatch(
      new RegExp(`^verify: image ${unsigned}@sha256:[a-f0-9]{64} \\(Deployment/release-koa-service: container app\\): no signatures found`),
    );
  });

  it('12. nothing in a chart is read before its signature holds: a schema $ref is never fetched', async () => {
    let fetched = 0;
    const server = createServer((_req, res) => {
      fetched++;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const schema = JSON.stringify({ $ref: `http://127.0.0.1:${(server.address() as AddressInfo).port}/schema.json` });
      const chart = await pushCustomChart('schema-ref', { repository: keyed.image.repository, digest: keyed.image.digest }, { 'values.schema.json': schema });
      const unsigned = await verifyRelease(ref(chart), keyPolicy, ctx);
      expect(unsigned.chart).toMatchObject({ verified: false, reason: expect.stringMatching(/no signatures found/) });
      expect(fetched).toBe(0);
      // Signed, it renders offline: the schema is the installer's check, not what decides the images.
      await signAsRelease(chart);
      const signed = await verifyRelease(ref(chart), keyPolicy, ctx);
      expect(signed.verified, JSON.stringify(signed)).toBe(true);
      expect(fetched).toBe(0);
    } finally {
      server.close();
    }
  });

  it('11. a signed chart that points at an image by tag', async () => {
    const tagged = `${keyed.image.repository}:${keyed.version}`;
    const chart = await pushCustomChart('tagged', { rawImage: tagged });
    await signAsRelease(chart);
    const v = await verifyRelease(ref(chart), keyPolicy, ctx);
    expect(v.chart.verified).toBe(true);
    const bad = v.images.find((i) => i.ref === tagged);
    expect(bad).toMatchObject({ verified: false, reason: expect.stringMatching(/^not pinned by digest/) });
    await expectRejected('chart points at an image by tag', Promise.resolve(v));
  });
});

describe('attestations: each missing or wrong one is rejected with a clear reason', () => {
  const pub = () => (keyPolicy.kind === 'key' ? keyPolicy.publicKeyPath : '');

  /** The keyed release's image, copied under NAME, signed by the release key; then `attest` runs on it. */
  async function craftedImage(name: string, attest: (image: string) => Promise<void>): Promise<string> {
    const image = `${registry.address}/${name}/koa-service@${keyed.image.digest}`;
    await crane('copy', keyed.image.ref, image);
    await sign(image, releaseKey());
    await sign(`${registry.address}/${name}/koa-service@${keyed.image.manifests[0]!.digest}`, releaseKey());
    await attest(image);
    return image;
  }
  const provenanceOf = (image: string, edit?: (p: any) => unknown, signer: Signer = releaseKey()) =>
    attestLike(keyed.image.ref, image, PredicateType.provenance, { policy: keyPolicy, signer }, edit);
  const sbomOf = (image: string) => attestLike(keyed.image.ref, image, PredicateType.sbom, { policy: keyPolicy, signer: releaseKey() });

  /** An image with an SBOM and a provenance naming this source instead of the release's. */
  const builtFrom = (name: string, source: { repository: string; revision: string }) =>
    craftedImage(name, async (image) => {
      await sbomOf(image);
      await provenanceOf(image, (p) => ({
        ...p,
        buildDefinition: { ...p.buildDefinition, externalParameters: { ...p.buildDefinition.externalParameters, source } },
      }));
    });

  async function expectImageRejected(name: string, image: string, reason: RegExp): Promise<void> {
    const chart = await pushCustomChart(`${name}-chart`, { repository: image.split('@')[0]!, digest: keyed.image.digest });
    await signAsRelease(chart);
    const r = await runCli(['verify', chart, '--key', pub()]);
    expect(r.code, r.stdout).toBe(1);
    expect(r.stderr).toMatch(reason);
    expect(r.stdout).toContain('NOT VERIFIED');
  }

  it('an image with no provenance', async () => {
    const image = await craftedImage('no-provenance', sbomOf);
    await expectImageRejected(
      'no-provenance',
      image,
      /signed, but no valid SLSA provenance: none of the attestations matched the predicate type: slsaprovenance1/,
    );
  });

  it('an image whose only provenance is about another digest (a valid attestation copied over)', async () => {
    const image = await craftedImage('other-digest', sbomOf);
    // The base image's digest stands in for "another artifact": give it a provenance, then copy its .att over.
    const other = `${registry.address}/other-digest/koa-service@${keyed.image.manifests[0]!.digest}`;
    await provenanceOf(other);
    const otherTag = attachmentTag(ref(other), 'att');
    const thisTag = attachmentTag(ref(image), 'att');
    await crane('copy', otherTag, thisTag);
    await expectImageRejected('other-digest', image, /no valid SLSA provenance: no matching attestations: no matching subject digest found/);
  });

  it('an image built from another revision, or from another repository', async () => {
    const revision = await builtFrom('other-revision', { repository: keyed.source, revision: 'f'.repeat(40) });
    await expectImageRejected('other-revision', revision, /its provenance names .*@ffffffffffff, not the chart's source/);
    const repository = await builtFrom('other-repository', { repository: 'https://github.com/evil/fork', revision: keyed.revision });
    await expectImageRejected('other-repository', repository, /its provenance names https:\/\/github\.com\/evil\/fork@/);
  });

  it('an image whose provenance says it was built with uncommitted changes: rejected unless --allow-dirty', async () => {
    const image = await craftedImage('dirty', async (i) => {
      await sbomOf(i);
      await provenanceOf(i, (p) => ({
        ...p,
        buildDefinition: { ...p.buildDefinition, internalParameters: { ...p.buildDefinition.internalParameters, dirty: true } },
      }));
    });
    await expectImageRejected('dirty', image, /its provenance says it was built with uncommitted changes, so its revision does not name what was built/);
    const chart = await pushCustomChart('dirty-allowed-chart', { repository: image.split('@')[0]!, digest: keyed.image.digest });
    await signAsRelease(chart);
    const r = await runCli(['verify', chart, '--key', pub(), '--allow-dirty']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('(uncommitted changes)');
  });

  it('an image whose provenance is signed by another key', async () => {
    const otherSigner: Signer = { kind: 'key', keyPath: otherKey.replace(/\.pub$/, '.key') };
    const image = await craftedImage('other-key-provenance', async (i) => {
      await sbomOf(i);
      await provenanceOf(i, undefined, otherSigner);
    });
    // Only the SBOM is signed by the release key: cosign sees no provenance it can accept.
    await expectImageRejected('other-key-provenance', image, /no valid SLSA provenance: none of the attestations matched the predicate type: slsaprovenance1/);
  });

  it('an image with provenance but no SBOM', async () => {
    const image = await craftedImage('no-sbom', (i) => provenanceOf(i));
    await expectImageRejected('no-sbom', image, /signed, but no valid SBOM: none of the attestations matched the predicate type: spdxjson/);
  });

  it('--attest records a failed verification as FAILED, claiming no level but FAILED', async () => {
    const image = await craftedImage('failed-vsa', (i) => provenanceOf(i));
    const chart = await pushCustomChart('failed-vsa-chart', { repository: image.split('@')[0]!, digest: keyed.image.digest });
    await signAsRelease(chart);
    const key = pub().replace(/\.pub$/, '.key');
    const r = await runCli(['verify', chart, '--key', pub(), '--attest', '--attest-key', key], { COSIGN_PASSWORD: '' });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`verification summary (FAILED) signed onto ${chart}`);
    const { stdout } = await run(tool('cosign-v2'), [
      'verify-attestation',
      '--type',
      'https://slsa.dev/verification_summary/v1',
      '--key',
      pub(),
      '--insecure-ignore-tlog',
      chart,
    ]);
    const vsa = statementsIn(stdout).pop()!.predicate as { verificationResult: string; verifiedLevels: string[] };
    expect(vsa).toMatchObject({ verificationResult: 'FAILED', verifiedLevels: ['FAILED'] });
    // The check the README prints, with its policy, refuses the artifact: the summary says FAILED.
    const checked = await run(tool('cosign'), vsaCheckArgs(chart, pub())).then(
      () => 'accepted',
      () => 'refused',
    );
    expect(checked).toBe('refused');
  });

  it('--attest signs nothing onto a chart that is not signed under the policy', async () => {
    const chart = await pushCustomChart('unsigned-vsa-chart', { repository: keyed.image.repository, digest: keyed.image.digest });
    const key = pub().replace(/\.pub$/, '.key');
    const r = await runCli(['verify', chart, '--key', pub(), '--attest', '--attest-key', key], { COSIGN_PASSWORD: '' });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('no verification summary: the chart is not signed under this policy');
    const { stdout } = await crane('ls', chart.split('@')[0]!);
    expect(stdout).not.toMatch(/\.att$/m);
  });

  it('a signed chart with no provenance', async () => {
    const chart = await pushCustomChart('no-chart-provenance', { repository: keyed.image.repository, digest: keyed.image.digest });
    await sign(chart, releaseKey());
    const r = await runCli(['verify', chart, '--key', pub()]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^verify: chart .*: signed, but no valid SLSA provenance/);
  });

  it("the stock cosign with the release's Rego policy rejects a provenance from another revision, v3 and v2", async () => {
    const image = await builtFrom('rego-other-revision', { repository: keyed.source, revision: 'f'.repeat(40) });
    const policy = keyed.attestations!.provenancePolicy;
    for (const binary of ['cosign', 'cosign-v2'] as const) {
      const args = ['verify-attestation', '--type', 'slsaprovenance1', '--policy', policy, '--key', pub(), '--insecure-ignore-tlog'];
      await expect(run(tool(binary), [...args, image])).rejects.toThrow(/validation errors? occurred|expression value, false, is not true/);
      await run(tool(binary), [...args, keyed.image.ref]);
    }
  });
});
