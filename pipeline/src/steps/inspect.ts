// Reads a manifest from the registry by digest (crane manifest), for steps that act on what is
// already published, such as signing an image index's platform manifests.
import { craneManifestArgs } from '../../../ci/src/core/crane-args.js';
import { formatDigestReference, type DigestReference } from '../../../ci/src/core/reference.js';
import type { Descriptor } from '../../../ci/src/core/oci.js';
import type { StepContext } from '../context.js';
import { run } from '../exec.js';
import { explainRegistryError } from '../registry/preflight.js';
import { tool } from '../tools.js';
import { PipelineError } from '../../../ci/src/core/errors.js';

export interface AnyManifest {
  mediaType?: string;
  manifests?: Descriptor[];
  layers?: Descriptor[];
}

export async function manifestOf(
  ctx: Pick<StepContext, 'toolEnv' | 'secrets' | 'access'> & { timeoutMs?: number },
  ref: DigestReference,
): Promise<AnyManifest> {
  const { stdout } = await run(tool('crane'), craneManifestArgs(ref, ctx.access), {
    env: ctx.toolEnv,
    secrets: ctx.secrets,
    ...(ctx.timeoutMs ? { timeoutMs: ctx.timeoutMs } : {}),
  }).catch((err: Error) => {
    throw new PipelineError('registry', `could not read ${formatDigestReference(ref)}: ${explainRegistryError(err, ref.registry)}`, { cause: err });
  });
  return JSON.parse(stdout) as AnyManifest;
}
