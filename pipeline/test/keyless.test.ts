// Keyless signing as in GitHub Actions, for real and offline: `--sigstore local` starts an
// Actions-shaped OIDC issuer, the real Fulcio with a CT log, the real timestamp authority and a
// Rekor transparency log for the run (in a network namespace of its own), cosign signs through them
// exactly as in Actions, and the printed commands, with no --insecure flag, verify with the stock
// cosign v3 and v2. Then what must not verify, does not. (After the certificates expire:
// keyless-expiry.expiry.ts.)
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cosignVerifyArgs, type Policy } from '@release-pipeline/core/cosign-args.js';
import { parseDigestReference } from '@release-pipeline/core/reference.js';
import type { ReleaseSummary } from '@release-pipeline/core/release-summary.js';
import { releaseIdentity } from '@release-pipeline/core/trust-rule.js';
import { CommandError, run } from '../src/exec.js';
import type { LocalRegistry } from '../src/registry/local-registry.js';
import { statementsIn } from '../src/clients/cosign.js';
import type { Statement } from '@release-pipeline/core/provenance.js';
import { tool } from '../src/tools.js';
import { localKeylessRelease, pathWithCosign, runCli } from './fixtures.js';

let summary: ReleaseSummary;

let served: LocalRegistry;
let output: string;

beforeAll(async () => {
  ({ summary, output, served } = await localKeylessRelease('keyless'));
}, 300_000);

afterAll(async () => served?.stop());

const keyless = () => {
  if (summary.signing.kind !== 'keyless') throw new Error(`signed as ${summary.signing.kind}`);
  return summary.signing;
};

describe('a release signed keylessly through the local Sigstore services', () => {
  it('records how it was signed and the trust material', () => {
    const s = keyless();
    expect(s.identity).toBe(releaseIdentity('OWNER/REPO', summary.version));
    expect(s.issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(s.trustedRoot).toMatch(/sigstore\/trusted_root\.json$/);
    expect(summary.verify.cosignV2).toBeDefined();
  });

  it("prints the seed's commands: identity, issuer and trust material, no --insecure flag", () => {
    const v = summary.verify;
    const v2 = summary.verify.cosignV2!;
    for (const command of [
      v.image,
      v.chart,
      v.provenance!.image,
      v.provenance!.chart,
      v.sbom!,
      v.release,
      v2.image,
      v2.chart,
      v2.provenance!.image,
      v2.provenance!.chart,
      v2.sbom!,
    ]) {
      expect(command).not.toContain('--insecure');
      expect(command).toContain(`--certificate-identity ${keyless().identity} --certificate-oidc-issuer ${keyless().issuer}`);
    }
    // v3 (and npm run verify): the trusted root; v2: its parts, the logs' keys in the environment.
    for (const command of [v.image, v.chart, v.provenance!.image, v.sbom!, v.release]) expect(command).toContain(`--trusted-root ${keyless().trustedRoot}`);
    for (const command of [v2.image, v2.provenance!.image, v2.sbom!]) {
      expect(command).toMatch(/^SIGSTORE_REKOR_PUBLIC_KEY=\S+rekor\.pub SIGSTORE_CT_LOG_PUBLIC_KEY_FILE=\S+ct-log\.pub cosign /);
      expect(command).toMatch(/--certificate-chain \S+fulcio-chain\.pem /);
    }
  });

  for (const [binary, which] of [
    ['cosign', 'v3'],
    ['cosign-v2', 'v2'],
  ] as const) {
    it(`verifies with the stock ${binary}, as printed`, async () => {
      const v = which === 'v3' ? summary.verify : summary.verify.cosignV2!;
      for (const command of [v.image, v.chart]) {
        const { stdout } = await run('sh', ['-c', command], { env: { ...process.env, PATH: await pathWithCosign(binary) } });
        const payload = JSON.parse(stdout.trim().split('\n').pop()!) as Array<{ critical: { image: { 'docker-manifest-digest': string } } }>;
        expect(payload.map((p) => p.critical.image['docker-manifest-digest'])).toContain(command.split('@').pop());
      }
    });
  }

  for (const [binary, which] of [
    ['cosign', 'v3'],
    ['cosign-v2', 'v2'],
  ] as const) {
    it(`its provenance and SBOM verify with the stock ${binary}, as printed; the builder is the signing workflow`, async () => {
      const v = which === 'v3' ? summary.verify : summary.verify.cosignV2!;
      for (const command of [v.provenance!.image, v.provenance!.chart, v.sbom!]) {
        const { stdout } = await run('sh', ['-c', command], { env: { ...process.env, PATH: await pathWithCosign(binary) } });
        const statement = statementsIn(stdout).pop()! as Statement<{ runDetails?: { builder: { id: string } } }>;
        expect(`sha256:${statement.subject[0]!.digest.sha256}`).toBe(command.split('@').pop());
        if (command !== v.sbom) expect(statement.predicate.runDetails!.builder.id).toBe(keyless().identity);
      }
    });
  }

  it("the certificate carries Fulcio's GitHub Actions extensions, from the token's claims", async () => {
    const { stdout } = await run('sh', ['-c', summary.verify.image], { env: { ...process.env, PATH: await pathWithCosign('cosign') } });
    const [first] = JSON.parse(stdout.trim().split('\n').pop()!) as Array<{ optional: Record<string, string> }>;
    expect(first!.optional).toMatchObject({
      Issuer: keyless().issuer,
      Subject: keyless().identity,
      githubWorkflowRepository: 'OWNER/REPO',
      githubWorkflowRef: 'refs/heads/main',
      githubWorkflowTrigger: 'push',
      githubWorkflowSha: summary.revision,
    });
  });

  it('verifies as a whole release from its chart (npm run verify, as printed)', async () => {
    const r = await runCli(summary.verify.release.replace(/^npm run verify -- /, 'verify ').split(' '));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`✔ signed by ${keyless().identity} (${keyless().issuer})`);
  });

  it('--attest with no key given signs the summary with the embedded key, made when a keyless release left none', async () => {
    const out = await mkdtemp(join(tmpdir(), 'keyless-attest-out-'));
    const printed = summary.verify.release.replace(/^npm run verify -- /, 'verify ').split(' ');
    // COSIGN_PASSWORD set for some key of the user's own: the embedded key has an empty one.
    const r = await runCli([...printed, '--attest'], { PIPELINE_OUT_DIR: out, COSIGN_PASSWORD: 'for-another-key' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`verification summary (PASSED) signed onto ${summary.chart.ref}`);
  });

  it('never shows the OIDC request token', () => {
    expect(output).not.toMatch(/ACTIONS_ID_TOKEN_REQUEST_TOKEN=\S/);
    expect(output).not.toMatch(/bearer [0-9a-f-]{36}/i);
  });
});

describe('what must not verify', () => {
  const verify = async (policy: Policy, major: 'v3' | 'v2' = 'v3') =>
    run(tool(major === 'v3' ? 'cosign' : 'cosign-v2'), cosignVerifyArgs(parseDigestReference(summary.image.ref), policy, {}, major)).then(
      () => 'verified',
      (err: CommandError) => err.output,
    );
  const base = (): Policy & { kind: 'identity' } => ({
    kind: 'identity',
    identity: { exact: keyless().identity },
    issuer: keyless().issuer,
    trustedRootPath: keyless().trustedRoot!,
  });

  /** The run's trusted root without one of its parts (its transparency log, its CT log). */
  const without = async (part: 'tlogs' | 'ctlogs') => {
    const { readFile, writeFile } = await import('node:fs/promises');
    const root = JSON.parse(await readFile(keyless().trustedRoot!, 'utf8')) as Record<string, unknown>;
    delete root[part];
    const file = join(await mkdtemp(join(tmpdir(), `no-${part}-`)), 'trusted_root.json');
    await writeFile(file, JSON.stringify(root));
    return file;
  };

  it.each([
    ['a trusted root without the transparency log: the log entry is checked, not skipped', 'tlogs'],
    ['a trusted root without the CT log: the SCT is checked, not skipped', 'ctlogs'],
  ] as const)('%s', async (_name, part) => {
    const trustedRootPath = await without(part);
    for (const major of ['v3', 'v2'] as const) expect(await verify({ ...base(), trustedRootPath }, major)).not.toBe('verified');
  });

  it.each([
    ['another workflow file', { identity: { exact: 'https://github.com/OWNER/REPO/.github/workflows/other.yaml@refs/heads/main' } }],
    ['another repository', { identity: { exact: 'https://github.com/OTHER/REPO/.github/workflows/release.yaml@refs/heads/main' } }],
    ['another ref', { identity: { exact: 'https://github.com/OWNER/REPO/.github/workflows/release.yaml@refs/heads/evil' } }],
    ['another issuer', { issuer: 'https://token.actions.githubusercontent.com' }],
  ])('%s', async (_name, change) => {
    for (const major of ['v3', 'v2'] as const)
      expect(await verify({ ...base(), ...change }, major)).toMatch(/none of the expected identities matched|no matching signatures/);
  });

  it.each([
    ['a run another event started (workflow_call, pull_request_target, workflow_dispatch)', { repository: 'OWNER/REPO', trigger: 'workflow_call' }],
    ['a run in another repository that calls this workflow', { repository: 'OTHER/REPO', trigger: 'push' }],
  ])('%s', async (_name, workflow) => {
    expect(await verify({ ...base(), workflow: { repository: 'OWNER/REPO', trigger: 'push' } })).toBe('verified');
    for (const major of ['v3', 'v2'] as const) expect(await verify({ ...base(), workflow }, major)).not.toBe('verified');
  });

  it('the printed commands hold the certificate to the repository and the push that started the run', () => {
    for (const command of [summary.verify.image, summary.verify.chart, summary.verify.release])
      expect(command).toContain('--certificate-github-workflow-repository OWNER/REPO --certificate-github-workflow-trigger push');
  });

  it('a certificate chain from another CA', async () => {
    const other = await mkdtemp(join(tmpdir(), 'other-ca-'));
    const { createCertificateAuthority } = await import('./private-ca.js');
    const ca = await createCertificateAuthority('another CA');
    const chain = join(other, 'chain.pem');
    await (await import('node:fs/promises')).writeFile(chain, ca.certificate.toString('pem'));
    expect(await verify({ ...base(), trustedRootPath: undefined, certificateChainPath: chain, offline: true }, 'v2')).not.toBe('verified');
  });

  it('a trust root that is not there is a usage error naming it', async () => {
    const r = await runCli([
      'verify',
      summary.chart.ref,
      '--certificate-identity',
      keyless().identity,
      '--certificate-oidc-issuer',
      keyless().issuer,
      '--trusted-root',
      '/nonexistent/trusted_root.json',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('verify: /nonexistent/trusted_root.json: no such file');
  });
});
