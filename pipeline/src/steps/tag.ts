// The last writes of a release: the human-readable version tag on the image and the chart, once
// both are signed and verified. Helm resolves `--version X` to the tag X (with "+" as "_").

import { formatDigestReference, versionTag, type DigestReference } from '@release-pipeline/core/reference.js';
import type { StepContext } from '../context.js';
import { noted, type Noted } from '../progress.js';
import { withRetry } from '../retry.js';
import { PipelineError } from '@release-pipeline/core/errors.js';
import { craneTag } from '../clients/crane.js';

export async function tagRelease(ctx: StepContext, refs: readonly DigestReference[]): Promise<Noted<void>> {
  const tag = versionTag(ctx.release.version);
  for (const ref of refs) {
    await withRetry(() => craneTag(ctx, ref, tag)).catch((err: Error) => {
      throw new PipelineError(
        'registry',
        `tagging ${formatDigestReference(ref)} as ${tag} failed (it is signed and verified; rerun to tag it): ${err.message}`,
        { cause: err },
      );
    });
  }
  return noted(undefined, tag);
}
