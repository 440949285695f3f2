// A packaged chart as an OCI artifact, the way Helm stores one: the chart metadata (Chart.yaml as
// JSON) as the config, the .tgz as the one layer, and OCI annotations taken from the metadata.
// Built as data so the chart is pushed by digest, untagged, like the image; the version tag is the
// last write of a release, after signing and verification. Pure.
import { rfc3339 } from './chart-package.js';
import { MediaType, type Descriptor, type ImageManifest } from './oci.js';
import { PipelineError } from './errors.js';

/** The Chart.yaml fields Helm writes into the OCI config, in Helm's own order (its Metadata struct). */
const METADATA_FIELDS = [
  'name',
  'home',
  'sources',
  'version',
  'description',
  'keywords',
  'maintainers',
  'icon',
  'apiVersion',
  'condition',
  'tags',
  'appVersion',
  'deprecated',
  'annotations',
  'kubeVersion',
  'dependencies',
  'type',
] as const;

export interface ChartMetadata {
  name: string;
  version: string;
  apiVersion: string;
  appVersion?: string;
  description?: string;
  home?: string;
  sources?: string[];
  annotations?: Record<string, string>;
  [field: string]: unknown;
}

/** Chart.yaml (already parsed) as Helm's config object: known fields only, in Helm's order. */
export function chartConfig(metadata: ChartMetadata): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  for (const field of METADATA_FIELDS) {
    const value = metadata[field];
    if (value !== undefined && value !== null && value !== '' && !(Array.isArray(value) && value.length === 0)) config[field] = value;
  }
  if (!config.name || !config.version) throw new PipelineError('build', 'Chart.yaml needs a name and a version');
  return config;
}

/** The annotations Helm sets on a chart manifest, with the commit time as the creation time. */
export function chartAnnotations(metadata: ChartMetadata, commitTime: number): Record<string, string> {
  const a: Record<string, string> = {
    'org.opencontainers.image.created': rfc3339(commitTime),
    'org.opencontainers.image.title': metadata.name,
    'org.opencontainers.image.version': metadata.version,
  };
  if (metadata.description) a['org.opencontainers.image.description'] = metadata.description;
  if (metadata.home) a['org.opencontainers.image.url'] = metadata.home;
  if (metadata.sources?.[0]) a['org.opencontainers.image.source'] = metadata.sources[0];
  const revision = metadata.annotations?.['org.opencontainers.image.revision'];
  if (revision) a['org.opencontainers.image.revision'] = revision;
  return a;
}

export function chartManifest(config: Descriptor, chart: Descriptor, annotations: Record<string, string>): ImageManifest {
  return {
    schemaVersion: 2,
    mediaType: MediaType.manifest,
    config: { mediaType: MediaType.helmConfig, digest: config.digest, size: config.size },
    layers: [{ mediaType: MediaType.helmChart, digest: chart.digest, size: chart.size }],
    annotations,
  };
}
