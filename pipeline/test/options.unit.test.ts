// The command line, parsed in-process: each bad input is a UsageError whose one line names the
// problem and the fix (the CLI prints it as "pipeline: …" and exits 2; bad-input.test.ts runs that once).
import { describe, expect, it } from 'vitest';
import { parseInvocation, UsageError } from '../src/options.js';

const DIGEST = `sha256:${'a'.repeat(64)}`;

describe('usage errors', () => {
  it.each([
    [['--registry', 'https://ghcr.io/owner'], /^malformed registry "https:\/\/ghcr\.io\/owner": drop the scheme; write host\[:port\]\/namespace$/],
    [['--registry', 'Owner/Repo'], /^malformed registry "Owner\/Repo": "Owner" is not a registry host/],
    [
      ['--base-image', 'ghcr.io/x/node:22'],
      /^--base-image "ghcr\.io\/x\/node:22" must be referenced by digest: "22" is a tag, and tags move\. Use ghcr\.io\/x\/node@sha256:<64 hex>/,
    ],
    [['--base-image', 'node@sha256:abc'], /^malformed reference "node@sha256:abc": "sha256:abc" is not a digest/],
    [
      ['--password', 'hunter2'],
      /^--password is not accepted: secrets never go on the command line; set REGISTRY_PASSWORD or COSIGN_PASSWORD in the environment$/,
    ],
    [['--registry-password=hunter2'], /^--registry-password is not accepted/],
    [['--certificate', 'c.pem'], /^--certificate and --certificate-chain go together/],
    [['--frobnicate'], /^unknown option '--frobnicate'; see `npm run pipeline -- --help`$/],
    [['deploy'], /^unknown command "deploy"; one of: release, build, test, image, chart-package, publish, sign, verify, reproduce, registry$/],
    [['sign', 'ghcr.io/o/koa-service:1.0.0'], /^the artifact to sign "ghcr\.io\/o\/koa-service:1\.0\.0" must be referenced by digest/],
    [['sign'], /^sign needs at least one REPOSITORY@sha256:<64 hex> to sign$/],
    [['chart-package'], /^chart-package needs --image REPOSITORY@sha256:<64 hex>/],
    [['chart-package', '--image', '127.0.0.1:1/koa-service:1.0.0'], /^--image "127\.0\.0\.1:1\/koa-service:1\.0\.0" must be referenced by digest/],
    [['build', '--key', 'k'], /^unknown option '--key'; see `npm run pipeline -- build --help`$/],
    [['--keyless'], /^--keyless needs --certificate-identity and --certificate-oidc-issuer/],
    [['--revision', 'abc'], /^--revision, --commit-time and --commit-count go together$/],
    // A flag missing its value is not given the next flag as one.
    [['--key', '--skip-tests'], /^--key needs a value; see `npm run pipeline -- --help`$/],
    [['verify', 'r@sha256:x', '--certificate-identity', '--key', 'k'], /^--certificate-identity needs a value/],
    // commander's suggestion stays on the one line.
    [['release', '--registy', 'r/n'], /^unknown option '--registy' \(Did you mean --registry\?\); see/],
    [['test', '--json', '--skip-tests'], /^unknown option '--skip-tests'/],
    [
      ['verify', `127.0.0.1:5000/charts/c@${DIGEST}`, '--key', 'package.json', '--attest-keyless'],
      /^--attest-key and --attest-keyless are for --attest; give both$/,
    ],
    [
      ['verify', `127.0.0.1:5000/charts/c@${DIGEST}`, '--key', 'package.json', '--attest', '--attest-keyless', '--attest-key', 'package.json'],
      /^give --attest-key or --attest-keyless, not both$/,
    ],
    [
      ['verify', `127.0.0.1:5000/charts/c@${DIGEST}`, '--key', 'package.json', '--attest', '--rekor-url', 'http://x'],
      /^--fulcio-url, --rekor-url and --timestamp-url are for --attest-keyless/,
    ],
    [
      ['verify', `127.0.0.1:5000/charts/c@${DIGEST}`, '--key', 'package.json', '--attest', '--timestamp-url', 'http://x'],
      /^--fulcio-url, --rekor-url and --timestamp-url are for --attest-keyless/,
    ],
    // Summaries signed through a Sigstore the verify does not trust would not verify.
    [
      ['verify', `127.0.0.1:5000/charts/c@${DIGEST}`, '--key', 'package.json', '--attest', '--attest-keyless', '--fulcio-url', 'http://f'],
      /^--fulcio-url and --rekor-url need a certificate identity with --trusted-root/,
    ],
    [['--sigstore', 'local', '--rekor-url', 'http://x'], /^--sigstore local signs keylessly through the local services/],
    [
      ['--keyless', '--certificate-identity', 'i', '--certificate-oidc-issuer', 'o', '--rekor-url', 'http://x'],
      /^--fulcio-url and --rekor-url need --trusted-root/,
    ],
  ])('%j', (args, message) => {
    let err: unknown;
    try {
      parseInvocation(args);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UsageError);
    const text = (err as Error).message;
    expect(text.split('\n')).toHaveLength(1);
    expect(text).toMatch(message);
    expect(text).not.toContain('hunter2');
  });
});

describe('who signs verification summaries', () => {
  const verify = (...extra: string[]) => parseInvocation(['verify', `127.0.0.1:5000/charts/c@${DIGEST}`, '--key', 'package.json', '--attest', ...extra]);

  it('keyless, through public-good Sigstore or the Fulcio and Rekor of the trusted root, with a timestamp authority', () => {
    const signer = (inv: ReturnType<typeof parseInvocation>) => (inv.command === 'verify' ? inv.options.attest : undefined);
    expect(signer(verify('--attest-keyless'))).toStrictEqual({ kind: 'keyless', fulcioUrl: undefined, rekorUrl: undefined, timestampUrl: undefined });
    const own = parseInvocation([
      'verify',
      `127.0.0.1:5000/charts/c@${DIGEST}`,
      '--certificate-identity',
      'https://github.com/o/r/.github/workflows/release.yaml@refs/heads/main',
      '--certificate-oidc-issuer',
      'https://token.actions.githubusercontent.com',
      '--trusted-root',
      'package.json',
      '--attest',
      '--attest-keyless',
      '--fulcio-url',
      'http://f',
      '--rekor-url',
      'http://r',
      '--timestamp-url',
      'http://t',
    ]);
    expect(signer(own)).toStrictEqual({ kind: 'keyless', fulcioUrl: 'http://f', rekorUrl: 'http://r', timestampUrl: 'http://t' });
    expect(signer(verify())?.kind).toBe('embedded-key');
  });
});
