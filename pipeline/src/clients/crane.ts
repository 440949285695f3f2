// The crane client: an OCI layout pushed to repository@digest (untagged; crane skips blobs the
// registry has, retries 5xx and resets, and writes the top manifest only after every blob and
// child manifest is in; a failed push is rerun to resume), an image pulled by digest into a
// layout, a manifest read and a tag's digest resolved, and the one tag a release writes last.
import { craneManifestArgs, cranePullArgs, cranePushArgs, craneTagArgs } from '@release-pipeline/core/crane-args.js';
import { PipelineError } from '@release-pipeline/core/errors.js';
import type { Descriptor } from '@release-pipeline/core/oci.js';
import { formatDigestReference, repositoryOf, type DigestReference } from '@release-pipeline/core/reference.js';
import { toolRun, type StepContext, type ToolAccess } from '../context.js';
import { run } from '../exec.js';
import type { OciLayout } from '../oci/layout.js';
import { explainRegistryError } from '../registry/preflight.js';
import { sayRetries, withRetry } from '../retry.js';
import { tool } from '../tools.js';

/** Parses crane's "host/repo@sha256:…" output line. */
export function digestFromCraneOutput(output: string): string {
  const m = output.trim().match(/@(sha256:[a-f0-9]{64})\s*$/);
  if (!m) throw new PipelineError('registry', `crane printed no digest: ${output.trim()}`);
  return m[1]!;
}

export async function pushLayout(ctx: StepContext, layout: OciLayout, ref: DigestReference, what: string): Promise<DigestReference> {
  const push = () => run(tool('crane'), cranePushArgs(layout.dir, ref, ctx.access), toolRun(ctx));
  const { stdout } = await withRetry(push, sayRetries(ctx.progress, `${what}: push`)).catch((err: Error) => {
    throw new PipelineError(
      'registry',
      `pushing ${what} to ${repositoryOf(ref)} failed; nothing was tagged or signed; rerun to resume (blobs already pushed are kept): ${explainRegistryError(err, ref.registry)}`,
      { cause: err },
    );
  });
  const digest = digestFromCraneOutput(stdout);
  if (digest !== ref.digest) throw new PipelineError('registry', `the registry stored ${what} as ${digest}, but what was built is ${ref.digest}`);
  return ref;
}

export interface AnyManifest {
  mediaType?: string;
  manifests?: Descriptor[];
  layers?: Array<Descriptor & { annotations?: Record<string, string> }>;
}

/** The manifest a tag names (an attachment's, such as `sha256-….att`); undefined when there is none. */
export async function manifestAtTag(ctx: ToolAccess, tag: string): Promise<AnyManifest | undefined> {
  return craneManifest(ctx, tag).catch(() => undefined);
}

/** The manifest of `ref`, by digest; a failure names the artifact and, for credentials, the fix. */
export async function manifestOf(ctx: ToolAccess, ref: DigestReference): Promise<AnyManifest> {
  return craneManifest(ctx, ref).catch((err: Error) => {
    throw new PipelineError('registry', `could not read ${formatDigestReference(ref)}: ${explainRegistryError(err, ref.registry)}`, { cause: err });
  });
}

async function craneManifest(ctx: ToolAccess, reference: DigestReference | string): Promise<AnyManifest> {
  const { stdout } = await run(tool('crane'), craneManifestArgs(reference, ctx.access), toolRun(ctx));
  return JSON.parse(stdout) as AnyManifest;
}

/** `crane pull` by digest into an OCI layout at `dir`. */
export async function cranePull(ctx: ToolAccess, ref: DigestReference, dir: string): Promise<void> {
  await run(tool('crane'), cranePullArgs(ref, dir), toolRun(ctx));
}

/** `crane tag`: `ref` (by digest) tagged as `tag`. */
export async function craneTag(ctx: ToolAccess, ref: DigestReference, tag: string): Promise<void> {
  await run(tool('crane'), craneTagArgs(ref, tag, ctx.access), toolRun(ctx));
}
