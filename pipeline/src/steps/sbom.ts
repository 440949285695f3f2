// Step 6a: the image's SBOM, made by the real syft from the image's OCI layout: every file of the
// image (base and app) with its digest, the packages syft recognises in the base (Debian's for
// distroless, the node binary for the host base), and the npm packages the app bundle carries
// (from the cut-down lockfile app/build.mjs writes beside it), with versions and licences.
// SPDX 2.3 JSON, made once per image digest.
//
// syft's binary classifier, which names the base's binaries (Node's version, from the 100 MB `node`),
// is most of a scan's time, and its answer depends on the base alone. So it runs once per base
// digest; each image is scanned without it and given its findings (`withBaseFindings`), and syft's
// own `convert` writes the SPDX: the same document a full scan of the image writes.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { withBaseFindings, type SyftDocument } from '@release-pipeline/core/syft-merge.js';
import { cachedDirectory, digestCacheKey } from '../cache.js';
import { concurrently } from '../concurrently.js';
import type { StepContext } from '../context.js';
import { notedAs, type Noted } from '../progress.js';
import { syft, syftBaseBinariesArgs, syftConvertArgs, syftScanArgs, syftSettingsKey } from '../clients/syft.js';
import type { BaseImage, BuiltImage, Sbom } from '../artifacts.js';

/** What the binary classifier finds in the base, as syft JSON, once per base digest. */
async function baseBinaries(ctx: StepContext, base: BaseImage): Promise<string> {
  const { dir } = await cachedDirectory(join(ctx.out.cache, `sbom-base-${digestCacheKey(base.descriptor.digest)}-${syftSettingsKey()}`), (partial) =>
    // Packages and their links only: the files are listed (with digests) by the image's own scan.
    syft(syftBaseBinariesArgs(base.layout.dir, join(partial, 'binaries.syft.json')), 'scan the base image', { SYFT_FILE_METADATA_SELECTION: 'none' }),
  );
  return join(dir, 'binaries.syft.json');
}

const readJson = async <T>(path: string): Promise<T> => JSON.parse(await readFile(path, 'utf8')) as T;

export async function imageSbom(ctx: StepContext, image: BuiltImage, base: BaseImage): Promise<Noted<Sbom>> {
  const { dir, built } = await cachedDirectory(join(ctx.out.cache, `sbom-${digestCacheKey(image.descriptor.digest)}-${syftSettingsKey()}`), async (partial) => {
    const scanned = join(partial, 'image.syft.json');
    const [binaries] = await concurrently([
      () => baseBinaries(ctx, base),
      () => syft(syftScanArgs(image.layout.dir, scanned, ctx.release.title, ctx.release.version), 'scan the image'),
    ]);
    const merged = join(partial, 'sbom.syft.json');
    await writeFile(merged, JSON.stringify(withBaseFindings(await readJson<SyftDocument>(scanned), await readJson<SyftDocument>(binaries))));
    await syft(syftConvertArgs(merged, join(partial, 'sbom.spdx.json')), 'write the SBOM as SPDX');
  });
  const path = join(dir, 'sbom.spdx.json');
  const doc = await readJson<{ packages?: unknown[]; files?: unknown[] }>(path);
  const sbom = { path, packages: doc.packages?.length ?? 0, files: doc.files?.length ?? 0 };
  return notedAs(built, sbom, `${sbom.packages} packages, ${sbom.files} files`);
}
