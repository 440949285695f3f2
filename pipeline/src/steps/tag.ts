// The last writes of a release: the human-readable version tag on the image and the chart, once
// both are signed and verified. Helm resolves `--version X` to the tag X (with "+" as "_").
import { craneTagArgs } from '@release-pipeline/core/crane-args.js';
import { formatDigestReference, versionTag, type DigestReference } from '@release-pipeline/core/reference.js';
import type { StepContext } from '../context.js';
import { run } from '../exec.js';
import { noted, type Noted } from '../progress.js';
import { withRetry } from '../retry.js';
import { tool } from '../tools.js';
import { PipelineError } from '@release-pipeline/core/errors.js';

export async function tagRelease(ctx: StepContext, refs: readonly DigestReference[]): Promise<Noted<void>> {
  const tag = versionTag(ctx.release.version);
  for (const ref of refs) {
    await withRetry(() => run(tool('crane'), craneTagArgs(ref, tag, ctx.access), { env: ctx.toolEnv, secrets: ctx.secrets })).catch((err: Error) => {
      throw new PipelineError(
        'registry',
        `tagging ${formatDigestReference(ref)} as ${tag} failed (it is signed and verified; rerun to tag it): ${err.message}`,
        { cause: err },
      );
    });
  }
  return noted(undefined, tag);
}
