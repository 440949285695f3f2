// Step 7: verify both artifacts with the stock cosign, exactly as a consumer would.
import { cosignVerifyArgs, type Policy } from '../../../ci/src/core/cosign-args.js';
import { parseDigestReference } from '../../../ci/src/core/reference.js';
import type { StepContext } from '../context.js';
import { run } from '../exec.js';
import { noted, type Noted } from '../progress.js';
import { tool, type ToolName } from '../tools.js';

interface SimpleSigning {
  critical?: { image?: { 'docker-manifest-digest'?: string } };
}

/** Runs `cosign verify`; resolves with the number of valid signatures for exactly this digest. */
export async function cosignVerify(
  ctx: Pick<StepContext, 'toolEnv' | 'secrets'>,
  policy: Policy,
  ref: string,
  binary: ToolName = 'cosign',
): Promise<number> {
  const { digest } = parseDigestReference(ref);
  const { stdout } = await run(tool(binary), cosignVerifyArgs(ref, policy), { env: ctx.toolEnv, secrets: ctx.secrets });
  const payloads = JSON.parse(stdout.trim().split('\n').filter((l) => l.startsWith('[')).pop() ?? '[]') as SimpleSigning[];
  const matching = payloads.filter((p) => p.critical?.image?.['docker-manifest-digest'] === digest).length;
  if (matching === 0) throw new Error(`cosign verified no signature for ${digest}`);
  return matching;
}

export async function verifyArtifacts(ctx: StepContext, policy: Policy, refs: readonly string[]): Promise<Noted<void>> {
  for (const ref of refs) {
    await cosignVerify(ctx, policy, ref).catch((err: Error) => {
      throw new Error(`verification of ${ref} failed: ${err.message}`);
    });
  }
  return noted(undefined, `${refs.length} verified`);
}
