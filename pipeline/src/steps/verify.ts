// Step 7: verify every artifact with the stock cosign, exactly as a consumer would.
import type { Policy } from '@release-pipeline/core/cosign-args.js';
import { PipelineError } from '@release-pipeline/core/errors.js';
import { formatDigestReference, type DigestReference } from '@release-pipeline/core/reference.js';
import { cosignVerify } from '../clients/cosign.js';
import { eachConcurrently } from '../concurrently.js';
import type { StepContext } from '../context.js';
import { noted, type Noted } from '../progress.js';

export async function verifyArtifacts(ctx: StepContext, policy: Policy, refs: readonly DigestReference[]): Promise<Noted<void>> {
  await eachConcurrently(refs, (ref) =>
    cosignVerify(ctx, policy, ref).catch((err: Error) => {
      throw new PipelineError('verification', `verification of ${formatDigestReference(ref)} failed: ${err.message}`, { cause: err });
    }),
  );
  return noted(undefined, `${refs.length} verified`);
}
