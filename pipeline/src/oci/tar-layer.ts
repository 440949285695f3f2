// Deterministic layer tarballs: sorted entries, one fixed mtime, fixed owner, normalized modes,
// and gzip with fixed settings, so the same files always give the same digest.
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip, constants as zlib } from 'node:zlib';
import { pack } from 'tar-stream';

export type LayerEntry =
  | { type: 'directory'; path: string; mode?: number }
  | { type: 'file'; path: string; mode?: number; content: Buffer }
  | { type: 'file-from'; path: string; mode?: number; source: string }
  | { type: 'symlink'; path: string; target: string };

export interface LayerOwnership {
  uid: number;
  gid: number;
  /** Seconds since the epoch, for every entry. */
  mtime: number;
}

export interface WrittenLayer {
  path: string;
  /** sha256 of the gzip blob. */
  digest: string;
  /** sha256 of the uncompressed tar. */
  diffId: string;
  size: number;
}

class Hasher extends Transform {
  readonly hash = createHash('sha256');
  bytes = 0;
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    done(null, chunk);
  }
}

/** Files get 0644 (0755 when any execute bit is set), directories 0755. */
export function normalizedMode(type: 'file' | 'directory', mode = 0o644): number {
  if (type === 'directory') return 0o755;
  return mode & 0o111 ? 0o755 : 0o644;
}

/** Every parent directory of the entries is listed too, and entries are sorted by path. */
export function completeAndSort(entries: readonly LayerEntry[]): LayerEntry[] {
  const byPath = new Map<string, LayerEntry>();
  for (const e of entries) {
    const clean = posix.normalize(e.path).replace(/^\/+/, '').replace(/\/+$/, '');
    byPath.set(clean, { ...e, path: clean });
    let dir = posix.dirname(clean);
    while (dir !== '.' && dir !== '/' && !byPath.has(dir)) {
      byPath.set(dir, { type: 'directory', path: dir });
      dir = posix.dirname(dir);
    }
  }
  return [...byPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

export async function writeLayer(entries: readonly LayerEntry[], out: string, own: LayerOwnership): Promise<WrittenLayer> {
  const tar = pack();
  const tarHash = new Hasher();
  const gzHash = new Hasher();
  const mtime = new Date(own.mtime * 1000);
  const header = { uid: own.uid, gid: own.gid, uname: '', gname: '', mtime };
  const done = pipeline(tar, tarHash, createGzip({ level: 6, memLevel: 8, strategy: zlib.Z_DEFAULT_STRATEGY }), gzHash, createWriteStream(out));

  const add = (h: Parameters<typeof tar.entry>[0], body?: Buffer) =>
    new Promise<void>((resolve, reject) => {
      const callback = (err?: Error | null) => (err ? reject(err) : resolve());
      if (body) tar.entry(h, body, callback);
      else tar.entry(h, callback);
    });
  for (const e of completeAndSort(entries)) {
    switch (e.type) {
      case 'directory':
        await add({ ...header, name: `${e.path}/`, type: 'directory', mode: normalizedMode('directory') });
        break;
      case 'file':
        await add({ ...header, name: e.path, type: 'file', mode: normalizedMode('file', e.mode) }, e.content);
        break;
      case 'file-from':
        await add({ ...header, name: e.path, type: 'file', mode: normalizedMode('file', e.mode) }, await readFile(e.source));
        break;
      case 'symlink':
        await add({ ...header, name: e.path, type: 'symlink', linkname: e.target, mode: 0o777 });
        break;
    }
  }
  tar.finalize();
  await done;
  return {
    path: out,
    digest: `sha256:${gzHash.hash.digest('hex')}`,
    diffId: `sha256:${tarHash.hash.digest('hex')}`,
    size: gzHash.bytes,
  };
}

/** Lists a directory tree as layer entries under `prefix` (symlinks kept as links). */
export async function entriesFromDirectory(dir: string, prefix: string, skip: (relative: string) => boolean = () => false): Promise<LayerEntry[]> {
  const out: LayerEntry[] = [];
  const walk = async (rel: string): Promise<void> => {
    const names = (await readdir(join(dir, rel))).sort();
    for (const name of names) {
      const relative = rel ? `${rel}/${name}` : name;
      if (skip(relative)) continue;
      const full = join(dir, relative);
      const st = await lstat(full);
      const path = posix.join(prefix, relative);
      if (st.isSymbolicLink()) out.push({ type: 'symlink', path, target: await readlink(full) });
      else if (st.isDirectory()) {
        out.push({ type: 'directory', path });
        await walk(relative);
      } else if (st.isFile()) out.push({ type: 'file-from', path, source: full, mode: st.mode });
    }
  };
  await walk('');
  return out;
}
