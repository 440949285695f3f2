// OCI references: parsing, and the rule this project lives by: artifacts are named by digest.
// Pure: no I/O, no dependencies, shared by the Dagger module and the host pipeline.
import { PipelineError } from './errors.js';

export interface Reference {
  /** Registry host, with port when given: "ghcr.io", "127.0.0.1:5000". */
  registry: string;
  /** Repository path inside the registry: "owner/koa-service". */
  repository: string;
  tag?: string;
  digest?: string;
}

export interface DigestReference extends Reference {
  digest: string;
}

/** What is wrong with a reference, for callers that act on it (never on the message's text). */
export type ReferenceProblem = 'malformed' | 'not-by-digest';

export class InvalidReferenceError extends PipelineError {
  override name = 'InvalidReferenceError';
  constructor(
    message: string,
    readonly problem: ReferenceProblem = 'malformed',
  ) {
    super('reference', message);
  }
}

export const DIGEST_PATTERN = /^sha256:[a-f0-9]{64}$/;
const HOST =
  /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?))*(?::[0-9]{1,5})?$|^\[[0-9a-fA-F:]+\](?::[0-9]{1,5})?$/;
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

/** True when a string is a sha256 digest as OCI writes it. */
export function isDigest(value: string): boolean {
  return DIGEST_PATTERN.test(value);
}

function looksLikeHost(first: string): boolean {
  return first.includes('.') || first.includes(':') || first === 'localhost' || first.startsWith('[');
}

/**
 * Parses "host[:port]/path[:tag][@sha256:hex]". The registry host is required: a short name like
 * "nginx" means different things to different clients, so this project never guesses one.
 */
export function parseReference(input: string): Reference {
  const raw = input.trim();
  const fail = (why: string): never => {
    throw new InvalidReferenceError(`malformed reference "${input}": ${why}`);
  };
  if (!raw) fail('it is empty; write it as host[:port]/repository@sha256:<64 hex>');
  if (raw.includes('://')) fail('drop the scheme (oci://, https://); write host[:port]/repository');

  let rest = raw;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!isDigest(digest)) fail(`"${digest}" is not a digest; expected sha256: followed by 64 lowercase hex digits`);
  }
  const slash = rest.indexOf('/');
  if (slash < 0) fail('it names no registry host; write host[:port]/repository');
  const registry = rest.slice(0, slash);
  let path = rest.slice(slash + 1);
  if (!looksLikeHost(registry) || !HOST.test(registry)) {
    fail(`"${registry}" is not a registry host; write host[:port]/repository (e.g. ghcr.io/owner/name)`);
  }
  let tag: string | undefined;
  const colon = path.lastIndexOf(':');
  if (colon >= 0) {
    tag = path.slice(colon + 1);
    path = path.slice(0, colon);
    if (!TAG.test(tag)) fail(`"${tag}" is not a valid tag`);
  }
  if (!path) fail('the repository path is empty');
  if (`${registry}/${path}`.length > 255) fail(`the name is ${registry.length + 1 + path.length} characters long; registries take at most 255`);
  for (const component of path.split('/')) {
    if (!PATH_COMPONENT.test(component)) {
      fail(`repository component "${component}" must be lowercase letters, digits and single separators (. _ __ -)`);
    }
  }
  return { registry, repository: path, tag: tag || undefined, digest: digest || undefined };
}

/** Parses a reference and insists on a digest; a tag alone is refused with the fix spelled out. */
export function parseDigestReference(input: string, what = 'artifact'): DigestReference {
  const ref = parseReference(input);
  if (!ref.digest) {
    const name = `${ref.registry}/${ref.repository}`;
    const hint = ref.tag ? `"${ref.tag}" is a tag, and tags move` : 'it has no digest';
    throw new InvalidReferenceError(
      `${what} "${input}" must be referenced by digest: ${hint}. Use ${name}@sha256:<64 hex> ` +
        `(find it with: crane digest ${name}${ref.tag ? `:${ref.tag}` : ''})`,
      'not-by-digest',
    );
  }
  return ref as DigestReference;
}

/** "host/repo" (no tag, no digest). */
export function repositoryOf(ref: Reference): string {
  return `${ref.registry}/${ref.repository}`;
}

/** The canonical string: "host/repo[:tag][@digest]". */
export function formatReference(ref: Reference): string {
  return `${repositoryOf(ref)}${ref.tag ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
}

/** "host/repo@sha256:…": the only form artifacts are passed on in. */
export function pinned(repository: string, digest: string): string {
  if (!isDigest(digest)) throw new InvalidReferenceError(`"${digest}" is not a sha256 digest`);
  return `${repository}@${digest}`;
}

/** The typed digest reference of an artifact stored at "host/repo" under a digest. */
export function digestReference(repository: string, digest: string): DigestReference {
  return parseDigestReference(pinned(repository, digest));
}

/** "host/repo@sha256:…" for a typed digest reference (a tag, if any, is dropped: digests rule). */
export function formatDigestReference(ref: DigestReference): string {
  return pinned(repositoryOf(ref), ref.digest);
}

/** The same repository at another digest (a platform manifest of an index, a signature…). */
export function atDigest(ref: Reference, digest: string): DigestReference {
  return digestReference(repositoryOf(ref), digest);
}

/** Where cosign's legacy format keeps an artifact's signatures or attestations: "host/repo:sha256-<hex>.sig|.att". */
export function attachmentTag(ref: DigestReference, kind: 'sig' | 'att'): string {
  return `${repositoryOf(ref)}:${ref.digest.replace(':', '-')}.${kind}`;
}

export interface RegistryTarget {
  registry: string;
  namespace: string;
}

/** Parses the pipeline's --registry "host[:port][/namespace]" (no tag, no digest). */
export function parseRegistryTarget(input: string): RegistryTarget {
  const raw = input.trim().replace(/\/+$/, '');
  if (raw.includes('://')) {
    throw new InvalidReferenceError(`malformed registry "${input}": drop the scheme; write host[:port]/namespace`);
  }
  const [registry = '', ...parts] = raw.split('/');
  const namespace = parts.join('/');
  if (!looksLikeHost(registry) || !HOST.test(registry)) {
    throw new InvalidReferenceError(`malformed registry "${input}": "${registry}" is not a registry host; write host[:port]/namespace (e.g. ghcr.io/owner)`);
  }
  if (raw.length > 200) {
    throw new InvalidReferenceError(
      `malformed registry "${input.slice(0, 40)}…": ${raw.length} characters leaves no room for the artifact names (registries take at most 255)`,
    );
  }
  for (const component of parts) {
    if (!PATH_COMPONENT.test(component)) {
      throw new InvalidReferenceError(`malformed registry "${input}": namespace component "${component}" must be lowercase letters, digits and separators`);
    }
  }
  return { registry, namespace };
}

/** "host/ns/name" for an artifact name under a registry target. */
export function repositoryIn(target: RegistryTarget, name: string): string {
  return [target.registry, target.namespace, name].filter(Boolean).join('/');
}

/** OCI tags allow [A-Za-z0-9_.-]: SemVer's "+" becomes "_", as helm does. */
export function versionTag(version: string): string {
  return version.replace(/\+/g, '_');
}

export interface RegistryAccess {
  /** Reach the registry over plain HTTP (loopback registries always are). */
  plainHttp?: boolean;
}

/** True for loopback registries, which cosign, crane and helm reach over plain HTTP. */
export function isLoopbackRegistry(registry: string): boolean {
  const host = registry.replace(/:[0-9]+$/, '').replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
