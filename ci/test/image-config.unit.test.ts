import { describe, expect, it } from 'vitest';
import { appImageConfig, appImageSettings, imageIndex, imageManifest, nodeEntrypoint, selectPlatforms } from '@release-pipeline/core/image-config.js';
import { MediaType, type ImageConfig, type ImageIndex } from '@release-pipeline/core/oci.js';

const id = { title: 'koa-service', version: '1.2.3', revision: 'a'.repeat(40), source: 'https://github.com/o/r', created: '2026-01-02T03:04:05Z' };
const d = (c: string) => `sha256:${c.repeat(64)}`;

describe('app image settings', () => {
  it('runs node as 65532 from /app with release labels', () => {
    const s = appImageSettings(id, ['/nodejs/bin/node']);
    expect(s).toMatchObject({ user: '65532:65532', workdir: '/app', entrypoint: ['/nodejs/bin/node'], cmd: ['/app/dist/main.js'], exposedPort: 8080 });
    expect(s.env).toEqual({ NODE_ENV: 'production', APP_VERSION: '1.2.3', GIT_REVISION: id.revision, PORT: '8080' });
    expect(s.labels['org.opencontainers.image.revision']).toBe(id.revision);
  });
  it('uses the base entrypoint only when it is node', () => {
    expect(nodeEntrypoint(['/usr/local/bin/node'])).toEqual(['/usr/local/bin/node']);
    expect(nodeEntrypoint(['docker-entrypoint.sh'])).toEqual(['node']);
    expect(nodeEntrypoint(undefined)).toEqual(['node']);
  });
});

describe('image config and manifests', () => {
  const base: ImageConfig = {
    architecture: 'arm64',
    os: 'linux',
    config: { Env: ['PATH=/bin', 'NODE_ENV=development'], Entrypoint: ['/nodejs/bin/node'], Labels: { base: 'yes' } },
    rootfs: { type: 'layers', diff_ids: [d('1')] },
    history: [{ created_by: 'base' }],
    container_config: {},
  };
  const layer = { descriptor: { mediaType: MediaType.layerGzip, digest: d('3'), size: 10 }, diffId: d('2'), createdBy: 'COPY' };

  it('layers the app on the base config', () => {
    const cfg = appImageConfig(base, appImageSettings(id, base.config?.Entrypoint), [layer], id.created);
    expect(cfg.rootfs.diff_ids).toEqual([d('1'), d('2')]);
    expect(cfg.config?.Env).toEqual(['PATH=/bin', 'NODE_ENV=production', 'APP_VERSION=1.2.3', `GIT_REVISION=${id.revision}`, 'PORT=8080']);
    expect(cfg.config?.Labels).toMatchObject({ base: 'yes', 'org.opencontainers.image.version': '1.2.3' });
    expect(cfg.config?.ExposedPorts).toEqual({ '8080/tcp': {} });
    expect(cfg.history).toHaveLength(2);
    expect(cfg.created).toBe(id.created);
    expect('container_config' in cfg).toBe(false);
    expect(cfg.architecture).toBe('arm64');
  });
  it('writes OCI manifests even over Docker-typed base layers', () => {
    const m = imageManifest(
      { mediaType: MediaType.config, digest: d('4'), size: 5 },
      [{ mediaType: MediaType.dockerLayerGzip, digest: d('5'), size: 6 }],
      [layer],
      { a: 'b' },
    );
    expect(m.mediaType).toBe(MediaType.manifest);
    expect(m.layers.map((l) => l.mediaType)).toEqual([MediaType.layerGzip, MediaType.layerGzip]);
    expect(imageIndex([], {}).mediaType).toBe(MediaType.index);
  });
  it('keeps linux/amd64 and linux/arm64 from a base index', () => {
    const index: ImageIndex = {
      schemaVersion: 2,
      mediaType: MediaType.index,
      manifests: [
        { mediaType: MediaType.manifest, digest: d('a'), size: 1, platform: { os: 'linux', architecture: 'amd64' } },
        { mediaType: MediaType.manifest, digest: d('b'), size: 1, platform: { os: 'linux', architecture: 's390x' } },
        { mediaType: MediaType.manifest, digest: d('c'), size: 1, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
        { mediaType: MediaType.manifest, digest: d('e'), size: 1, platform: { os: 'linux', architecture: 'arm64' } },
      ],
    };
    expect(selectPlatforms(index).map((m) => m.digest)).toEqual([d('a'), d('e')]);
    expect(() => selectPlatforms({ ...index, manifests: [index.manifests[1]!] })).toThrow(/offers none of linux\/amd64, linux\/arm64 \(it has: linux\/s390x\)/);
  });
});
