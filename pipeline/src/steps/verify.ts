// Step 7: verify both artifacts with the stock cosign, exactly as a consumer would.
import { cosignVerifyArgs, type Policy } from '../../../ci/src/core/cosign-args.js';
import { formatDigestReference, type DigestReference, type RegistryAccess } from '../../../ci/src/core/reference.js';
import { eachConcurrently } from '../concurrently.js';
import type { StepContext } from '../context.js';
import { CommandError, run } from '../exec.js';
import { noted, type Noted } from '../progress.js';
import { tool, type ToolName } from '../tools.js';
import { PipelineError } from '../../../ci/src/core/errors.js';

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
export async function cosignVerify(
  ctx: Pick<StepContext, 'toolEnv' | 'secrets'> & { access?: RegistryAccess; timeoutMs?: number },
  policy: Policy,
  ref: DigestReference,
  binary: ToolName = 'cosign',
): Promise<Verified> {
  const { digest } = ref;
  const { stdout } = await run(tool(binary), cosignVerifyArgs(ref, policy, ctx.access), {
    env: ctx.toolEnv,
    secrets: ctx.secrets,
    ...(ctx.timeoutMs ? { timeoutMs: ctx.timeoutMs } : {}),
  });
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
    policy.kind === 'key'
      ? `key ${policy.publicKeyPath}`
      : `${subject?.Subject ?? policy.identity ?? policy.identityRegexp} (${subject?.Issuer ?? policy.issuer})`;
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

export async function verifyArtifacts(ctx: StepContext, policy: Policy, refs: readonly DigestReference[]): Promise<Noted<void>> {
  await eachConcurrently(refs, (ref) =>
    cosignVerify(ctx, policy, ref).catch((err: Error) => {
      throw new PipelineError('verification', `verification of ${formatDigestReference(ref)} failed: ${err.message}`, { cause: err });
    }),
  );
  return noted(undefined, `${refs.length} verified`);
}
