// The syft client: an OCI layout scanned (the image's packages and files, or the base's binaries)
// and syft's JSON turned into SPDX, with the pinned binary and settings that keep it offline.
import { createHash } from 'node:crypto';
import { PipelineError } from '@release-pipeline/core/errors.js';
import { run } from '../exec.js';
import { tool, toolBuild } from '../tools.js';

/**
 * syft's settings, as environment: no update check (nothing leaves the machine), every file listed
 * with SHA-1 and SHA-256 (SPDX 2.3 requires a SHA-1 checksum on each file; sha256 alone is not
 * valid SPDX, as the SPDX project's own validator says).
 */
export const SYFT_ENV = {
  SYFT_CHECK_FOR_APP_UPDATE: 'false',
  SYFT_FILE_METADATA_SELECTION: 'all',
  SYFT_FILE_METADATA_DIGESTS: 'sha1,sha256',
} as const;

const BINARY_CLASSIFIER = 'binary-classifier-cataloger';

/** Part of each SBOM cache key: the settings and the syft build, so an SBOM made otherwise is made again. */
export const syftSettingsKey = () =>
  createHash('sha256')
    .update(JSON.stringify({ env: SYFT_ENV, syft: toolBuild('syft') }))
    .digest('hex')
    .slice(0, 12);

/** The image, with every cataloger but the binary classifier (its findings come from the base). */
export function syftScanArgs(layoutDir: string, output: string, name: string, version: string): string[] {
  return [
    'scan',
    `oci-dir:${layoutDir}`,
    // The lockfile cataloger is off by default for images; the app's packages are only declared there.
    '--select-catalogers',
    `+javascript-lock-cataloger,-${BINARY_CLASSIFIER}`,
    '--source-name',
    name,
    '--source-version',
    version,
    '--output',
    `syft-json=${output}`,
    '--quiet',
  ];
}

/** The base, with the binary classifier only. */
export function syftBaseBinariesArgs(layoutDir: string, output: string): string[] {
  return ['scan', `oci-dir:${layoutDir}`, '--override-default-catalogers', BINARY_CLASSIFIER, '--output', `syft-json=${output}`, '--quiet'];
}

export function syftConvertArgs(syftJson: string, output: string): string[] {
  return ['convert', syftJson, '--output', `spdx-json=${output}`, '--quiet'];
}

/** Runs syft with its settings; a failure names what it could not do. */
export async function syft(args: string[], what: string, env: Record<string, string> = {}): Promise<void> {
  await run(tool('syft'), args, { env: { ...process.env, ...SYFT_ENV, ...env } }).catch((err: Error) => {
    throw new PipelineError('build', `syft could not ${what}: ${err.message.split('\n')[0]}`, { cause: err });
  });
}
