// Step 3: the app image as an OCI layout: for each wanted platform of the base, the base layers
// plus the app layers, with the shared image settings; then an index over the platforms. Kept in
// the cache under a key of everything it is made of, so an unchanged rerun reuses it.
import { createHash } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { appImageConfig, appImageSettings, imageIndex, imageManifest, releaseAnnotations, selectPlatforms } from '@release-pipeline/core/image-config.js';
import { formatDigestReference, repositoryOf } from '@release-pipeline/core/reference.js';
import { isIndex, MediaType, platformString, type Descriptor, type ImageConfig, type ImageIndex, type ImageManifest } from '@release-pipeline/core/oci.js';
import { cachedDirectory, hashInputs } from '../cache.js';
import type { StepContext } from '../context.js';
import { OciLayout } from '../oci/layout.js';
import { notedAs, type Noted } from '../progress.js';
import { appLayers } from '../oci/app-layers.js';
import { APP_BUILD_INPUTS, type BaseImage, type BuiltImage } from '../artifacts.js';
import { PipelineError } from '@release-pipeline/core/errors.js';

async function basePlatformManifests(base: BaseImage): Promise<Descriptor[]> {
  if (isIndex(base.descriptor)) return selectPlatforms(await base.layout.readJson<ImageIndex>(base.descriptor.digest));
  const manifest = await base.layout.readJson<ImageManifest>(base.descriptor.digest);
  const config = await base.layout.readJson<ImageConfig>(manifest.config.digest);
  return [{ ...base.descriptor, platform: { architecture: config.architecture, os: config.os, variant: config.variant } }];
}

/** What the image is made of: same key, same bytes (the assembly is deterministic). */
async function imageKey(ctx: StepContext, base: BaseImage, commitTime: number): Promise<string> {
  const sources = await hashInputs(ctx.root, [...APP_BUILD_INPUTS, 'app/package-lock.json']);
  return createHash('sha256')
    .update(JSON.stringify({ v: 2, base: formatDigestReference(base.ref), top: base.descriptor.digest, sources, release: ctx.release, commitTime }))
    .digest('hex')
    .slice(0, 32);
}

export async function assembleImage(ctx: StepContext, base: BaseImage, dist: string, commitTime: number): Promise<Noted<BuiltImage>> {
  const { dir, built } = await cachedDirectory(join(ctx.out.cache, `image-${await imageKey(ctx, base, commitTime)}`), (partial) =>
    assemble(ctx, base, dist, commitTime, partial),
  );
  const image = await readBuiltImage(new OciLayout(dir));
  return notedAs(built, image, `${image.descriptor.digest.slice(0, 19)}… ${image.platforms.join(', ')}`);
}

/** The image an OCI layout written by `assemble` holds. */
export async function readBuiltImage(layout: OciLayout): Promise<BuiltImage> {
  const descriptor = (await layout.readIndex()).manifests[0];
  if (!descriptor) throw new PipelineError('build', `${layout.dir} holds no image`);
  const { manifests } = await layout.readJson<ImageIndex>(descriptor.digest);
  return { layout, descriptor, manifests, platforms: manifests.map((m) => platformString(m.platform!)) };
}

async function assemble(ctx: StepContext, base: BaseImage, dist: string, commitTime: number, dir: string): Promise<void> {
  const layout = await OciLayout.create(dir);
  // Layer files are written beside the blobs, then moved in under their digests.
  const work = join(dir, 'layers.tmp');
  await mkdir(work);
  const layers = await appLayers(ctx, dist, work, commitTime);
  for (const l of layers) await layout.adoptFile(l.path, l.descriptor.digest);

  const annotations = releaseAnnotations(ctx.release);
  const wanted = await basePlatformManifests(base);
  const firstConfig = await base.layout.readJson<ImageManifest>(wanted[0]!.digest).then((m) => base.layout.readJson<ImageConfig>(m.config.digest));
  const settings = appImageSettings(ctx.release, firstConfig.config?.Entrypoint);

  const manifests: Descriptor[] = [];
  for (const platformManifest of wanted) {
    const manifest = await base.layout.readJson<ImageManifest>(platformManifest.digest);
    const config = await base.layout.readJson<ImageConfig>(manifest.config.digest);
    for (const l of manifest.layers) await layout.takeBlob(base.layout, l.digest);
    const configDesc = await layout.putJson(MediaType.config, appImageConfig(config, settings, layers, ctx.release.created));
    const ours = imageManifest(configDesc, manifest.layers, layers, {
      ...annotations,
      'org.opencontainers.image.base.name': repositoryOf(base.ref),
      'org.opencontainers.image.base.digest': platformManifest.digest,
    });
    const desc = await layout.putJson(MediaType.manifest, ours);
    manifests.push({ ...desc, platform: platformManifest.platform! });
  }
  const index = await layout.putJson(MediaType.index, imageIndex(manifests, annotations));
  await layout.writeIndex([index]);
  await rm(work, { recursive: true, force: true });
}
