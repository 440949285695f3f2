// Step 6a: the image's SBOM, made by the real syft from the image's OCI layout: every file of the
// image (base and app) with its digest, the packages syft recognises in the base (Debian's for
// distroless, the node binary for the host base), and the npm packages the app bundle carries
// (from the cut-down lockfile app/build.mjs writes beside it), with versions and licences.
// SPDX 2.3 JSON, made once per image digest.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cachedDirectory } from '../cache.js';
import type { StepContext } from '../context.js';
import { run } from '../exec.js';
import { noted, type Noted } from '../progress.js';
import { tool } from '../tools.js';
import type { BuiltImage } from './assemble-image.js';

export interface Sbom {
  path: string;
  packages: number;
  files: number;
}

/** syft's settings, as environment: no update check (nothing leaves the machine), every file listed. */
export const SYFT_ENV = {
  SYFT_CHECK_FOR_APP_UPDATE: 'false',
  SYFT_FILE_METADATA_SELECTION: 'all',
  SYFT_FILE_METADATA_DIGESTS: 'sha256',
} as const;

export function syftScanArgs(layoutDir: string, output: string, name: string, version: string): string[] {
  return [
    'scan',
    `oci-dir:${layoutDir}`,
    // The lockfile cataloger is off by default for images; the app's packages are only declared there.
    '--select-catalogers',
    '+javascript-lock-cataloger',
    '--source-name',
    name,
    '--source-version',
    version,
    '--output',
    `spdx-json=${output}`,
    '--quiet',
  ];
}

export async function imageSbom(ctx: StepContext, image: BuiltImage): Promise<Noted<Sbom>> {
  const key = image.index.digest.slice('sha256:'.length, 'sha256:'.length + 24);
  const { dir, built } = await cachedDirectory(join(ctx.out.cache, `sbom-${key}`), async (partial) => {
    const args = syftScanArgs(image.layout.dir, join(partial, 'sbom.spdx.json'), ctx.release.title, ctx.release.version);
    await run(tool('syft'), args, { env: { ...process.env, ...SYFT_ENV } }).catch((err: Error) => {
      throw new Error(`syft could not scan the image: ${err.message.split('\n')[0]}`, { cause: err });
    });
  });
  const path = join(dir, 'sbom.spdx.json');
  const doc = JSON.parse(await readFile(path, 'utf8')) as { packages?: unknown[]; files?: unknown[] };
  const sbom = { path, packages: doc.packages?.length ?? 0, files: doc.files?.length ?? 0 };
  return noted(sbom, `${built ? '' : 'cached: '}${sbom.packages} packages, ${sbom.files} files`);
}
