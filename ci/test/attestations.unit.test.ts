// The attestations' pure parts: the SLSA provenance a release records and how it is read back, the
// Rego policy cosign evaluates, and the verification summary.
import { describe, expect, it } from 'vitest';
import { provenanceRego } from '@release-pipeline/core/attestation-policy.js';
import {
  BUILD_TYPE,
  coversDigest,
  lockfilePath,
  parseToolsLock,
  provenanceFacts,
  provenancePredicate,
  SLSA_PROVENANCE_V1,
  type Statement,
} from '@release-pipeline/core/provenance.js';
import { parseDigestReference } from '@release-pipeline/core/reference.js';
import { verificationSummary } from '@release-pipeline/core/vsa.js';

const D = (c: string) => `sha256:${c.repeat(64)}`;
const base = parseDigestReference(`127.0.0.1:5000/base/node-host@${D('b')}`);
const image = parseDigestReference(`127.0.0.1:5000/koa-service@${D('c')}`);
const revision = '1'.repeat(40);

const predicate = (extra: Partial<Parameters<typeof provenancePredicate>[0]> = {}) =>
  provenancePredicate({
    parameters: { source: { repository: 'https://github.com/acme/koa', revision }, commit: { time: 1, count: 2 }, version: '0.1.0-dev.2.g111111111111' },
    builderId: 'urn:signed-release-pipeline:runner',
    runner: 'host',
    dirty: false,
    platforms: ['linux/amd64'],
    base,
    lockfiles: { 'package-lock.json': 'e'.repeat(64), 'app/package-lock.json': 'f'.repeat(64) },
    tools: parseToolsLock(
      '# c\ncosign github.com/sigstore/cosign/v3/cmd/cosign v3.1.3 runtime\nactionlint github.com/rhysd/actionlint/cmd/actionlint v1.7.12 test\n',
    ),
    node: 'v20.20.2',
    startedOn: '2026-01-01T00:00:00Z',
    finishedOn: '2026-01-01T00:00:10Z',
    ...extra,
  });
const statement = (p: unknown, digest = D('c')): Statement => ({
  _type: 'https://in-toto.io/Statement/v0.1',
  predicateType: SLSA_PROVENANCE_V1,
  subject: [{ digest: { sha256: digest.slice(7) } }],
  predicate: p,
});

describe('SLSA provenance', () => {
  it('records the source, the base by digest, the lockfiles (sorted) and only the runtime tools', () => {
    const p = predicate({ image });
    expect(p.buildDefinition.buildType).toBe(BUILD_TYPE);
    expect(p.buildDefinition.resolvedDependencies.map((d) => `${d.name} ${d.uri}`)).toEqual([
      `source git+https://github.com/acme/koa@${revision}`,
      `base-image oci://127.0.0.1:5000/base/node-host@${D('b')}`,
      `image oci://127.0.0.1:5000/koa-service@${D('c')}`,
      `lockfile git+https://github.com/acme/koa@${revision}#app/package-lock.json`,
      `lockfile git+https://github.com/acme/koa@${revision}#package-lock.json`,
      'cosign pkg:golang/github.com/sigstore/cosign/v3/cmd/cosign@v3.1.3',
    ]);
    expect(p.buildDefinition.resolvedDependencies[1]!.digest).toEqual({ sha256: 'b'.repeat(64) });
    // Every dependency is named by an absolute URI (a scheme), as SLSA's ResourceURI is.
    for (const d of p.buildDefinition.resolvedDependencies) expect(d.uri).toMatch(/^[a-z][a-z0-9+.-]*:/);
    // The repository path of a lockfile, from its URI or from the bare path older releases recorded.
    const lock = p.buildDefinition.resolvedDependencies.find((d) => d.name === 'lockfile')!;
    expect(lockfilePath(lock)).toBe('app/package-lock.json');
    expect(lockfilePath({ name: 'lockfile', uri: 'package-lock.json' })).toBe('package-lock.json');
  });

  it('reads back strictly: the facts, or an error naming what is missing', () => {
    const facts = provenanceFacts(statement(predicate({ image })));
    expect(facts.parameters.source.revision).toBe(revision);
    expect(facts.base).toEqual(base);
    expect(facts.image).toEqual(image);
    expect(() => provenanceFacts({ ...statement(predicate()), predicateType: 'https://slsa.dev/provenance/v0.2' })).toThrow(/not SLSA provenance v1/);
    const other = predicate();
    other.buildDefinition.buildType = 'https://example.invalid/other';
    expect(() => provenanceFacts(statement(other))).toThrow(/is not this pipeline's/);
    const short = predicate();
    short.buildDefinition.externalParameters.source.revision = 'abc';
    expect(() => provenanceFacts(statement(short))).toThrow(/does not record the source repository, revision/);
    const noBase = predicate();
    noBase.buildDefinition.resolvedDependencies = noBase.buildDefinition.resolvedDependencies.filter((d) => d.name !== 'base-image');
    expect(() => provenanceFacts(statement(noBase))).toThrow(/does not record the base image/);
  });

  it('a statement covers only the digests in its subject', () => {
    expect(coversDigest(statement(predicate()), D('c'))).toBe(true);
    expect(coversDigest(statement(predicate()), D('d'))).toBe(false);
  });

  it('tools.lock lines must have a module and a version', () => {
    expect(() => parseToolsLock('cosign github.com/sigstore/cosign\n')).toThrow(/is not "name module version scope"/);
  });
});

describe('the Rego policy cosign evaluates', () => {
  it('names the build type, repository, revision and the release digests, as string literals', () => {
    const rego = provenanceRego({ repository: 'https://github.com/acme/koa"} allow { true', revision, subjects: [D('c'), D('a'), D('c')] });
    expect(rego).toContain('package signature');
    expect(rego).toContain(`input.predicate.buildDefinition.buildType == "${BUILD_TYPE}"`);
    // A quote in a value stays inside its string: no rule can be smuggled in.
    expect(rego).toContain('== "https://github.com/acme/koa\\"} allow { true"');
    expect(rego).toContain(`subjects := {"${'a'.repeat(64)}", "${'c'.repeat(64)}"}`);
  });
});

describe('the verification summary', () => {
  it('PASSED names the level; FAILED says FAILED', () => {
    const input = {
      resourceUri: `127.0.0.1:5000/koa-service@${D('c')}`,
      policy: { uri: 'urn:p', sha256: 'a'.repeat(64) },
      inputAttestations: [{ uri: 'x', sha256: 'b'.repeat(64) }],
      buildLevel: 2 as const,
      timeVerified: '2026-01-01T00:00:00Z',
      verifierVersion: '0.1.0',
    };
    expect(verificationSummary({ ...input, passed: true })).toMatchObject({
      verificationResult: 'PASSED',
      verifiedLevels: ['SLSA_BUILD_LEVEL_2'],
      slsaVersion: '1.0',
    });
    expect(verificationSummary({ ...input, passed: false })).toMatchObject({ verificationResult: 'FAILED', verifiedLevels: ['FAILED'] });
  });
});
