import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { releaseVersion, rfc3339, stampChartYaml, stampValuesYaml } from '@release-pipeline/core/chart-package.js';

const D = `sha256:${'cd'.repeat(32)}`;

describe('chart stamping', () => {
  it('sets version, appVersion, source and revision, keeping comments', () => {
    const out = stampChartYaml('# keep me\nname: x\nversion: 0.0.0-source # placeholder\nappVersion: 0.0.0-source\n', {
      version: '1.2.3',
      appVersion: '1.2.3',
      source: 'https://github.com/o/r',
      revision: 'abc',
    });
    expect(out).toContain('# keep me');
    expect(out).toMatch(/^version: 1\.2\.3/m);
    expect(out).toMatch(/^appVersion: 1\.2\.3/m);
    expect(out).toContain('org.opencontainers.image.revision: abc');
    expect(out).toContain('- https://github.com/o/r');
  });
  it('refuses a non-SemVer version', () => {
    expect(() => stampChartYaml('version: 0\n', { version: 'main', appVersion: 'x' })).toThrow(/not SemVer/);
  });
  it('writes the image repository and digest into values', () => {
    const out = stampValuesYaml('image:\n  # the repo\n  repository: ""\n  digest: ""\n  pullPolicy: IfNotPresent\n', {
      imageRepository: 'ghcr.io/o/a',
      imageDigest: D,
    });
    expect(parse(out)).toEqual({ image: { repository: 'ghcr.io/o/a', digest: D, pullPolicy: 'IfNotPresent' } });
    expect(out).toContain('# the repo');
  });
  it('refuses a tag in place of the digest, and a tagged repository', () => {
    expect(() => stampValuesYaml('image: {}\n', { imageRepository: 'ghcr.io/o/a', imageDigest: 'v1.0.0' })).toThrow(/digests only/);
    expect(() => stampValuesYaml('image: {}\n', { imageRepository: 'ghcr.io/o/a:v1', imageDigest: D })).toThrow(/must not carry a tag/);
  });
});

describe('release versions', () => {
  const git = { revision: 'f'.repeat(40), commitTime: 0, commitCount: 42 };
  it('uses an exact release tag, vX.Y.Z only (the trust rule), never a pre-release tag', () => {
    expect(releaseVersion('0.1.0', { ...git, tag: 'v2.3.4' })).toBe('2.3.4');
    expect(releaseVersion('0.1.0', { ...git, tag: 'v2.3.4-rc.1' })).toBe('0.1.0-dev.42.gffffffffffff');
  });
  it('otherwise makes a unique, ordered pre-release', () => {
    expect(releaseVersion('0.1.0', git)).toBe('0.1.0-dev.42.gffffffffffff');
    expect(releaseVersion('0.1.0', { ...git, tag: 'nightly' })).toBe('0.1.0-dev.42.gffffffffffff');
  });
  it('formats commit times as RFC 3339', () => {
    expect(rfc3339(1_700_000_000)).toBe('2023-11-14T22:13:20Z');
  });
});
