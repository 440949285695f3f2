// Step 3b: the app's layers: production node_modules (changes rarely) and dist/ + package.json.
import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import { APP_DIR, APP_UID, type LayerInfo } from '../../../ci/src/core/image-config.js';
import { MediaType } from '../../../ci/src/core/oci.js';
import { cachedDirectory, hashInputs } from '../cache.js';
import type { StepContext } from '../context.js';
import { run } from '../exec.js';
import { entriesFromDirectory, writeLayer } from '../oci/tar-layer.js';

const DIR = APP_DIR.replace(/^\//, '');

/** `npm ci --omit=dev` once per lockfile, cached. */
async function productionModules(ctx: StepContext): Promise<string> {
  const key = (await hashInputs(ctx.root, ['app/package.json', 'app/package-lock.json'])).slice(0, 24);
  const { dir } = await cachedDirectory(join(ctx.out.cache, `prod-modules-${key}`), async (partial) => {
    for (const f of ['package.json', 'package-lock.json']) await cp(join(ctx.root, 'app', f), join(partial, f));
    await run('npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: partial });
  });
  return join(dir, 'node_modules');
}

export interface WrittenAppLayer extends LayerInfo {
  path: string;
}

export async function appLayers(ctx: StepContext, dist: string, workDir: string, mtime: number): Promise<WrittenAppLayer[]> {
  const own = { uid: APP_UID, gid: APP_UID, mtime };
  const modules = await productionModules(ctx);
  const moduleEntries = await entriesFromDirectory(modules, `${DIR}/node_modules`, (rel) => rel === '.package-lock.json');
  const appEntries = [
    ...(await entriesFromDirectory(dist, `${DIR}/dist`)),
    { type: 'file-from' as const, path: `${DIR}/package.json`, source: join(ctx.root, 'app', 'package.json') },
  ];
  const layers: WrittenAppLayer[] = [];
  for (const [name, entries] of [
    ['node_modules', moduleEntries],
    ['app', appEntries],
  ] as const) {
    const w = await writeLayer(entries, join(workDir, `${name}.tar.gz`), own);
    layers.push({
      path: w.path,
      diffId: w.diffId,
      descriptor: { mediaType: MediaType.layerGzip, digest: w.digest, size: w.size },
      createdBy: name === 'app' ? `COPY app/dist app/package.json ${APP_DIR}/` : `npm ci --omit=dev → ${APP_DIR}/node_modules`,
    });
  }
  return layers;
}
