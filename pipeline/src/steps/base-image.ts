// Step 3a: the base image, by digest. Either a given ref@sha256 (pulled once into the cache with
// crane), or "host": the offline base made from this machine's Node runtime, pushed to the target
// by digest (untagged: nothing is tagged before it is signed and verified).
import { join } from 'node:path';
import { digestReference, formatDigestReference, parseDigestReference, repositoryIn } from '@release-pipeline/core/reference.js';
import { cachedDirectory, digestCacheKey } from '../cache.js';
import { HOST_BASE, type BaseImage } from '../artifacts.js';
import type { StepContext } from '../context.js';
import { hostBaseImage } from '../oci/host-base.js';
import { OciLayout } from '../oci/layout.js';
import { noted, notedAs, type Noted } from '../progress.js';
import { explainRegistryError } from '../registry/preflight.js';
import { pushLayout } from '../clients/crane.js';
import { PipelineError } from '@release-pipeline/core/errors.js';
import { cranePull } from '../clients/crane.js';

export async function resolveBaseImage(ctx: StepContext, base: string): Promise<Noted<BaseImage>> {
  if (base === HOST_BASE) {
    const host = await hostBaseImage(ctx.out.cache);
    const ref = digestReference(repositoryIn(ctx.target, 'base/node-host'), host.descriptor.digest);
    await pushLayout(ctx, host.layout, ref, 'the host base image');
    return noted({ ref, layout: host.layout, descriptor: host.descriptor }, `host node ${process.version}, ${host.platform}`);
  }

  const ref = parseDigestReference(base, '--base-image');
  const wanted = formatDigestReference(ref);
  const { dir, built } = await cachedDirectory(join(ctx.out.cache, `base-${digestCacheKey(ref.digest)}`), async (partial) => {
    await cranePull(ctx, ref, partial).catch((err: Error) => {
      throw new PipelineError('registry', `could not pull the base image ${wanted}: ${explainRegistryError(err, ref.registry)}`, { cause: err });
    });
    const top = (await new OciLayout(partial).readIndex()).manifests[0];
    if (top?.digest !== ref.digest) throw new PipelineError('registry', `crane pulled ${top?.digest ?? 'nothing'} for ${wanted}`);
  });
  const layout = new OciLayout(dir);
  const descriptor = (await layout.readIndex()).manifests[0]!;
  return notedAs(built, { ref, layout, descriptor }, built ? 'pulled' : '');
}
