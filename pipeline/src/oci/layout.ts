// An OCI image layout on disk (oci-layout, index.json, blobs/sha256/…): how images travel between
// our steps and crane, which pulls and pushes layouts.
import { createHash } from 'node:crypto';
import { copyFile, link, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exists } from '../cache.js';
import { canonicalJson, MediaType, type Descriptor, type ImageIndex } from '@release-pipeline/core/oci.js';

export class OciLayout {
  constructor(readonly dir: string) {}

  static async create(dir: string): Promise<OciLayout> {
    await rm(dir, { recursive: true, force: true });
    await mkdir(join(dir, 'blobs', 'sha256'), { recursive: true });
    await writeFile(join(dir, 'oci-layout'), canonicalJson({ imageLayoutVersion: '1.0.0' }));
    return new OciLayout(dir);
  }

  blobPath(digest: string): string {
    return join(this.dir, 'blobs', ...digest.split(':'));
  }

  async putBytes(bytes: Buffer): Promise<{ digest: string; size: number }> {
    const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    await writeFile(this.blobPath(digest), bytes);
    return { digest, size: bytes.length };
  }

  async putJson(mediaType: string, value: unknown): Promise<Descriptor> {
    const { digest, size } = await this.putBytes(Buffer.from(canonicalJson(value), 'utf8'));
    return { mediaType, digest, size };
  }

  /** Moves a finished blob file in under its digest. */
  async adoptFile(path: string, digest: string): Promise<void> {
    await rename(path, this.blobPath(digest));
  }

  /** Brings a blob over from another layout (a hard link when possible). */
  async takeBlob(from: OciLayout, digest: string): Promise<void> {
    const target = this.blobPath(digest);
    if (await exists(target)) return;
    await link(from.blobPath(digest), target).catch(() => copyFile(from.blobPath(digest), target));
  }

  async readJson<T>(digest: string): Promise<T> {
    return JSON.parse(await readFile(this.blobPath(digest), 'utf8')) as T;
  }

  async writeIndex(manifests: Descriptor[]): Promise<void> {
    const index: ImageIndex = { schemaVersion: 2, mediaType: MediaType.index, manifests };
    await writeFile(join(this.dir, 'index.json'), canonicalJson(index));
  }

  async readIndex(): Promise<ImageIndex> {
    return JSON.parse(await readFile(join(this.dir, 'index.json'), 'utf8')) as ImageIndex;
  }
}
