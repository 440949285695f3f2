// Every argument list the core builds for cosign, helm and crane, held to the real pinned binaries'
// flag parsing: each runs in a network namespace with no network (unshare -n: nothing can leave
// this machine), against a registry it cannot reach. It must fail for that reason, never with a
// usage or flag error. A list the tool would refuse (like cosign v3's keyless `sign` without
// `--use-signing-config=false`) fails this test.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  cosignAttestArgs,
  cosignSignArgs,
  cosignVerifyArgs,
  cosignVerifyAttestationArgs,
  cosignVerifyEnv,
  GITHUB_ACTIONS_ISSUER,
  type Policy,
  PredicateType,
  type Signer,
} from '@release-pipeline/core/cosign-args.js';
import { cranePullArgs, cranePushArgs, craneManifestArgs, craneTagArgs } from '@release-pipeline/core/crane-args.js';
import { helmTemplateArgs, PACKAGED_VALUES } from '@release-pipeline/core/helm-args.js';
import { parseDigestReference } from '@release-pipeline/core/reference.js';
import { CommandError, run } from '@release-pipeline/pipeline/exec.js';
import { tool, type ToolName } from '@release-pipeline/pipeline/tools.js';
import { createCertificateAuthority, issueSigningCertificate, writeSigningMaterial } from '@release-pipeline/pipeline/test/private-ca.js';

const D = 'sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';
const loopback = parseDigestReference(`127.0.0.1:5999/koa-service@${D}`);
const remote = parseDigestReference(`registry.invalid/acme/koa-service@${D}`);
const IDENTITY = 'https://github.com/acme/koa-service/.github/workflows/release.yaml@refs/heads/main';

/** What cobra (cosign, helm, crane) says when it refuses the command line itself. */
const USAGE_ERROR =
  /unknown (shorthand )?flag|flag needs an argument|invalid argument ".*" for|must provide|required flag|accepts \d+ arg|requires (at least|exactly)|if any flags in the group|Usage:/;

let files: { key: string; pub: string; certificate: string; chain: string };

beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'flags-'));
  const ca = await createCertificateAuthority();
  const material = await writeSigningMaterial(dir, ca, await issueSigningCertificate(ca, { identity: IDENTITY, issuer: GITHUB_ACTIONS_ISSUER }));
  files = { key: material.key, pub: material.key.replace(/\.key$/, '.pub'), certificate: material.certificate, chain: material.chain };
});

/** Runs a tool with no network at all; resolves with what it said when it failed. */
async function offline(name: ToolName, args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  const result = await run('unshare', ['-n', tool(name), ...args], { env: { ...process.env, COSIGN_PASSWORD: '', ...env } }).then(
    () => 'exit 0',
    (err: CommandError) => err.output,
  );
  return result;
}

async function expectParsed(name: ToolName, args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<void> {
  const said = await offline(name, args, env);
  expect(said, `${name} ${args.join(' ')}`).not.toMatch(USAGE_ERROR);
  expect(said, `${name} ${args.join(' ')}`).not.toBe('exit 0');
}

describe('the flag check itself', () => {
  it('catches what the real cosign refuses', async () => {
    expect(await offline('cosign', ['sign', '--yes', '--new-bundle-format=false', `127.0.0.1:5999/koa-service@${D}`])).toMatch(USAGE_ERROR);
    expect(await offline('cosign', ['verify', '--no-such-flag', `127.0.0.1:5999/koa-service@${D}`])).toMatch(USAGE_ERROR);
  });
});

describe.concurrent('cosign sign and attest accept every signer kind', () => {
  const signers = (): Array<[string, Signer]> => [
    ['key', { kind: 'key', keyPath: files.key }],
    ['certificate', { kind: 'certificate', keyPath: files.key, certificatePath: files.certificate, chainPath: files.chain }],
    ['keyless', { kind: 'keyless', fulcioUrl: 'http://127.0.0.1:5998', rekorUrl: 'http://127.0.0.1:5997' }],
    ['keyless with a token file', { kind: 'keyless', identityTokenPath: files.certificate, fulcioUrl: 'http://127.0.0.1:5998' }],
    [
      'keyless with a Sigstore of its own',
      { kind: 'keyless', fulcioUrl: 'http://127.0.0.1:5998', timestampUrl: 'http://127.0.0.1:5995/api/v1/timestamp', noTlog: true },
    ],
  ];
  for (const [label, index] of [
    ['key', 0],
    ['certificate', 1],
    ['keyless', 2],
    ['keyless with a token file', 3],
    ['keyless with a Sigstore of its own', 4],
  ] as const) {
    it(`${label}, loopback and remote, plain HTTP or not`, async () => {
      const signer = signers()[index]![1];
      // Keyless as in GitHub Actions: cosign asks this URL for the OIDC token.
      const env =
        signer.kind === 'keyless'
          ? { GITHUB_ACTIONS: 'true', ACTIONS_ID_TOKEN_REQUEST_URL: 'http://127.0.0.1:5996/token', ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'x' }
          : {};
      await Promise.all([
        expectParsed('cosign', cosignSignArgs(loopback, signer), env),
        expectParsed('cosign', cosignSignArgs(remote, signer, { plainHttp: true }), env),
        expectParsed('cosign', cosignAttestArgs(loopback, signer, files.pub, PredicateType.provenance), env),
        expectParsed('cosign', cosignAttestArgs(remote, signer, files.pub, PredicateType.vsa, { plainHttp: true }, true), env),
      ]);
    });
  }
});

describe.concurrent('cosign verify and verify-attestation (v3 and v2) accept every policy', () => {
  const policies = (): Array<[string, Policy]> => [
    ['key', { kind: 'key', publicKeyPath: files.pub }],
    ['identity', { kind: 'identity', identity: { exact: IDENTITY }, issuer: GITHUB_ACTIONS_ISSUER }],
    [
      'identity and workflow run',
      { kind: 'identity', identity: { exact: IDENTITY }, issuer: GITHUB_ACTIONS_ISSUER, workflow: { repository: 'acme/r', trigger: 'push' } },
    ],
    ['identity regexp', { kind: 'identity', identity: { regexp: '^https://github\\.com/acme/' }, issuer: GITHUB_ACTIONS_ISSUER }],
    ['private CA chain', { kind: 'identity', identity: { exact: IDENTITY }, issuer: GITHUB_ACTIONS_ISSUER, certificateChainPath: files.chain, offline: true }],
    ['private CA roots', { kind: 'identity', identity: { exact: IDENTITY }, issuer: GITHUB_ACTIONS_ISSUER, caRootsPath: files.chain, offline: true }],
    [
      'trusted root and timestamp chain',
      {
        kind: 'identity',
        identity: { exact: IDENTITY },
        issuer: GITHUB_ACTIONS_ISSUER,
        trustedRootPath: files.chain,
        certificateChainPath: files.chain,
        timestampChainPath: files.chain,
        offline: true,
      },
    ],
    [
      'trusted root with logs, and its parts for v2',
      {
        kind: 'identity',
        identity: { exact: IDENTITY },
        issuer: GITHUB_ACTIONS_ISSUER,
        trustedRootPath: files.chain,
        trustParts: { fulcioChainPath: files.chain, rekorPublicKeyPath: files.pub, ctLogPublicKeyPath: files.pub },
      },
    ],
  ];
  for (const binary of ['cosign', 'cosign-v2'] as const) {
    for (const [label, index] of [
      ['key', 0],
      ['identity', 1],
      ['identity regexp', 2],
      ['private CA chain', 3],
      ['private CA roots', 4],
      ['trusted root and timestamp chain', 5],
      ['trusted root with logs, and its parts for v2', 6],
    ] as const) {
      it(`${binary}: ${label}`, async () => {
        const policy = policies()[index]![1];
        const major = binary === 'cosign' ? 'v3' : 'v2';
        const env = cosignVerifyEnv(policy, major);
        await Promise.all([
          expectParsed(binary, cosignVerifyArgs(loopback, policy, {}, major), env),
          expectParsed(binary, cosignVerifyArgs(remote, policy, { plainHttp: true }, major), env),
          expectParsed(binary, cosignVerifyAttestationArgs(loopback, policy, PredicateType.provenance, {}, major, files.pub), env),
          expectParsed(binary, cosignVerifyAttestationArgs(remote, policy, PredicateType.sbom, { plainHttp: true }, major), env),
        ]);
      });
    }
  }
});

describe('helm and crane accept what the steps run', () => {
  it('helm template from the registry by digest', async () => {
    const values = { ...PACKAGED_VALUES, valuesFiles: ['prod.yaml'], set: ['a=1'], setString: ['b=2'] };
    await Promise.all([
      expectParsed('helm', helmTemplateArgs(parseDigestReference(`127.0.0.1:5999/charts/koa-service@${D}`))),
      expectParsed('helm', helmTemplateArgs(parseDigestReference(`registry.invalid/charts/koa-service@${D}`), values, { plainHttp: true })),
    ]);
  });

  it('crane push, tag, manifest (by digest and of an attachment tag) and pull', async () => {
    const layout = await mkdtemp(join(tmpdir(), 'layout-'));
    await Promise.all([
      ...[{}, { plainHttp: true }].flatMap((access) => [
        expectParsed('crane', cranePushArgs(layout, loopback, access)),
        expectParsed('crane', craneTagArgs(loopback, '1.0.0', access)),
        expectParsed('crane', craneManifestArgs(remote, access)),
        expectParsed('crane', craneManifestArgs('127.0.0.1:5000/koa-service:sha256-abc.att', access)),
      ]),
      expectParsed('crane', cranePullArgs(remote, layout)),
    ]);
  });
});
