// crane argument lists for the publishing steps: push an OCI layout by digest, tag last, read a
// manifest, pull a base image. Plain HTTP (`--insecure`) only when asked: crane already speaks
// HTTP to loopback registries. Pure.
import { formatDigestReference, type DigestReference, type RegistryAccess } from './reference.js';

const insecure = (access: RegistryAccess) => (access.plainHttp ? ['--insecure'] : []);

export function cranePushArgs(layoutDir: string, ref: DigestReference, access: RegistryAccess = {}): string[] {
  return ['push', ...insecure(access), layoutDir, formatDigestReference(ref)];
}

export function craneTagArgs(ref: DigestReference, tag: string, access: RegistryAccess = {}): string[] {
  return ['tag', ...insecure(access), formatDigestReference(ref), tag];
}

/** The manifest a reference names: by digest, or a tag (an attachment's, e.g. `sha256-….att`). */
export function craneManifestArgs(ref: DigestReference | string, access: RegistryAccess = {}): string[] {
  return ['manifest', ...insecure(access), typeof ref === 'string' ? ref : formatDigestReference(ref)];
}

/** A base image into an OCI layout (its registry is a public one: no plain-HTTP option). */
export function cranePullArgs(ref: DigestReference, layoutDir: string): string[] {
  return ['pull', '--format=oci', formatDigestReference(ref), layoutDir];
}
