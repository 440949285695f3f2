// What the steps of a release hand each other: plain values, each naming its top descriptor
// `descriptor` (whose digest is the artifact's), and the names the artifacts are published under.
import type { PredicateType } from '@release-pipeline/core/cosign-args.js';
import type { Descriptor } from '@release-pipeline/core/oci.js';
import type { DigestReference } from '@release-pipeline/core/reference.js';
import type { OciLayout } from './oci/layout.js';

/** The repository name of the service image, under the target namespace. */
export const IMAGE_NAME = 'koa-service';

/** The sources the service is built from: the build's and the image's cache keys. */
export const APP_BUILD_INPUTS = ['app/src', 'app/package.json', 'app/package-lock.json', 'app/build.mjs', 'app/bundled-lock.mjs', 'tsconfig.base.json'];

/** `--base-image host`: the base made from this machine's Node runtime. */
export const HOST_BASE = 'host';

/** The base image, pulled by digest into an OCI layout. */
export interface BaseImage {
  ref: DigestReference;
  layout: OciLayout;
  /** An image index or a single manifest. */
  descriptor: Descriptor;
}

/** The service image as an OCI layout. */
export interface BuiltImage {
  layout: OciLayout;
  /** The image index: its digest is the image's digest. */
  descriptor: Descriptor;
  /** One manifest per platform, each signed as well as the index. */
  manifests: Descriptor[];
  platforms: string[];
}

/** The chart, packaged with the image's digest written in, and laid out as an OCI artifact. */
export interface PackagedChart {
  /** The .tgz helm packaged. */
  path: string;
  name: string;
  version: string;
  layout: OciLayout;
  /** The chart's manifest: its digest names the chart. */
  descriptor: Descriptor;
}

/** The image's SPDX SBOM. */
export interface Sbom {
  path: string;
  packages: number;
  files: number;
}

/** An attestation to attach to an artifact. */
export interface Attestation {
  ref: DigestReference;
  type: PredicateType;
  /** The predicate, as JSON text or a file already written (an SBOM). */
  predicate: { json: unknown } | { file: string };
}

/** What a release makes before anything leaves the machine. */
export interface Made {
  base: BaseImage;
  image: BuiltImage;
  chart: PackagedChart;
}

/** What a release published: the image and the chart by digest, untagged and unsigned. */
export interface Published extends Made {
  imageRef: DigestReference;
  chartRef: DigestReference;
}
