// The commands a release prints: `npm run verify` says what the release needs to pass, no more.
import { describe, expect, it } from 'vitest';
import { formatSummary, releaseSummary, type SummaryInput } from '@release-pipeline/core/release-summary.js';
import { parseDigestReference } from '@release-pipeline/core/reference.js';

const D = `sha256:${'a'.repeat(64)}`;
const input: SummaryInput = {
  version: '0.1.0-dev.1.gaaaaaaaaaaaa',
  revision: 'a'.repeat(40),
  source: 'https://github.com/OWNER/REPO',
  image: {
    ref: parseDigestReference(`r.example/koa-service@${D}`),
    platforms: ['linux/amd64'],
    manifests: [],
    base: parseDigestReference(`r.example/base@${D}`),
  },
  chart: { ref: parseDigestReference(`r.example/charts/koa-service@${D}`), name: 'koa-service', version: '0.1.0-dev.1.gaaaaaaaaaaaa' },
  policy: { kind: 'key', publicKeyPath: '.out/keys/cosign.pub' },
};

describe('the printed verify command', () => {
  it('verifies the release from its chart under the signing policy', () => {
    expect(releaseSummary(input).verify.release).toBe(`npm run verify -- r.example/charts/koa-service@${D} --key .out/keys/cosign.pub`);
  });

  it('accepts uncommitted changes only for a release that had them (verify refuses them otherwise)', () => {
    expect(releaseSummary({ ...input, dirty: true }).verify.release).toMatch(/ --allow-dirty$/);
    expect(releaseSummary({ ...input, dirty: false }).verify.release).not.toContain('--allow-dirty');
  });
});

describe('the printed summary', () => {
  it('gives cosign v2 users the chart provenance command too, as release.json has it', () => {
    const keyless: SummaryInput = {
      ...input,
      policy: {
        kind: 'identity',
        identity: { exact: 'https://github.com/OWNER/REPO/.github/workflows/release.yaml@refs/heads/main' },
        issuer: 'http://127.0.0.1:1',
        trustedRootPath: 'trusted_root.json',
        trustParts: { fulcioChainPath: 'fulcio-chain.pem', rekorPublicKeyPath: 'rekor.pub', ctLogPublicKeyPath: 'ct-log.pub' },
      },
      attestations: { provenancePolicy: 'provenance.rego', sbom: { packages: 1, files: 1 } },
    };
    const summary = releaseSummary(keyless);
    const text = formatSummary(summary);
    expect(summary.verify.cosignV2?.provenance?.chart).toBeDefined();
    expect(text).toContain(summary.verify.cosignV2!.provenance!.chart);
  });
});
