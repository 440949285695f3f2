// The one command line, both ways: the argument lists the Dagger module and the release summary
// write (ci/src/core/step-args.ts) parse back, with the CLI's own parser, into the very values they
// were written from; and every command's help lists exactly the flags it declares.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { COMMAND_SPECS, flagName } from '@release-pipeline/core/command-line.js';
import type { Policy } from '@release-pipeline/core/cosign-args.js';
import { parseDigestReference } from '@release-pipeline/core/reference.js';
import type { SigningMode } from '@release-pipeline/core/signing-mode.js';
import { chartPackageArgs, publishArgs, releaseArgs, signArgs, verifyArgs } from '@release-pipeline/core/step-args.js';
import { helpText } from '../src/command-line.js';
import { parseInvocation, type Invocation } from '../src/options.js';

const D = `sha256:${'ab'.repeat(32)}`;
const image = parseDigestReference(`ghcr.io/acme/koa-service@${D}`);
const chart = parseDigestReference(`ghcr.io/acme/charts/koa-service@${D}`);
const commit = { revision: 'c'.repeat(40), commitTime: 1_700_000_000, commitCount: 7, tag: 'v1.2.3' };
/** Any file that exists: verify checks that the files a policy names are there. */
const FILE = fileURLToPath(new URL('../../package.json', import.meta.url));

const options = (inv: Invocation) => {
  if (!('options' in inv)) throw new Error(`${inv.command} has no options`);
  return inv.options;
};

describe('what the module writes, the CLI reads back', () => {
  it.each<[string, SigningMode]>([
    ['the embedded key', { kind: 'embedded-key' }],
    ['a key', { kind: 'key', keyPath: '/run/secrets/cosign.key' }],
    ['a private CA certificate', { kind: 'certificate', keyPath: 'k', certificatePath: 'c.pem', chainPath: 'ch.pem' }],
    ['keyless', { kind: 'keyless', identity: 'https://github.com/o/r/.github/workflows/release.yaml@refs/heads/main', issuer: 'https://iss' }],
    [
      'keyless with a Sigstore of its own',
      { kind: 'keyless', identity: 'id', issuer: 'iss', timestampUrl: 'http://t', sigstore: { trustedRootPath: 'root.json', fulcioUrl: 'http://f' } },
    ],
    ['keyless, the public Fulcio and a timestamp authority of its own', { kind: 'keyless', identity: 'id', issuer: 'iss', timestampUrl: 'http://t' }],
    ['the local Sigstore', { kind: 'local-sigstore' }],
  ])('release, signing with %s', (_name, signing) => {
    const written = { registry: 'ghcr.io/acme', plainHttp: true, signing, baseImage: `gcr.io/x/node@${D}`, skipTests: true, commit, sourceUrl: 'https://s' };
    const read = options(parseInvocation(releaseArgs(written)));
    expect(read).toEqual({ ...written, json: true });
  });

  it('publish, sign and chart-package', () => {
    expect(options(parseInvocation(publishArgs({ registry: 'r.example/ns', plainHttp: false, skipTests: false, commit })))).toMatchObject({
      registry: 'r.example/ns',
      commit,
      signing: { kind: 'embedded-key' },
    });
    const signed = parseInvocation(signArgs({ refs: [image], signing: { kind: 'key', keyPath: 'k' }, plainHttp: true }));
    expect(signed).toMatchObject({ command: 'sign', refs: [image], options: { signing: { kind: 'key', keyPath: 'k' }, plainHttp: true } });
    const packaged = parseInvocation(chartPackageArgs({ image, output: '/out/chart.tgz', commit }));
    expect(packaged).toMatchObject({ command: 'chart-package', image, output: '/out/chart.tgz', options: { commit } });
  });

  it.each<[string, Policy]>([
    ['a key', { kind: 'key', publicKeyPath: FILE }],
    [
      'an identity, its workflow run and a trusted root',
      {
        kind: 'identity',
        identity: { exact: 'https://github.com/o/r/.github/workflows/release.yaml@refs/tags/v1.2.3' },
        issuer: 'https://token.actions.githubusercontent.com',
        workflow: { repository: 'o/r', trigger: 'push' },
        trustedRootPath: FILE,
        offline: true,
      },
    ],
    [
      'an anchored pattern and a private CA',
      { kind: 'identity', identity: { regexp: '^https://github\\.com/o/r/.+$' }, issuer: 'i', certificateChainPath: FILE, offline: true },
    ],
  ])('verify, under %s', (_name, policy) => {
    const inv = parseInvocation(verifyArgs({ chart, policy, plainHttp: true }));
    if (inv.command !== 'verify') throw new Error(inv.command);
    expect(inv.options.chart).toEqual(chart);
    expect(inv.options.policy).toEqual({ ...policy, ...(policy.kind === 'identity' ? { offline: policy.offline ?? false } : {}) });
    expect(inv.options.plainHttp).toBe(true);
  });
});

describe('help', () => {
  it.each(COMMAND_SPECS.map((c) => c.name))('%s lists exactly the flags it declares', (name) => {
    const text = helpText(name);
    const spec = COMMAND_SPECS.find((c) => c.name === name)!;
    const listed = [...text.matchAll(/^ {2}(?:-\w, )?(--[a-z][a-z-]*)/gm)].map((m) => m[1]).filter((f) => f !== '--help');
    expect(listed).toEqual(spec.flags.map((f) => `--${flagName(f)}`));
  });

  it('of the program lists every command', () => {
    const text = helpText();
    for (const c of COMMAND_SPECS) expect(text).toMatch(new RegExp(`^  ${c.name}\\b`, 'm'));
  });
});
