// Content-addressed step cache: a step whose inputs hash the same as last time can skip its work.
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';

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
