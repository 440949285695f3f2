// Step 1: compile the service (app/src → app/dist) with its own TypeScript.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { hashInputs } from '../cache.js';
import type { StepContext } from '../context.js';
import { run } from '../exec.js';
import { exists } from '../oci/layout.js';
import { noted, type Noted } from '../progress.js';

export const APP_BUILD_INPUTS = ['app/src', 'app/package.json', 'app/package-lock.json', 'app/tsconfig.build.json', 'tsconfig.base.json'];

export async function buildApp(ctx: StepContext): Promise<Noted<void>> {
  const app = join(ctx.root, 'app');
  const key = await hashInputs(ctx.root, APP_BUILD_INPUTS);
  if ((await ctx.cache.hit('build', key)) && (await exists(join(app, 'dist', 'main.js')))) return noted(undefined, 'cached: sources unchanged');
  await rm(join(app, 'dist'), { recursive: true, force: true });
  const tsc = join(app, 'node_modules', 'typescript', 'bin', 'tsc');
  if (!(await exists(tsc))) throw new Error("app dependencies are not installed; run 'npm run bootstrap' (it runs npm ci in app/)");
  await run(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: app });
  await ctx.cache.record('build', key);
  return noted(undefined, 'app/dist');
}
