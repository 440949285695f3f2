// The app image as data: the settings both engines apply (user, entrypoint, env, labels), and, for
// the host engine, the OCI config, manifest and index built on a base image. Pure.
import {
  canonicalJson,
  MediaType,
  platformString,
  toOciMediaType,
  type ContainerConfig,
  type Descriptor,
  type ImageConfig,
  type ImageIndex,
  type ImageManifest,
  type Platform,
} from './oci.js';
import { PipelineError } from './errors.js';

export const APP_DIR = '/app';
export const APP_UID = 65532;
export const APP_USER = `${APP_UID}:${APP_UID}`;
export const APP_PORT = 8080;
/** The platforms kept from a multi-arch base; the app layer is pure JavaScript, so it fits both. */
export const WANTED_PLATFORMS: readonly string[] = ['linux/amd64', 'linux/arm64'];

export interface ReleaseIdentity {
  /** Image title, e.g. "koa-service". */
  title: string;
  version: string;
  /** Full git commit hash. */
  revision: string;
  /** Source repository URL. */
  source: string;
  /** RFC 3339, from the commit time (never the wall clock: it would break reproducibility). */
  created: string;
}

export interface AppImageSettings {
  user: string;
  workdir: string;
  entrypoint: string[];
  cmd: string[];
  env: Record<string, string>;
  labels: Record<string, string>;
  exposedPort: number;
}

/** OCI annotations/labels for the release (org.opencontainers.image.*). */
export function releaseAnnotations(id: ReleaseIdentity): Record<string, string> {
  return {
    'org.opencontainers.image.created': id.created,
    'org.opencontainers.image.revision': id.revision,
    'org.opencontainers.image.source': id.source,
    'org.opencontainers.image.title': id.title,
    'org.opencontainers.image.version': id.version,
  };
}

/**
 * The node binary to start: the base image's own entrypoint when it is node (distroless keeps it
 * at /nodejs/bin/node, outside PATH), otherwise "node" looked up in the image's PATH.
 */
export function nodeEntrypoint(baseEntrypoint: readonly string[] | null | undefined): string[] {
  const first = baseEntrypoint?.[0];
  if (first && /(^|\/)node(js)?$/.test(first)) return [first];
  return ['node'];
}

/** What both engines set on the app image, from the release identity and the base's entrypoint. */
export function appImageSettings(id: ReleaseIdentity, baseEntrypoint?: readonly string[] | null): AppImageSettings {
  return {
    user: APP_USER,
    workdir: APP_DIR,
    entrypoint: nodeEntrypoint(baseEntrypoint),
    cmd: [`${APP_DIR}/dist/main.js`],
    env: { NODE_ENV: 'production', APP_VERSION: id.version, GIT_REVISION: id.revision, PORT: String(APP_PORT) },
    labels: releaseAnnotations(id),
    exposedPort: APP_PORT,
  };
}

function mergeEnv(base: readonly string[] | undefined, extra: Record<string, string>): string[] {
  const keep = (base ?? []).filter((entry) => !(entry.split('=')[0]! in extra));
  return [...keep, ...Object.entries(extra).map(([k, v]) => `${k}=${v}`)];
}

export interface LayerInfo {
  /** Compressed blob descriptor. */
  descriptor: Descriptor;
  /** sha256 of the uncompressed tar. */
  diffId: string;
  /** What made it, for the history entry. */
  createdBy: string;
}

/** The app's image config for one platform: the base config with our layers and settings on top. */
export function appImageConfig(base: ImageConfig, settings: AppImageSettings, layers: readonly LayerInfo[], created: string): ImageConfig {
  const baseConfig: ContainerConfig = base.config ?? {};
  const config: ContainerConfig = {
    ...baseConfig,
    User: settings.user,
    Env: mergeEnv(baseConfig.Env, settings.env),
    Entrypoint: settings.entrypoint,
    Cmd: settings.cmd,
    WorkingDir: settings.workdir,
    Labels: { ...(baseConfig.Labels ?? {}), ...settings.labels },
    ExposedPorts: { ...(baseConfig.ExposedPorts ?? {}), [`${settings.exposedPort}/tcp`]: {} },
    StopSignal: 'SIGTERM',
  };
  const result: ImageConfig = {
    ...base,
    created,
    config,
    rootfs: { type: 'layers', diff_ids: [...base.rootfs.diff_ids, ...layers.map((l) => l.diffId)] },
    history: [...(base.history ?? []), ...layers.map((l) => ({ created, created_by: l.createdBy, comment: 'signed-release-pipeline' }))],
  };
  // Drop fields that describe how the base was built, not what this image is.
  delete (result as Record<string, unknown>).container;
  delete (result as Record<string, unknown>).container_config;
  delete (result as Record<string, unknown>).docker_version;
  return result;
}

export function imageManifest(
  config: Descriptor,
  baseLayers: readonly Descriptor[],
  appLayers: readonly LayerInfo[],
  annotations: Record<string, string>,
): ImageManifest {
  return {
    schemaVersion: 2,
    mediaType: MediaType.manifest,
    config: { mediaType: MediaType.config, digest: config.digest, size: config.size },
    layers: [
      ...baseLayers.map((l) => ({
        mediaType: toOciMediaType(l.mediaType),
        digest: l.digest,
        size: l.size,
        annotations: l.annotations,
      })),
      ...appLayers.map((l) => l.descriptor),
    ],
    annotations,
  };
}

export function imageIndex(manifests: readonly Descriptor[], annotations: Record<string, string>): ImageIndex {
  return { schemaVersion: 2, mediaType: MediaType.index, manifests: [...manifests], annotations };
}

/** The platform manifests of a base index that we build on, in the base's order. */
export function selectPlatforms(index: ImageIndex, wanted: readonly string[] = WANTED_PLATFORMS): Descriptor[] {
  const chosen = index.manifests.filter((m) => m.platform && wanted.includes(platformString(m.platform as Platform)));
  if (chosen.length === 0) {
    const offered = index.manifests.map((m) => (m.platform ? platformString(m.platform) : 'unknown')).join(', ');
    throw new PipelineError('build', `the base image offers none of ${wanted.join(', ')} (it has: ${offered || 'nothing'})`);
  }
  return chosen;
}

/** Bytes of a JSON document as it is stored. */
export function jsonBytes(value: unknown): Buffer {
  return Buffer.from(canonicalJson(value), 'utf8');
}
