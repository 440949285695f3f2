import { describe, expect, it } from 'vitest';
import { cosignSignArgs, cosignVerifyArgs, cosignVerifyCommand, githubWorkflowIdentity, GITHUB_ACTIONS_ISSUER } from '@release-pipeline/core/cosign-args.js';
import { helmTemplateArgs, PACKAGED_VALUES } from '@release-pipeline/core/helm-args.js';
import { parseDigestReference } from '@release-pipeline/core/reference.js';
import { commitArgs, releaseArgs, signArgs, verifyArgs } from '@release-pipeline/core/step-args.js';

const D = `sha256:${'ab'.repeat(32)}`;
const local = parseDigestReference(`127.0.0.1:5000/koa-service@${D}`);
const remote = parseDigestReference(`ghcr.io/o/koa-service@${D}`);

describe('cosign arguments', () => {
  it('signs by digest in the legacy format (signing config off), no log for keys, plain HTTP only for loopback', () => {
    expect(cosignSignArgs(local, { kind: 'key', keyPath: 'k.key' })).toEqual([
      'sign',
      '--yes',
      '--new-bundle-format=false',
      '--use-signing-config=false',
      '--allow-http-registry',
      '--key',
      'k.key',
      '--tlog-upload=false',
      `127.0.0.1:5000/koa-service@${D}`,
    ]);
    expect(cosignSignArgs(remote, { kind: 'keyless' })).toEqual([
      'sign',
      '--yes',
      '--new-bundle-format=false',
      '--use-signing-config=false',
      `ghcr.io/o/koa-service@${D}`,
    ]);
    expect(cosignSignArgs(remote, { kind: 'keyless' }, { plainHttp: true })).toContain('--allow-http-registry');
  });
  it('signs with a certificate and chain', () => {
    const args = cosignSignArgs(remote, { kind: 'certificate', keyPath: 'k', certificatePath: 'c.pem', chainPath: 'ch.pem' });
    expect(args[args.indexOf('--certificate') + 1]).toBe('c.pem');
    expect(args[args.indexOf('--certificate-chain') + 1]).toBe('ch.pem');
  });
  it('verifies identity exactly, or by one regexp', () => {
    const identity = githubWorkflowIdentity('o/r', '.github/workflows/release.yaml', 'refs/heads/main');
    expect(identity).toBe('https://github.com/o/r/.github/workflows/release.yaml@refs/heads/main');
    const args = cosignVerifyArgs(remote, { kind: 'identity', identity: { exact: identity }, issuer: GITHUB_ACTIONS_ISSUER });
    expect(args).toEqual([
      'verify',
      '--output',
      'json',
      '--certificate-identity',
      identity,
      '--certificate-oidc-issuer',
      GITHUB_ACTIONS_ISSUER,
      `ghcr.io/o/koa-service@${D}`,
    ]);
    // Both or neither of an exact identity and a pattern does not compile: IdentityMatch is one of them.
    expect(cosignVerifyArgs(remote, { kind: 'identity', identity: { regexp: '^https://x$' }, issuer: 'x' })).toContain('--certificate-identity-regexp');
  });
  it('spells the paste-ready command without the json flag', () => {
    expect(cosignVerifyCommand(remote, { kind: 'key', publicKeyPath: 'cosign.pub' })).toBe(
      `cosign verify --key cosign.pub --insecure-ignore-tlog ghcr.io/o/koa-service@${D}`,
    );
    expect(cosignVerifyCommand(remote, { kind: 'identity', identity: { regexp: '^https://x$' }, issuer: 'i' })).toContain(
      "--certificate-identity-regexp '^https://x$'",
    );
  });
});

describe('helm arguments', () => {
  it('renders from the registry by digest only, with the values given, plain HTTP for loopback, offline', () => {
    expect(helmTemplateArgs(parseDigestReference(`ghcr.io/o/charts/x@${D}`))).toEqual([
      'template',
      'release',
      `oci://ghcr.io/o/charts/x@${D}`,
      '--namespace',
      'default',
      '--skip-schema-validation',
    ]);
    expect(helmTemplateArgs(parseDigestReference(`127.0.0.1:5000/charts/x@${D}`))).toContain('--plain-http');
    expect(
      helmTemplateArgs(
        parseDigestReference(`ghcr.io/o/charts/x@${D}`),
        { ...PACKAGED_VALUES, releaseName: 'web', valuesFiles: ['prod.yaml'], set: ['a=1'], setString: ['b=2'] },
        { plainHttp: true },
      ),
    ).toEqual([
      'template',
      'web',
      `oci://ghcr.io/o/charts/x@${D}`,
      '--namespace',
      'default',
      '--values',
      'prod.yaml',
      '--set',
      'a=1',
      '--set-string',
      'b=2',
      '--plain-http',
      '--skip-schema-validation',
    ]);
  });
});

describe("the module's step arguments", () => {
  it('pass the commit facts all together or not at all', () => {
    expect(commitArgs(undefined)).toEqual([]);
    expect(commitArgs({ revision: 'a'.repeat(40), commitTime: 1, commitCount: 2, tag: 'v1.0.0' })).toEqual([
      '--revision',
      'a'.repeat(40),
      '--commit-time',
      '1',
      '--commit-count',
      '2',
      '--git-tag',
      'v1.0.0',
    ]);
  });
  it('never carry a secret: keys are paths, keyless is an identity', () => {
    expect(releaseArgs({ registry: 'ghcr.io/o', plainHttp: false, skipTests: false, signing: { kind: 'key', keyPath: '/run/secrets/cosign.key' } })).toEqual([
      'release',
      '--registry',
      'ghcr.io/o',
      '--key',
      '/run/secrets/cosign.key',
      '--json',
    ]);
    expect(signArgs({ refs: [remote], plainHttp: false, signing: { kind: 'keyless', identity: 'id', issuer: 'iss' } })).toEqual([
      'sign',
      '--keyless',
      '--certificate-identity',
      'id',
      '--certificate-oidc-issuer',
      'iss',
      `ghcr.io/o/koa-service@${D}`,
      '--json',
    ]);
    expect(verifyArgs({ chart: local, policy: { kind: 'key', publicKeyPath: 'p.pub' }, plainHttp: true })).toEqual([
      'verify',
      `127.0.0.1:5000/koa-service@${D}`,
      '--key',
      'p.pub',
      '--plain-http',
    ]);
  });
});
