// The cosign client: every cosign command the pipeline runs, with the pinned binary (sign, attest,
// verify, verify-attestation, key pairs, trusted roots), their output read into typed values, and
// the one line of a failure that says why. The argument lists are the core's (cosign-args.ts).
import {
  cosignAttestArgs,
  cosignGenerateKeyPairArgs,
  cosignPublicKeyArgs,
  cosignSignArgs,
  cosignTrustedRootArgs,
  cosignVerifyArgs,
  cosignVerifyAttestationArgs,
  identityText,
  type PredicateType,
  type Policy,
  type Signer,
  type TrustedServices,
} from '@release-pipeline/core/cosign-args.js';
import { CommandError, PipelineError } from '@release-pipeline/core/errors.js';
import { coversDigest, type Statement } from '@release-pipeline/core/provenance.js';
import type { DigestReference } from '@release-pipeline/core/reference.js';
import { toolRun, type ToolAccess } from '../context.js';
import { run } from '../exec.js';
import { tool, type ToolName } from '../tools.js';

/** A signer as cosign runs it: the signer, and what cosign needs in its environment (a key's password, an OIDC request). */
export interface SignerAccess {
  signer: Signer;
  /** Environment cosign needs (COSIGN_PASSWORD, the OIDC request of GitHub Actions). */
  env: NodeJS.ProcessEnv;
  secrets: string[];
}

/** How cosign runs as `s`: `ctx`'s run, with the signer's environment and secrets added. */
const asSigner = (ctx: ToolAccess, s: SignerAccess) => toolRun({ ...ctx, toolEnv: { ...ctx.toolEnv, ...s.env }, secrets: [...ctx.secrets, ...s.secrets] });

/** `cosign sign` by digest, as `signing`. */
export async function cosignSign(ctx: ToolAccess, signing: SignerAccess, ref: DigestReference): Promise<void> {
  await run(tool('cosign'), cosignSignArgs(ref, signing.signer, ctx.access), asSigner(ctx, signing));
}

/** `cosign attest` by digest: the predicate in `predicateFile`, of `type`, signed as `signing` (replacing those of its type, if asked). */
export async function cosignAttest(
  ctx: ToolAccess,
  signing: SignerAccess,
  ref: DigestReference,
  predicateFile: string,
  type: PredicateType,
  replace = false,
): Promise<void> {
  await run(tool('cosign'), cosignAttestArgs(ref, signing.signer, predicateFile, type, ctx.access, replace), asSigner(ctx, signing));
}

/** `cosign generate-key-pair`: PREFIX.key (encrypted with `password`) and PREFIX.pub. */
export async function cosignGenerateKeyPair(prefix: string, password: string): Promise<void> {
  await run(tool('cosign'), cosignGenerateKeyPairArgs(prefix), { env: { ...process.env, COSIGN_PASSWORD: password } });
}

/** `cosign public-key`: the public key of `key` (opened with COSIGN_PASSWORD from `env`) written to `out`. */
export async function cosignPublicKey(key: string, out: string, env: NodeJS.ProcessEnv, secrets: readonly string[]): Promise<void> {
  await run(tool('cosign'), cosignPublicKeyArgs(key, out), { env, secrets });
}

/** `cosign trusted-root create`: the trust material of a Fulcio and a timestamp authority of one's own. */
export async function cosignTrustedRoot(out: string, services: TrustedServices): Promise<void> {
  await run(tool('cosign'), cosignTrustedRootArgs(out, services));
}
interface SimpleSigning {
  critical?: { image?: { 'docker-manifest-digest'?: string } };
  optional?: { Subject?: string; Issuer?: string } | null;
}

export interface Verified {
  /** Valid signatures over exactly this digest. */
  count: number;
  /** Who signed, as cosign established it. */
  signer: string;
}

/** Runs `cosign verify`; resolves when a valid signature covers exactly this digest. */
export async function cosignVerify(ctx: ToolAccess, policy: Policy, ref: DigestReference, binary: ToolName = 'cosign'): Promise<Verified> {
  const { digest } = ref;
  const { stdout } = await run(tool(binary), cosignVerifyArgs(ref, policy, ctx.access), toolRun(ctx));
  const payloads = JSON.parse(
    stdout
      .trim()
      .split('\n')
      .filter((l) => l.startsWith('['))
      .pop() ?? '[]',
  ) as SimpleSigning[];
  const matching = payloads.filter((p) => p.critical?.image?.['docker-manifest-digest'] === digest);
  if (matching.length === 0) throw new PipelineError('verification', `cosign verified no signature for ${digest}`);
  const subject = matching.find((p) => p.optional?.Subject)?.optional;
  const signer =
    policy.kind === 'key' ? `key ${policy.publicKeyPath}` : `${subject?.Subject ?? identityText(policy.identity)} (${subject?.Issuer ?? policy.issuer})`;
  return { count: matching.length, signer };
}

/** The line of a cosign failure that says why ("Error: no matching signatures: …"). */
export function cosignReason(err: unknown): string {
  const text = err instanceof CommandError ? err.output : err instanceof Error ? err.message : String(err);
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const line = lines.find((l) => l.startsWith('Error:')) ?? lines[lines.length - 1] ?? 'verification failed';
  return line.replace(/^Error:\s*/, '').replace(/^main\.go:\d+: error during command execution:\s*/, '');
}

interface Envelope {
  payloadType?: string;
  payload?: string;
}

/** The in-toto statements in what `cosign verify-attestation` printed: one DSSE envelope per line. */
export function statementsIn(stdout: string): Statement[] {
  return stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Envelope)
    .filter((e) => e.payloadType === 'application/vnd.in-toto+json' && e.payload)
    .map((e) => JSON.parse(Buffer.from(e.payload!, 'base64').toString('utf8')) as Statement);
}

/** The statements cosign verified for `ref`, decoded; fails when none is about this digest. */
export async function verifiedStatements(
  ctx: ToolAccess,
  policy: Policy,
  ref: DigestReference,
  type: PredicateType,
  options: { policyFile?: string; binary?: ToolName } = {},
): Promise<Statement[]> {
  const { stdout } = await run(
    tool(options.binary ?? 'cosign'),
    cosignVerifyAttestationArgs(ref, policy, type, ctx.access, 'v3', options.policyFile),
    toolRun(ctx),
  );
  const statements = statementsIn(stdout);
  const about = statements.filter((s) => coversDigest(s, ref.digest));
  if (about.length === 0) {
    throw new PipelineError(
      'verification',
      statements.length ? `the ${type} attestations found are about other digests, not ${ref.digest}` : `cosign verified no ${type} attestation`,
    );
  }
  return about;
}
