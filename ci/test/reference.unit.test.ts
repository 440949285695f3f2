import { describe, expect, it } from 'vitest';
import {
  formatReference,
  isLoopbackRegistry,
  parseDigestReference,
  parseReference,
  parseRegistryTarget,
  pinned,
  repositoryIn,
} from '@release-pipeline/core/reference.js';

const D = `sha256:${'0123456789abcdef'.repeat(4)}`;

describe('parseReference', () => {
  it.each([
    ['ghcr.io/owner/app@' + D, { registry: 'ghcr.io', repository: 'owner/app', digest: D }],
    ['127.0.0.1:5000/koa-service:1.0.0', { registry: '127.0.0.1:5000', repository: 'koa-service', tag: '1.0.0' }],
    ['localhost/a/b/c:t@' + D, { registry: 'localhost', repository: 'a/b/c', tag: 't', digest: D }],
    ['[::1]:5000/x', { registry: '[::1]:5000', repository: 'x' }],
  ])('parses %s', (input, expected) => {
    expect(parseReference(input)).toEqual(expected);
    expect(formatReference(parseReference(input))).toBe(input);
  });

  it.each([
    ['', /it is empty/],
    ['nginx', /names no registry host/],
    ['library/nginx:1', /"library" is not a registry host/],
    ['oci://ghcr.io/x', /drop the scheme/],
    ['ghcr.io/Owner/app', /component "Owner" must be lowercase/],
    ['ghcr.io/app@sha256:abc', /"sha256:abc" is not a digest/],
    ['ghcr.io/app@md5:' + 'a'.repeat(32), /is not a digest/],
    ['ghcr.io/app:bad tag', /not a valid tag/],
  ])('rejects %j', (input, message) => {
    expect(() => parseReference(input)).toThrow(message);
  });
});

describe('parseDigestReference', () => {
  it('accepts a digest reference', () => {
    expect(parseDigestReference(`ghcr.io/o/a@${D}`).digest).toBe(D);
  });
  it('refuses a tag and names the fix', () => {
    expect(() => parseDigestReference('ghcr.io/o/a:v1.2.3', 'the chart')).toThrow(
      'the chart "ghcr.io/o/a:v1.2.3" must be referenced by digest: "v1.2.3" is a tag, and tags move. Use ghcr.io/o/a@sha256:<64 hex> (find it with: crane digest ghcr.io/o/a:v1.2.3)',
    );
  });
  it('refuses a bare repository', () => {
    expect(() => parseDigestReference('ghcr.io/o/a')).toThrow(/it has no digest/);
  });
  it('says which problem it is in a field callers act on: not by digest, or malformed', () => {
    expect(() => parseDigestReference('ghcr.io/o/a:v1')).toThrow(expect.objectContaining({ code: 'reference', problem: 'not-by-digest' }));
    expect(() => parseDigestReference('ghcr.io/O/A@sha256:zz')).toThrow(expect.objectContaining({ code: 'reference', problem: 'malformed' }));
  });
});

describe('registry targets', () => {
  it('parses host, port and namespace', () => {
    expect(parseRegistryTarget('ghcr.io/owner/team/')).toEqual({ registry: 'ghcr.io', namespace: 'owner/team' });
    expect(parseRegistryTarget('127.0.0.1:5000')).toEqual({ registry: '127.0.0.1:5000', namespace: '' });
    expect(repositoryIn({ registry: 'ghcr.io', namespace: 'o' }, 'koa-service')).toBe('ghcr.io/o/koa-service');
    expect(repositoryIn({ registry: 'r:1', namespace: '' }, 'x')).toBe('r:1/x');
  });
  it.each(['https://ghcr.io/o', 'owner/team', 'ghcr.io/Owner', ':5000/x'])('rejects %j', (input) => {
    expect(() => parseRegistryTarget(input)).toThrow(/malformed registry/);
  });
  it('knows loopback registries', () => {
    expect(['127.0.0.1:5000', 'localhost:1', '[::1]:5000', '127.9.9.9'].map(isLoopbackRegistry)).toEqual([true, true, true, true]);
    expect(['ghcr.io', '10.0.0.1:5000', 'localhost.example.com'].map(isLoopbackRegistry)).toEqual([false, false, false]);
  });
  it('pins only digests', () => {
    expect(pinned('ghcr.io/o/a', D)).toBe(`ghcr.io/o/a@${D}`);
    expect(() => pinned('ghcr.io/o/a', 'latest')).toThrow(/not a sha256 digest/);
  });
});
