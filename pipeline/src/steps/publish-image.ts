// Step 5a: push the image layout with crane, by digest and untagged. crane skips blobs the registry
// has, retries 5xx and resets, and writes the index only after every blob and child manifest is in.
// The version tag is written last of all (tagImage), once the release verified.
import { pinned, repositoryIn, versionTag } from '../../../ci/src/core/reference.js';
import type { StepContext } from '../context.js';
import { run } from '../exec.js';
import { noted, type Noted } from '../progress.js';
import { firstLine, withRetry } from '../retry.js';
import { explainRegistryError } from '../registry/preflight.js';
import { tool } from '../tools.js';
import type { BuiltImage } from './assemble-image.js';
import { digestFromCraneOutput } from './base-image.js';

export const IMAGE_NAME = 'koa-service';

export async function publishImage(ctx: StepContext, image: BuiltImage): Promise<Noted<string>> {
  const repository = repositoryIn(ctx.target, IMAGE_NAME);
  const push = () => run(tool('crane'), ['push', image.layout.dir, pinned(repository, image.index.digest)], { env: ctx.toolEnv, secrets: ctx.secrets });
  const { stdout } = await withRetry(push, { onRetry: (n, err) => ctx.progress.info(`push attempt ${n} failed (${firstLine(err)}); retrying`) }).catch((err: Error) => {
    throw new Error(`pushing the image to ${repository} failed; nothing was tagged or signed; rerun to resume (blobs already pushed are kept): ${explainRegistryError(err.message, ctx.target.registry)}`);
  });
  const digest = digestFromCraneOutput(stdout);
  if (digest !== image.index.digest) throw new Error(`registry stored ${digest}, but the image built is ${image.index.digest}`);
  return noted(pinned(repository, digest), repository);
}

/** The last write of a release: the human-readable version tag, on a verified image. */
export async function tagImage(ctx: StepContext, imageRef: string): Promise<Noted<void>> {
  const tag = versionTag(ctx.release.version);
  await withRetry(() => run(tool('crane'), ['tag', imageRef, tag], { env: ctx.toolEnv, secrets: ctx.secrets }));
  return noted(undefined, tag);
}
