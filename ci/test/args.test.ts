import { describe, expect, it } from 'vitest';
import { cosignSignArgs, cosignVerifyArgs, cosignVerifyCommand, githubWorkflowIdentity, GITHUB_ACTIONS_ISSUER } from '../src/core/cosign-args.js';
import { chartRepositoryUrl, helmPullArgs, helmPushArgs, parseHelmPushDigest } from '../src/core/helm-args.js';

const D = `sha256:${'ab'.repeat(32)}`;
const local = `127.0.0.1:5000/koa-service@${D}`;
const remote = `ghcr.io/o/koa-service@${D}`;

describe('cosign arguments', () => {
  it('signs by digest, legacy format, no log, plain HTTP only for loopback', () => {
    expect(cosignSignArgs(local, { kind: 'key', keyPath: 'k.key' })).toEqual([
      'sign', '--yes', '--new-bundle-format=false', '--allow-http-registry', '--key', 'k.key', '--tlog-upload=false', '--use-signing-config=false', local,
    ]);
    expect(cosignSignArgs(remote, { kind: 'keyless' })).toEqual(['sign', '--yes', '--new-bundle-format=false', remote]);
  });
  it('signs with a certificate and chain', () => {
    const args = cosignSignArgs(remote, { kind: 'certificate', keyPath: 'k', certificatePath: 'c.pem', chainPath: 'ch.pem' });
    expect(args).toContain('--certificate');
    expect(args[args.indexOf('--certificate-chain') + 1]).toBe('ch.pem');
  });
  it('refuses to sign or verify a tag', () => {
    expect(() => cosignSignArgs('ghcr.io/o/a:latest', { kind: 'keyless' })).toThrow(/must be referenced by digest/);
    expect(() => cosignVerifyArgs('ghcr.io/o/a:latest', { kind: 'key', publicKeyPath: 'p' })).toThrow(/must be referenced by digest/);
  });
  it('verifies identity exactly, or by one regexp', () => {
    const identity = githubWorkflowIdentity('o/r', '.github/workflows/release.yaml', 'refs/heads/main');
    expect(identity).toBe('https://github.com/o/r/.github/workflows/release.yaml@refs/heads/main');
    const args = cosignVerifyArgs(remote, { kind: 'identity', identity, issuer: GITHUB_ACTIONS_ISSUER });
    expect(args).toEqual(['verify', '--output', 'json', '--certificate-identity', identity, '--certificate-oidc-issuer', GITHUB_ACTIONS_ISSUER, remote]);
    expect(() => cosignVerifyArgs(remote, { kind: 'identity', issuer: 'x' })).toThrow(/exactly one/);
    expect(() => cosignVerifyArgs(remote, { kind: 'identity', identity: 'a', identityRegexp: 'b', issuer: 'x' })).toThrow(/exactly one/);
  });
  it('spells the paste-ready command without the json flag', () => {
    expect(cosignVerifyCommand(remote, { kind: 'key', publicKeyPath: 'cosign.pub' })).toBe(`cosign verify --key cosign.pub --insecure-ignore-tlog ${remote}`);
    expect(cosignVerifyCommand(remote, { kind: 'identity', identityRegexp: '^https://x$', issuer: 'i' })).toContain("--certificate-identity-regexp '^https://x$'");
  });
});

describe('helm arguments', () => {
  it('pushes to oci://registry/namespace/charts', () => {
    expect(chartRepositoryUrl({ registry: 'ghcr.io', namespace: 'o' })).toBe('oci://ghcr.io/o/charts');
    expect(helmPushArgs('c.tgz', { registry: '127.0.0.1:5000', namespace: '' })).toEqual(['push', 'c.tgz', 'oci://127.0.0.1:5000/charts', '--plain-http']);
  });
  it('pulls by digest only', () => {
    expect(helmPullArgs(`ghcr.io/o/charts/x@${D}`, 'out')).toEqual(['pull', `oci://ghcr.io/o/charts/x@${D}`, '--destination', 'out']);
    expect(() => helmPullArgs('ghcr.io/o/charts/x:1.0.0', 'out')).toThrow(/must be referenced by digest/);
  });
  it('reads the digest helm prints', () => {
    expect(parseHelmPushDigest(`Pushed: r/x:1\nDigest: ${D}\n`)).toBe(D);
    expect(() => parseHelmPushDigest('Error: nope')).toThrow(/printed no digest/);
  });
});
