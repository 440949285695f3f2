// Paths read from a provenance statement are claims, not instructions: a lockfile the rebuild
// installs must name a package-lock.json inside the checked-out source, reached without a symlink.
import { lstat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { PipelineError } from '@release-pipeline/core/errors.js';

export class UnconfinedPathError extends PipelineError {
  override name = 'UnconfinedPathError';
  constructor(message: string) {
    super('unconfined-path', message);
  }
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

/** Refuses a node_modules the revision commits, and a symlink on the way from the source to it. */
export async function refuseCommittedLinks(root: string, packageDir: string, modules: string, revision: string): Promise<void> {
  const isLink = async (p: string) => (await lstat(p).catch(() => undefined))?.isSymbolicLink() ?? false;
  if (await lstat(modules).catch(() => undefined))
    throw new UnconfinedPathError(`${modules.slice(root.length + 1)} is committed at ${revision.slice(0, 12)}: refused (the install would empty it)`);
  for (let d = packageDir; isInside(root, d) && d !== root; d = dirname(d)) {
    if (await isLink(d)) throw new UnconfinedPathError(`${d.slice(root.length + 1)} is a symlink at ${revision.slice(0, 12)}: refused`);
  }
}
