// Step 3a: the base image, by digest. Either a given ref@sha256 (pulled once into the cache with
// crane), or "host": the offline base made from this machine's Node runtime and pushed to the target.
import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { parseDigestReference, repositoryIn, pinned } from '../../../ci/src/core/reference.js';
import type { Descriptor } from '../../../ci/src/core/oci.js';
import type { StepContext } from '../context.js';
import { run } from '../exec.js';
import { hostBaseImage } from '../oci/host-base.js';
import { OciLayout } from '../oci/layout.js';
import { noted, type Noted } from '../progress.js';
import { withRetry } from '../retry.js';
import { explainRegistryError } from '../registry/preflight.js';
import { tool } from '../tools.js';

export interface BaseImage {
  /** repository@sha256:… */
  ref: string;
  layout: OciLayout;
  /** The top descriptor (an index or a single manifest). */
  top: Descriptor;
}

export const HOST_BASE = 'host';

/** Parses crane's "host/repo@sha256:…" output line. */
export function digestFromCraneOutput(output: string): string {
  const m = output.trim().match(/@(sha256:[a-f0-9]{64})\s*$/);
  if (!m) throw new Error(`crane printed no digest: ${output.trim()}`);
  return m[1]!;
}

export async function resolveBaseImage(ctx: StepContext, base: string): Promise<Noted<BaseImage>> {
  if (base === HOST_BASE) {
    const host = await hostBaseImage(ctx.out.cache);
    const repository = repositoryIn(ctx.target, 'base/node-host');
    const tag = `node-${process.version.replace(/^v/, '')}`;
    const push = () => run(tool('crane'), ['push', host.layout.dir, `${repository}:${tag}`], { env: ctx.toolEnv, secrets: ctx.secrets });
    const { stdout } = await withRetry(push).catch((err: Error) => {
      throw new Error(`pushing the host base image to ${repository} failed; rerun to resume: ${explainRegistryError(err.message, ctx.target.registry)}`);
    });
    const digest = digestFromCraneOutput(stdout);
    if (digest !== host.index.digest) throw new Error(`pushed host base digest ${digest} differs from the built one ${host.index.digest}`);
    return noted({ ref: pinned(repository, digest), layout: host.layout, top: host.index }, `host node ${process.version}, ${host.platform}`);
  }

  const ref = parseDigestReference(base, '--base-image');
  const dir = join(ctx.out.cache, `base-${ref.digest.slice('sha256:'.length, 'sha256:'.length + 24)}`);
  const cached = new OciLayout(dir);
  const top = await cached.readIndex().then((i) => i.manifests[0], () => undefined);
  if (top?.digest === ref.digest) return noted({ ref: base, layout: cached, top }, 'cached');
  const tmp = `${dir}.partial-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  await run(tool('crane'), ['pull', '--format=oci', base, tmp], { env: ctx.toolEnv, secrets: ctx.secrets }).catch((err: Error) => {
    throw new Error(`could not pull the base image ${base}: ${explainRegistryError(err.message, ref.registry)}`);
  });
  await rm(dir, { recursive: true, force: true });
  await rename(tmp, dir);
  const pulled = new OciLayout(dir);
  const pulledTop = (await pulled.readIndex()).manifests[0];
  if (!pulledTop || pulledTop.digest !== ref.digest) throw new Error(`crane pulled ${pulledTop?.digest ?? 'nothing'} for ${base}`);
  return noted({ ref: base, layout: pulled, top: pulledTop }, 'pulled');
}
