// Paths read from a provenance statement are claims, not instructions: a lockfile the rebuild
// installs must name a package-lock.json inside the checked-out source. Pure.

export class UnconfinedPathError extends Error {
  override name = 'UnconfinedPathError';
  readonly code = 'unconfined-path';
}

/** The lockfile path, when it is a plain relative path to a package-lock.json inside the source; else why not. */
export function confinedLockfile(path: string): string {
  const refuse = (why: string): never => {
    throw new UnconfinedPathError(`the provenance names the lockfile ${JSON.stringify(path)}, which ${why}: refused`);
  };
  if (!/^[A-Za-z0-9._/-]+$/.test(path)) refuse('has characters no lockfile path of this repository has');
  if (path.startsWith('/')) refuse('is absolute');
  const parts = path.split('/');
  if (parts.some((p) => p === '..' || p === '.' || p === '')) refuse('leaves or bends its folder (.., ., //)');
  if (parts.at(-1) !== 'package-lock.json') refuse('is not a package-lock.json');
  return path;
}

/** Is `real` (a resolved path) inside the folder `root` (resolved)? */
export function isInside(root: string, real: string): boolean {
  return real === root || real.startsWith(root.endsWith('/') ? root : `${root}/`);
}
