// Step 6: sign by digest with the real cosign (legacy .sig format, which cosign v2 and v3 both
// verify): the image index, each platform manifest (what a node may resolve), and the chart. An
// artifact that already verifies under the same policy is not signed again, so reruns add nothing.

import { formatDigestReference, type DigestReference } from '@release-pipeline/core/reference.js';
import { eachConcurrently } from '../concurrently.js';
import type { StepContext } from '../context.js';
import type { SigningSetup } from '../keys.js';
import { cached, noted, type Noted } from '../progress.js';
import { sayRetries, withRetry } from '../retry.js';
import { cosignReason, cosignSign, cosignVerify } from '../clients/cosign.js';
import { PipelineError } from '@release-pipeline/core/errors.js';

export async function signArtifacts(ctx: StepContext, signing: SigningSetup, refs: readonly DigestReference[]): Promise<Noted<void>> {
  // Each artifact is checked and signed on its own, all at once: they share nothing but the signer.
  const outcomes = await eachConcurrently(refs, async (ref) => {
    const already = await cosignVerify(ctx, signing.policy, ref).then(
      () => true,
      () => false,
    );
    if (already) return false;
    const sign = () => cosignSign(ctx, signing, ref);
    await withRetry(sign, sayRetries(ctx.progress, 'signing')).catch((err: Error) => {
      throw new PipelineError('signing', `signing ${formatDigestReference(ref)} failed: ${cosignReason(err)}`, { cause: err });
    });
    return true;
  });
  const signed = outcomes.filter(Boolean).length;
  return signed === 0 ? cached(undefined, `all ${refs.length} already signed by this signer`) : noted(undefined, `${signed} of ${refs.length} signed`);
}
