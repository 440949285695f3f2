// A minimal Node base image made from this host's own runtime: the node binary, the shared
// libraries it links, CA certificates and an /etc/passwd with the non-root user 65532. It lets the
// pipeline run fully offline (and the tests run what they build); real releases use a pinned
// distroless/slim Node image instead (see ci/src/core/images.ts).
import { createHash } from 'node:crypto';
import { realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { APP_UID, APP_USER } from '@release-pipeline/core/image-config.js';
import { MediaType, type Descriptor, type ImageConfig, type ImageManifest } from '@release-pipeline/core/oci.js';
import { cachedDirectory } from '../cache.js';
import { run } from '../exec.js';
import { OciLayout } from './layout.js';
import { writeLayer, type LayerEntry } from './tar-layer.js';
import { PipelineError } from '@release-pipeline/core/errors.js';

const GOARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64' };
const CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';

/** The absolute paths of the shared objects `ldd` lists (the loader included). */
export function parseLdd(output: string): string[] {
  const paths = new Set<string>();
  for (const line of output.split('\n')) {
    const m = line.match(/=>\s+(\/\S+)\s+\(/) ?? line.match(/^\s*(\/\S+)\s+\(/);
    if (m) paths.add(m[1]!);
  }
  return [...paths].sort();
}

export interface HostBase {
  layout: OciLayout;
  /** The index descriptor in the layout's index.json. */
  descriptor: Descriptor;
  platform: string;
}

async function fingerprint(nodePath: string): Promise<string> {
  const st = await stat(nodePath);
  return createHash('sha256').update(`${nodePath}:${st.size}:${st.mtimeMs}:${process.version}:v1`).digest('hex').slice(0, 16);
}

/** Builds (or reuses from `cacheDir`) the host-runtime base image as an OCI layout. */
export async function hostBaseImage(cacheDir: string): Promise<HostBase> {
  const arch = GOARCH[process.arch];
  if (process.platform !== 'linux' || !arch) {
    throw new PipelineError(
      'environment',
      `the host base image needs Linux on x64 or arm64 (this is ${process.platform}/${process.arch}); pass --base-image <ref@sha256:…>`,
    );
  }
  const node = await realpath(process.execPath);
  const { dir } = await cachedDirectory(join(cacheDir, `host-base-${await fingerprint(node)}`), (partial) => build(partial, node, arch));
  const layout = new OciLayout(dir);
  const descriptor = (await layout.readIndex()).manifests[0]!;
  return { layout, descriptor, platform: `linux/${arch}` };
}

/** Writes the base image's OCI layout into `dir`: one layer with node, its libraries and CA certificates. */
async function build(dir: string, node: string, arch: string): Promise<void> {
  const layout = await OciLayout.create(dir);
  const libs = parseLdd((await run('ldd', [node])).stdout);
  const entries: LayerEntry[] = [
    { type: 'file-from', path: 'usr/local/bin/node', source: node, mode: 0o755 },
    ...(await Promise.all(libs.map(async (lib) => ({ type: 'file-from' as const, path: lib, source: await realpath(lib), mode: 0o755 })))),
    { type: 'file-from', path: CA_BUNDLE, source: CA_BUNDLE },
    {
      type: 'file',
      path: 'etc/passwd',
      content: Buffer.from(`root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:${APP_UID}:${APP_UID}:nonroot:/home/nonroot:/sbin/nologin\n`),
    },
    { type: 'file', path: 'etc/group', content: Buffer.from(`root:x:0:\nnonroot:x:${APP_UID}:\n`) },
    { type: 'file', path: 'etc/nsswitch.conf', content: Buffer.from('hosts: files dns\n') },
    { type: 'directory', path: 'home/nonroot' },
    { type: 'directory', path: 'tmp' },
  ];
  const tmp = join(dir, 'layer.tmp');
  const layer = await writeLayer(entries, tmp, { uid: 0, gid: 0, mtime: 0 });
  await layout.adoptFile(tmp, layer.digest);

  const config: ImageConfig = {
    architecture: arch,
    os: 'linux',
    created: '1970-01-01T00:00:00Z',
    config: {
      User: APP_USER,
      Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', `SSL_CERT_FILE=${CA_BUNDLE}`],
      Entrypoint: ['/usr/local/bin/node'],
      WorkingDir: '/home/nonroot',
      Labels: { 'org.opencontainers.image.description': `Node ${process.version} from the build host (offline base)` },
    },
    rootfs: { type: 'layers', diff_ids: [layer.diffId] },
    history: [{ created: '1970-01-01T00:00:00Z', created_by: `host node ${process.version} runtime`, comment: 'signed-release-pipeline host base' }],
  };
  const configDesc = await layout.putJson(MediaType.config, config);
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: MediaType.manifest,
    config: configDesc,
    layers: [{ mediaType: MediaType.layerGzip, digest: layer.digest, size: layer.size }],
  };
  const manifestDesc = await layout.putJson(MediaType.manifest, manifest);
  const indexDesc = await layout.putJson(MediaType.index, {
    schemaVersion: 2,
    mediaType: MediaType.index,
    manifests: [{ ...manifestDesc, platform: { architecture: arch, os: 'linux' } }],
  });
  await layout.writeIndex([indexDesc]);
}
