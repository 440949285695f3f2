// Step 3b: the app's one layer: the bundled service (dist/, no node_modules: the bundle carries its
// dependencies) and package.json, owned by the app user, with the commit time as every mtime.
import { join } from 'node:path';
import { APP_DIR, APP_UID, type LayerInfo } from '@release-pipeline/core/image-config.js';
import { MediaType } from '@release-pipeline/core/oci.js';
import type { StepContext } from '../context.js';
import { entriesFromDirectory, writeLayer } from './tar-layer.js';

const DIR = APP_DIR.replace(/^\//, '');

export interface WrittenAppLayer extends LayerInfo {
  path: string;
}

export async function appLayers(ctx: StepContext, dist: string, workDir: string, mtime: number): Promise<WrittenAppLayer[]> {
  const entries = [
    ...(await entriesFromDirectory(dist, `${DIR}/dist`)),
    { type: 'file-from' as const, path: `${DIR}/package.json`, source: join(ctx.root, 'app', 'package.json') },
  ];
  const w = await writeLayer(entries, join(workDir, 'app.tar.gz'), { uid: APP_UID, gid: APP_UID, mtime });
  return [
    {
      path: w.path,
      diffId: w.diffId,
      descriptor: { mediaType: MediaType.layerGzip, digest: w.digest, size: w.size },
      createdBy: `COPY app/dist (bundled) app/package.json ${APP_DIR}/`,
    },
  ];
}
