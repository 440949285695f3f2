// Step 1: compile the service (app/src) with its own TypeScript, into a folder named by the hash of
// its sources in the cache. Concurrent runs never see each other's half-written output, and an
// unchanged source tree is never compiled twice.
import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { hashInputs } from '../cache.js';
import type { StepContext } from '../context.js';
import { run } from '../exec.js';
import { exists } from '../oci/layout.js';
import { noted, type Noted } from '../progress.js';

export const APP_BUILD_INPUTS = ['app/src', 'app/package.json', 'app/package-lock.json', 'app/tsconfig.build.json', 'tsconfig.base.json'];

/** Resolves with the folder holding the compiled app (what goes to /app/dist in the image). */
export async function buildApp(ctx: StepContext): Promise<Noted<string>> {
  const app = join(ctx.root, 'app');
  const key = (await hashInputs(ctx.root, APP_BUILD_INPUTS)).slice(0, 32);
  const dist = join(ctx.out.cache, `app-dist-${key}`);
  if (await exists(join(dist, 'main.js'))) return noted(dist, 'cached: sources unchanged');
  const tsc = join(app, 'node_modules', 'typescript', 'bin', 'tsc');
  if (!(await exists(tsc))) throw new Error("app dependencies are not installed; run 'npm run bootstrap' (it runs npm ci in app/)");
  const partial = `${dist}.partial-${process.pid}`;
  await rm(partial, { recursive: true, force: true });
  await run(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', partial], { cwd: app });
  await rename(partial, dist).catch(() => rm(partial, { recursive: true, force: true }));
  return noted(dist, 'compiled');
}
