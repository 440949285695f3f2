// Step 7b: each attestation a release attached verifies with the stock `cosign verify-attestation`,
// provenance under the release's Rego policy.
import { PredicateType, type Policy } from '@release-pipeline/core/cosign-args.js';
import { PipelineError } from '@release-pipeline/core/errors.js';
import { formatDigestReference, type DigestReference } from '@release-pipeline/core/reference.js';
import { cosignReason, verifiedStatements } from '../clients/cosign.js';
import { eachConcurrently } from '../concurrently.js';
import type { StepContext } from '../context.js';
import { noted, type Noted } from '../progress.js';

export async function verifyAttached(
  ctx: StepContext,
  policy: Policy,
  attached: ReadonlyArray<{ ref: DigestReference; type: PredicateType }>,
  provenancePolicy: string,
): Promise<Noted<void>> {
  await eachConcurrently(attached, (a) => {
    const policyFile = a.type === PredicateType.provenance ? provenancePolicy : undefined;
    return verifiedStatements(ctx, policy, a.ref, a.type, { policyFile }).catch((err: Error) => {
      throw new PipelineError('verification', `the ${a.type} attestation of ${formatDigestReference(a.ref)} does not verify: ${cosignReason(err)}`, {
        cause: err,
      });
    });
  });
  return noted(undefined, `${attached.length} attestations verified`);
}
