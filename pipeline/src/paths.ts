// Where things live: the repository, and the pipeline's output folder (.out/, git-ignored).
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface OutPaths {
  root: string;
  registry: string;
  keys: string;
  cache: string;
  work: string;
  release: string;
}

export function outPaths(root = process.env.PIPELINE_OUT_DIR ?? join(projectRoot, '.out')): OutPaths {
  return {
    root,
    registry: join(root, 'registry'),
    keys: join(root, 'keys'),
    cache: process.env.PIPELINE_CACHE_DIR ?? join(root, 'cache'),
    work: join(root, 'work'),
    release: join(root, 'release.json'),
  };
}
