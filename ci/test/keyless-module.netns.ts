// The Dagger module's keyless path (what release.yaml runs in GitHub Actions), run for real against
// the local Sigstore services: `dagger call release --oidc-request-url … --oidc-request-token …
// --certificate-identity …` through the SDK and the fake engine, its toolbox exec replayed on this
// host with the same arguments, environment and secret variables. Then what must fail, fails in one
// line with nothing signed or tagged: Fulcio or the issuer unreachable, a token for another
// audience, an expired token. Runs only in a network namespace of its own (ci/test/netns.test.ts).
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dag } from '@dagger.io/dagger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cosignSignArgs, cosignVerifyArgs, cosignVerifyAttestationArgs, PredicateType, type Policy } from '@release-pipeline/core/cosign-args.js';
import { statementsIn } from '@release-pipeline/pipeline/clients/cosign.js';
import { parseDigestReference } from '@release-pipeline/core/reference.js';
import { releaseIdentity, RELEASE_WORKFLOW } from '@release-pipeline/core/trust-rule.js';
import type { ReleasePipeline, Release } from '../src/index.js';
import { run, type CommandError } from '@release-pipeline/pipeline/exec.js';
import { getText } from '@release-pipeline/pipeline/registry/probe.js';
import { gitFacts } from '@release-pipeline/pipeline/git.js';
import { projectRoot } from '@release-pipeline/pipeline/paths.js';
import { startLocalSigstore, type LocalSigstore } from '@release-pipeline/pipeline/sigstore/local-stack.js';
import { tool } from '@release-pipeline/pipeline/tools.js';
import { freePort, hostBaseIn, runCli, SHARED_CACHE, testRegistry } from '@release-pipeline/pipeline/test/fixtures.js';
import { createCertificateAuthority, issueSigningCertificate, writeSigningMaterial } from '@release-pipeline/pipeline/test/private-ca.js';
import { callModule, type FakeEngine } from './fake-engine.js';
import { replayingEngine } from './replay.js';

const REPOSITORY = 'acme/koa-service';
let registry: Awaited<ReturnType<typeof testRegistry>>;
let stack: LocalSigstore;
let engine: FakeEngine;
let base: string;
let out: string;
let git: { revision: string; commitTime: number; commitCount: number };
let version: string;
const said: string[] = [];

beforeAll(async () => {
  registry = await testRegistry('keyless-module');
  out = await mkdtemp(join(tmpdir(), 'keyless-module-out-'));
  const facts = await gitFacts(projectRoot);
  git = { revision: facts.revision, commitTime: facts.commitTime, commitCount: facts.commitCount };
  const env = { PIPELINE_OUT_DIR: out, PIPELINE_CACHE_DIR: SHARED_CACHE };
  base = await hostBaseIn(registry.address, env);
  const built = await runCli(['build', '--json'], env);
  expect(built.code, built.stderr).toBe(0);
  version = JSON.parse(await readFile(join(projectRoot, 'app', 'package.json'), 'utf8')).version as string;
  stack = await startLocalSigstore(join(out, 'sigstore'), {
    repository: REPOSITORY,
    workflowPath: RELEASE_WORKFLOW,
    ref: 'refs/heads/main',
    sha: git.revision,
  });
  engine = await replayingEngine({ out, cache: SHARED_CACHE }, { said, replayed: [] });
}, 300_000);

afterAll(async () => {
  await engine?.stop();
  await stack?.stop();
  await registry?.stop();
});

const call = <T>(work: (p: ReleasePipeline) => Promise<T>): Promise<T> => callModule(engine, work);

describe('dagger call release, keyless as in GitHub Actions, against the local Sigstore', () => {
  let release: Release;
  const identity = () => releaseIdentity(REPOSITORY, 'main-branch-build');

  beforeAll(async () => {
    const trustedRoot = await readFile(stack.trustedRoot, 'utf8');
    release = await call((p) =>
      p
        .withCommit(git.revision, git.commitTime, git.commitCount, undefined, `https://github.com/${REPOSITORY}`)
        .withKeyless(stack.env.ACTIONS_ID_TOKEN_REQUEST_URL!, dag.setSecret('oidc-token', stack.requestToken), identity(), stack.issuer, stack.timestampUrl)
        .withSigstore(dag.directory().withNewFile('trusted_root.json', trustedRoot).file('trusted_root.json'), stack.fulcioUrl, stack.rekorUrl)
        .release(`${registry.address}/acme`, false, base, true),
    );
  }, 300_000);

  it('signs as the workflow identity the token names, and verifies with the stock cosign', async () => {
    expect(release.signer).toBe(`${identity()} (${stack.issuer})`);
    for (const ref of [release.image, release.chart]) {
      await run(
        tool('cosign'),
        cosignVerifyArgs(parseDigestReference(ref), {
          kind: 'identity',
          identity: { exact: identity() },
          issuer: stack.issuer,
          trustedRootPath: stack.trustedRoot,
        }),
      );
    }
    expect(version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('never shows the OIDC request token', () => {
    for (const text of said) expect(text).not.toContain(stack.requestToken);
  });

  it('dagger call verify --attest (what release.yaml runs after the release): summaries signed keylessly, logged, as the workflow', async () => {
    const trustedRoot = await readFile(stack.trustedRoot, 'utf8');
    const printed = await call((p) =>
      p
        .withKeyless(stack.env.ACTIONS_ID_TOKEN_REQUEST_URL!, dag.setSecret('oidc-token', stack.requestToken), identity(), stack.issuer)
        .withSigstore(dag.directory().withNewFile('trusted_root.json', trustedRoot).file('trusted_root.json'), stack.fulcioUrl, stack.rekorUrl)
        .verify(release.chart, undefined, identity(), stack.issuer, false, true),
    );
    expect(printed).toContain(`verification summary (PASSED) signed onto ${release.chart}`);
    for (const text of said) expect(text).not.toContain(stack.requestToken);
    // The stock cosign, as for the release itself: the workflow's certificate, the log entry checked.
    const policy: Policy = { kind: 'identity', identity: { exact: identity() }, issuer: stack.issuer, trustedRootPath: stack.trustedRoot };
    for (const ref of [release.chart, release.image]) {
      const { stdout } = await run(tool('cosign'), cosignVerifyAttestationArgs(parseDigestReference(ref), policy, PredicateType.vsa));
      const [statement] = statementsIn(stdout) as Array<{ predicate: { verificationResult: string } }>;
      expect(statement!.predicate.verificationResult).toBe('PASSED');
    }
  });
});

describe('keyless signing that must fail: one line, nothing signed, nothing tagged', () => {
  const release = async (namespace: string, env: Record<string, string>, extra: string[] = []) =>
    runCli(
      [
        'release',
        '--registry',
        `${registry.address}/${namespace}`,
        '--keyless',
        '--certificate-identity',
        releaseIdentity(REPOSITORY, 'main-branch-build'),
        '--certificate-oidc-issuer',
        env.ISSUER!,
        '--trusted-root',
        env.TRUSTED_ROOT!,
        '--rekor-url',
        env.REKOR_URL!,
        '--base-image',
        base,
        '--skip-tests',
        '--revision',
        git.revision,
        '--commit-time',
        String(git.commitTime),
        '--commit-count',
        String(git.commitCount),
        '--source-url',
        `https://github.com/${REPOSITORY}`,
        ...extra,
      ],
      { PIPELINE_OUT_DIR: out, PIPELINE_CACHE_DIR: SHARED_CACHE, ...env },
    );

  /** Tags other than cosign's own: none may exist, nor any signature, after a failed release. */
  const nothingLeft = async (namespace: string) => {
    for (const repo of ['koa-service', 'charts/koa-service']) {
      const tags = await run(tool('crane'), ['ls', `${registry.address}/${namespace}/${repo}`]).then(
        (r) => r.stdout.trim().split('\n').filter(Boolean),
        () => [] as string[],
      );
      expect(tags, repo).toEqual([]);
    }
  };

  // Signing and attesting run at once and both need a certificate: whichever fails first stops the
  // other and is the failure reported.
  const SIGNING_FAILED = /^pipeline: (sign: signing|attest: attaching the \S+ attestation to) .* failed: /;

  const stackEnv = (s: LocalSigstore) => ({ ...(s.env as Record<string, string>), ISSUER: s.issuer, TRUSTED_ROOT: s.trustedRoot, REKOR_URL: s.rekorUrl });

  it('a trusted root that names a transparency log, without --rekor-url: refused before anything is published', async () => {
    const r = await runCli(
      [
        'release', '--registry', `${registry.address}/no-rekor-url`, '--keyless', '--certificate-identity', releaseIdentity(REPOSITORY, 'main-branch-build'),
        '--certificate-oidc-issuer', stack.issuer, '--trusted-root', stack.trustedRoot, '--fulcio-url', stack.fulcioUrl, '--base-image', base, '--skip-tests',
        '--revision', git.revision, '--commit-time', String(git.commitTime), '--commit-count', String(git.commitCount),
      ],
      { PIPELINE_OUT_DIR: out, PIPELINE_CACHE_DIR: SHARED_CACHE, ...stackEnv(stack) },
    ); // prettier-ignore
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n').at(-1)).toBe(
      `pipeline: --trusted-root ${stack.trustedRoot} names a transparency log: give its URL with --rekor-url, so that signatures are logged where verifiers look`,
    );
    await nothingLeft('no-rekor-url');
  });

  it('Fulcio unreachable', async () => {
    const r = await release('no-fulcio', stackEnv(stack), ['--fulcio-url', 'http://127.0.0.1:1', '--timestamp-url', stack.timestampUrl]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n').at(-1)).toMatch(new RegExp(`${SIGNING_FAILED.source}.*(127\\.0\\.0\\.1:1|connection refused|fulcio)`, 'i'));
    await nothingLeft('no-fulcio');
  });

  it('the OIDC issuer unreachable', async () => {
    const r = await release('no-issuer', { ...stackEnv(stack), ACTIONS_ID_TOKEN_REQUEST_URL: 'http://127.0.0.1:1/token?x=1' }, [
      '--fulcio-url',
      stack.fulcioUrl,
      '--timestamp-url',
      stack.timestampUrl,
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n').at(-1)).toMatch(SIGNING_FAILED);
    await nothingLeft('no-issuer');
  });

  for (const [name, tokens] of [
    ['a token for another audience', { audience: 'not-sigstore' }],
    ['an expired token', { lifetime: -120 }],
  ] as const) {
    it(name, async () => {
      // One timestamp authority per network namespace (its metrics port is fixed): the shared stack goes first.
      await stack.stop();
      const other = await startLocalSigstore(
        join(out, `sigstore-${name.replace(/\W+/g, '-')}`),
        { repository: REPOSITORY, workflowPath: RELEASE_WORKFLOW, ref: 'refs/heads/main', sha: git.revision },
        tokens,
      );
      try {
        const namespace = name.replace(/\W+/g, '-');
        const r = await release(namespace, stackEnv(other), ['--fulcio-url', other.fulcioUrl, '--timestamp-url', other.timestampUrl]);
        expect(r.code).toBe(1);
        expect(r.stderr.trim().split('\n').at(-1)).toMatch(SIGNING_FAILED);
        await nothingLeft(namespace);
      } finally {
        await other.stop();
      }
    });
  }
});

describe('timestamps: what keeps a signature verifiable after its certificate expires', () => {
  it('an expired certificate verifies with a timestamp from the trusted authority, and only from it', async () => {
    // Another authority's chain: the local stack's own timestamp authority, a key of its own.
    const untrustedChain = stack.material.timestampChain;
    await stack.stop(); // one timestamp authority per network namespace (its metrics port is fixed)
    const port = await freePort();
    const child = spawn(
      tool('timestamp-server'),
      ['serve', '--host', '127.0.0.1', '--port', String(port), '--timestamp-signer', 'memory', '--disable-ntp-monitoring'],
      {
        stdio: 'ignore',
      },
    );
    try {
      const url = `http://127.0.0.1:${port}/api/v1/timestamp`;
      let text: string | undefined;
      for (let i = 0; i < 100 && !text; i++) {
        text = await getText(`${url}/certchain`);
        if (!text) await new Promise((r) => setTimeout(r, 100));
      }
      const dir = await mkdtemp(join(tmpdir(), 'expiring-'));
      const trustedChain = join(dir, 'tsa-chain.pem');
      await writeFile(trustedChain, text ?? '');
      // The artifact first: the certificate's short life starts only when all is ready to sign.
      const target = `${registry.address}/timestamped/koa-service@${parseDigestReference(base).digest}`;
      await run(tool('crane'), ['copy', base, target]);
      const ref = parseDigestReference(target);
      const identity = releaseIdentity(REPOSITORY, 'main-branch-build');
      const ca = await createCertificateAuthority('short-lived CA');
      const caChain = join(dir, 'ca.pem');
      await writeFile(caChain, ca.certificate.toString('pem'));
      // Trusted roots are made before anything is issued or signed: an entry is trusted from its start.
      const root = async (chain: string) => {
        const out = join(dir, `root-${Math.random().toString(36).slice(2)}.json`);
        await run(tool('cosign'), [
          'trusted-root',
          'create',
          `--fulcio=url=http://127.0.0.1:1,certificate-chain=${caChain}`,
          `--tsa=url=${url},certificate-chain=${chain}`,
          '--out',
          out,
        ]);
        return out;
      };
      const trustedRoot = await root(trustedChain);
      const untrustedRoot = await root(untrustedChain);
      await new Promise((r) => setTimeout(r, 1_100));
      // Valid for 10 s from now: long enough to sign on a loaded machine; verified once it has expired.
      const notAfter = new Date(Date.now() + 10_000);
      const issued = await issueSigningCertificate(ca, { identity, issuer: stack.issuer, notBefore: new Date(Date.now() - 500), notAfter });
      const m = await writeSigningMaterial(dir, ca, issued);
      await run(
        tool('cosign'),
        cosignSignArgs(ref, { kind: 'certificate', keyPath: m.key, certificatePath: m.certificate, chainPath: m.chain, timestampUrl: url }),
        {
          env: { ...process.env, COSIGN_PASSWORD: '' },
        },
      );
      const sig = (await run(tool('crane'), ['manifest', `${ref.registry}/${ref.repository}:${ref.digest.replace(':', '-')}.sig`])).stdout;
      expect(sig).toContain('dev.sigstore.cosign/rfc3161timestamp');
      await new Promise((r) => setTimeout(r, Math.max(0, notAfter.getTime() + 1_500 - Date.now())));

      const policy = (extra: Partial<Policy & { kind: 'identity' }> = {}): Policy => ({
        kind: 'identity',
        identity: { exact: identity },
        issuer: stack.issuer,
        certificateChainPath: m.chain,
        offline: true,
        ...extra,
      });
      const check = (p: Policy, major: 'v3' | 'v2') =>
        run(tool(major === 'v3' ? 'cosign' : 'cosign-v2'), cosignVerifyArgs(ref, p, {}, major)).then(
          () => 'verified',
          (err: CommandError) => err.output,
        );
      expect(await check(policy({ timestampChainPath: trustedChain }), 'v2')).toBe('verified');
      expect(await check(policy(), 'v2')).toMatch(/expected a signed timestamp to verify an expired certificate/);
      expect(await check(policy({ timestampChainPath: untrustedChain }), 'v2')).not.toBe('verified');
      expect(await check(policy({ trustedRootPath: trustedRoot }), 'v3')).toBe('verified');
      expect(await check(policy({ trustedRootPath: untrustedRoot }), 'v3')).not.toBe('verified');
    } finally {
      child.kill('SIGKILL');
    }
  }, 120_000);
});
