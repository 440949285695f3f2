// Cluster policies admit only images signed by this repository's release workflow, by digest.
// The Kyverno policy is validated offline against Kyverno's CRD schemas (policy/validate_kyverno.py).
import { existsSync } from 'node:fs';
import { readFile, writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { GITHUB_ACTIONS_ISSUER } from '@release-pipeline/core/cosign-args.js';
import { releaseIdentityRegexp, releaseWorkflowRun } from '@release-pipeline/core/trust-rule.js';
import { run } from '@release-pipeline/pipeline/exec.js';
import { validateAgainstCrd } from './crd-validate.js';
import { projectRoot } from '@release-pipeline/pipeline/paths.js';
import type { ReleaseSummary } from '@release-pipeline/core/release-summary.js';
import { runPipeline } from '@release-pipeline/pipeline/pipeline.js';
import { Progress } from '@release-pipeline/pipeline/progress.js';
import { tool } from '@release-pipeline/pipeline/tools.js';
import { venvDir } from '@release-pipeline/pipeline/locations.mjs';
import { statementsIn } from '@release-pipeline/pipeline/clients/cosign.js';
import { tempOut, testRegistry } from '@release-pipeline/pipeline/test/fixtures.js';
import { DEFAULT_OPTIONS } from '@release-pipeline/pipeline/options.js';

const policyDir = fileURLToPath(new URL('..', import.meta.url));
const kyverno = join(policyDir, 'kyverno', 'verify-images.yaml');
const cip = join(policyDir, 'policy-controller', 'cluster-image-policy.yaml');
const RELEASE_IDENTITIES = releaseIdentityRegexp('OWNER/REPO');
/** The run the certificate must record (Kyverno's keyless additionalExtensions), from the trust rule. */
const RUN = (({ repository, trigger }) => ({ githubWorkflowRepository: repository, githubWorkflowTrigger: trigger }))(releaseWorkflowRun('OWNER/REPO'));
const python = join(venvDir(), 'bin', 'python');

const validate = (...files: string[]) => run(python, [join(policyDir, 'validate_kyverno.py'), ...files]);

describe('Kyverno ClusterPolicy', () => {
  it('is valid against the Kyverno CRD schema', async () => {
    const { stdout } = await validate(kyverno);
    expect(stdout.trim()).toBe(`${kyverno}: valid ClusterPolicy koa-service-signed-release`);
  });

  it('the validator rejects unknown fields and wrong types', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'policy-'));
    const text = await readFile(kyverno, 'utf8');
    const typo = join(dir, 'typo.yaml');
    await writeFile(typo, text.replace('verifyDigest: true', 'verifyDigets: true'));
    await expect(validate(typo)).rejects.toThrow(/does not define: \/spec\/rules\/0\/verifyImages\/0\/verifyDigets/);
    const wrongType = join(dir, 'type.yaml');
    await writeFile(wrongType, text.replace('count: 1', 'count: several'));
    await expect(validate(wrongType)).rejects.toThrow(/attestors\.0\.count/);
  });

  it('enforces digests and the release workflow identity and issuer', async () => {
    const p = parse(await readFile(kyverno, 'utf8')) as any;
    // failureAction per rule: the spec-level validationFailureAction is deprecated in Kyverno's CRD.
    expect(p.spec.validationFailureAction).toBeUndefined();
    const vi = p.spec.rules[0].verifyImages[0];
    expect(vi).toMatchObject({ verifyDigest: true, required: true, mutateDigest: false, failureAction: 'Enforce' });
    // Every image of a Pod in an opted-in namespace, not only the ones named like ours.
    expect(vi.imageReferences).toEqual(['*']);
    expect(p.spec.rules[0].match.any[0].resources.namespaceSelector).toEqual({ matchLabels: { 'policy.sigstore.dev/include': 'true' } });
    expect(vi.attestors[0].entries[0].keyless).toMatchObject({ subjectRegExp: RELEASE_IDENTITIES, issuer: GITHUB_ACTIONS_ISSUER, additionalExtensions: RUN });
    expect(existsSync(join(projectRoot, '.github', 'workflows', 'release.yaml'))).toBe(true);
  });
});

describe('Kyverno ImageValidatingPolicy', () => {
  it('names the identity and issuer the release workflow signs as, every image, digests, Deny', async () => {
    const p = parse(await readFile(join(policyDir, 'kyverno', 'image-validating-policy.yaml'), 'utf8')) as any;
    expect(p).toMatchObject({ apiVersion: 'policies.kyverno.io/v1', kind: 'ImageValidatingPolicy' });
    expect(p.spec.validationActions).toEqual(['Deny']);
    expect(p.spec.matchImageReferences).toEqual([{ expression: 'true' }]);
    expect(p.spec.validationConfigurations).toEqual({ mutateDigest: false, verifyDigest: true, required: true });
    expect(p.spec.matchConstraints.namespaceSelector).toEqual({ matchLabels: { 'policy.sigstore.dev/include': 'true' } });
    expect(p.spec.attestors[0].cosign.keyless.identities).toEqual([{ issuer: GITHUB_ACTIONS_ISSUER, subjectRegExp: RELEASE_IDENTITIES }]);
  });
});

describe('policy-controller ClusterImagePolicy', () => {
  const crd = () => readFile(join(policyDir, 'policy-controller', 'crd', 'clusterimagepolicy.crd.yaml'), 'utf8');

  it('is valid against the ClusterImagePolicy CRD schema', async () => {
    expect(validateAgainstCrd(await crd(), parse(await readFile(cip, 'utf8')) as { apiVersion: string })).toEqual([]);
  });

  it('the check rejects unknown fields and wrong types', async () => {
    const p = parse(await readFile(cip, 'utf8')) as any;
    p.spec.authorities[0].keyless.identites = p.spec.authorities[0].keyless.identities;
    p.spec.mode = 7;
    const problems = validateAgainstCrd(await crd(), p);
    expect(problems).toContain('/spec/authorities/0/keyless/identites: not defined by the schema');
    expect(problems.some((x) => x.startsWith('/spec/mode'))).toBe(true);
  });

  it('names the same identity and issuer, in enforce mode', async () => {
    const p = parse(await readFile(cip, 'utf8')) as any;
    expect(p.apiVersion).toBe('policy.sigstore.dev/v1beta1');
    expect(p.kind).toBe('ClusterImagePolicy');
    expect(p.spec.mode).toBe('enforce');
    expect(p.spec.images).toEqual([{ glob: '**' }]);
    expect(p.spec.authorities[0].keyless.identities).toEqual([{ issuer: GITHUB_ACTIONS_ISSUER, subjectRegExp: RELEASE_IDENTITIES }]);
  });
});

describe('the provenance the admission policies require, against a real release', () => {
  let registry: Awaited<ReturnType<typeof testRegistry>>;
  let release: ReleaseSummary;
  let pub: string;
  const cue = async () => (parse(await readFile(cip, 'utf8')) as any).spec.authorities[0].attestations[0].policy.data as string;

  beforeAll(async () => {
    registry = await testRegistry('policy');
    const out = await tempOut('policy');
    const git = { revision: 'a'.repeat(40), commitTime: 1_700_000_000, commitCount: 7 };
    release = (
      await runPipeline(
        { ...DEFAULT_OPTIONS, registry: `${registry.address}/p`, baseImage: 'host', skipTests: true, sourceUrl: 'https://github.com/OWNER/REPO', commit: git },
        { out, progress: new Progress(() => undefined) },
      )
    ).summary;
    pub = join(out.keys, 'cosign.pub');
  }, 300_000);

  afterAll(async () => registry?.stop());

  /** The stock cosign (v3 or v2) evaluating a CUE policy file against the image's provenance. */
  const check = async (binary: 'cosign' | 'cosign-v2', policy: string) => {
    const file = join(await mkdtemp(join(tmpdir(), 'cue-')), 'policy.cue');
    await writeFile(file, policy);
    return run(tool(binary), [
      'verify-attestation',
      '--type',
      'slsaprovenance1',
      '--policy',
      file,
      '--key',
      pub,
      '--insecure-ignore-tlog',
      release.image.ref,
    ]).then(
      () => 'admitted',
      (err: Error) => err.message,
    );
  };

  for (const binary of ['cosign', 'cosign-v2'] as const) {
    it(`the ClusterImagePolicy's CUE admits it (${binary}), and not a provenance from another repository or a dirty tree`, async () => {
      expect(await check(binary, await cue())).toBe('admitted');
      expect(await check(binary, (await cue()).replace('OWNER/REPO', 'evil/fork'))).toMatch(/validation errors? occurred|conflicting values/);
      expect(await check(binary, (await cue()).replace('dirty: false', 'dirty: true'))).toMatch(/validation errors? occurred|conflicting values/);
    });
  }

  it("the Kyverno rule's conditions name fields the provenance has, with the values it has", async () => {
    const { stdout } = await run(tool('cosign'), [
      'verify-attestation',
      '--type',
      'slsaprovenance1',
      '--key',
      pub,
      '--insecure-ignore-tlog',
      release.image.ref,
    ]);
    const predicate = statementsIn(stdout).pop()!.predicate;
    const p = parse(await readFile(kyverno, 'utf8')) as any;
    const attestation = p.spec.rules[0].verifyImages[0].attestations[0];
    expect(attestation.type).toBe('https://slsa.dev/provenance/v1');
    expect(attestation.attestors[0].entries[0].keyless).toMatchObject({
      subjectRegExp: RELEASE_IDENTITIES,
      issuer: GITHUB_ACTIONS_ISSUER,
      additionalExtensions: RUN,
    });
    const conditions = attestation.conditions[0].all as Array<{ key: string; operator: string; value: unknown }>;
    expect(conditions.length).toBe(3);
    for (const c of conditions) {
      // Kyverno's "{{ a.b.c }}" is a JMESPath over the predicate; these are plain field paths.
      const path = c.key.match(/^\{\{ ([\w.]+) \}\}$/)![1]!;
      const value = path.split('.').reduce((o: any, k) => o?.[k], predicate);
      expect(c.operator).toBe('Equals');
      expect(value, path).toEqual(c.value);
    }
  });
});
