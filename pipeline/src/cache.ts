// Content-addressed step cache: a step whose inputs hash the same as last time can skip its work.
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { PipelineError } from '@release-pipeline/core/errors.js';

/** The sha256 (hex) of one file's contents: what a lockfile is recorded and checked by. */
export async function sha256File(path: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(path))
    .digest('hex');
}

/** sha256 over the paths and contents of every file under the given roots (sorted; skips names in `ignore`). */
export async function hashInputs(base: string, roots: readonly string[], ignore: readonly string[] = ['node_modules', 'dist', '.DS_Store']): Promise<string> {
  const hash = createHash('sha256');
  const visit = async (path: string): Promise<void> => {
    const st = await stat(path).catch(() => null);
    if (!st) return;
    if (st.isDirectory()) {
      for (const name of (await readdir(path)).sort()) if (!ignore.includes(name)) await visit(join(path, name));
    } else if (st.isFile()) {
      hash.update(`${relative(base, path)}\0${st.mode & 0o111 ? 'x' : '-'}\0`);
      hash.update(await readFile(path));
      hash.update('\0');
    }
  };
  for (const r of roots) await visit(join(base, r));
  return hash.digest('hex');
}

export class StepCache {
  constructor(private readonly dir: string) {}

  private path(step: string): string {
    return join(this.dir, `${step}.stamp`);
  }

  async hit(step: string, key: string): Promise<boolean> {
    return (await readFile(this.path(step), 'utf8').catch(() => '')) === key;
  }

  async record(step: string, key: string): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await writeFile(this.path(step), key);
  }
}

/** A cache folder's name part for something made once per digest: the first 24 hex digits of it. */
export const digestCacheKey = (digest: string): string => digest.slice('sha256:'.length, 'sha256:'.length + 24);

/**
 * A folder in the cache that is either absent or complete. `build` fills a private partial folder
 * that is then renamed into place (atomic): concurrent runs never see half of one, and when two
 * build the same key at once the first rename wins and the other's copy (the same content) is dropped.
 */
export async function cachedDirectory(dir: string, build: (partial: string) => Promise<void>): Promise<{ dir: string; built: boolean }> {
  if (await exists(dir)) return { dir, built: false };
  const partial = `${dir}.partial-${process.pid}-${randomUUID().slice(0, 8)}`;
  await mkdir(partial, { recursive: true });
  try {
    await build(partial);
    await rename(partial, dir).catch(async (err: unknown) => {
      if (!(await exists(dir))) throw new PipelineError('environment', `could not move ${partial} into the cache at ${dir}`, { cause: err });
    });
    return { dir, built: true };
  } finally {
    await rm(partial, { recursive: true, force: true });
  }
}

export function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
