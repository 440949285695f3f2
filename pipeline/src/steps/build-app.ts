// Step 1: build the service (app/build.mjs: app/src bundled with its dependencies by esbuild, one
// file per entry point, no node_modules), into a cache folder named by the hash of its sources: an
// unchanged source tree is never built twice, and concurrent runs never see each other's half-written output.
import { join } from 'node:path';
import { cachedDirectory, exists, hashInputs } from '../cache.js';
import { APP_BUILD_INPUTS } from '../artifacts.js';
import type { StepContext } from '../context.js';
import { run } from '../exec.js';
import { notedAs, type Noted } from '../progress.js';
import { PipelineError } from '@release-pipeline/core/errors.js';

/** Resolves with the folder holding the compiled app (what goes to /app/dist in the image). */
export async function buildApp(ctx: StepContext): Promise<Noted<string>> {
  const app = join(ctx.root, 'app');
  const key = (await hashInputs(ctx.root, APP_BUILD_INPUTS)).slice(0, 32);
  const esbuild = join(app, 'node_modules', 'esbuild', 'package.json');
  const { dir, built } = await cachedDirectory(join(ctx.out.cache, `app-dist-${key}`), async (partial) => {
    if (!(await exists(esbuild)))
      throw new PipelineError('environment', "app dependencies are not installed; run 'npm run bootstrap' (it runs npm ci in app/)");
    await run(process.execPath, ['build.mjs', partial], { cwd: app });
  });
  return notedAs(built, dir, built ? 'bundled' : 'sources unchanged');
}
