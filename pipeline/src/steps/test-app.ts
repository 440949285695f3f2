// Step 2: run the service's test suite against the real server.
import { copyFile, cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { hashInputs } from '../cache.js';
import type { StepContext } from '../context.js';
import { run } from '../exec.js';
import { cached, noted, type Noted } from '../progress.js';
import { APP_BUILD_INPUTS } from '../artifacts.js';

/**
 * Runs app/test. The process tests start the bundle that goes into the image (`dist`), laid out as
 * in the image (dist/ beside package.json) in a folder of its own, removed afterwards.
 */
export async function testApp(ctx: StepContext, dist: string): Promise<Noted<void>> {
  const key = await hashInputs(ctx.root, [...APP_BUILD_INPUTS, 'app/test', 'vitest.config.ts']);
  if (await ctx.cache.hit('test', key)) return cached(undefined, 'passed on these sources');
  const vitest = join(ctx.root, 'node_modules', 'vitest', 'vitest.mjs');
  await mkdir(ctx.out.work, { recursive: true });
  const appRoot = await mkdtemp(join(ctx.out.work, 'app-under-test-'));
  let stdout: string;
  try {
    await cp(dist, join(appRoot, 'dist'), { recursive: true });
    await copyFile(join(ctx.root, 'app', 'package.json'), join(appRoot, 'package.json'));
    // --no-isolate: the files share one module graph per worker (they keep no state between them),
    // a second off every changed build; `npm test` runs the same files isolated.
    ({ stdout } = await run(process.execPath, [vitest, 'run', 'app/test', '--reporter=dot', '--no-isolate'], {
      cwd: ctx.root,
      env: { ...process.env, CI: '1', APP_ROOT: appRoot },
      ownProcessGroup: true, // the service processes the tests start stop with the runner
    }));
  } finally {
    await rm(appRoot, { recursive: true, force: true });
  }
  await ctx.cache.record('test', key);
  const summary = stripVTControlCharacters(stdout)
    .match(/Tests\s+(.+)/)?.[1]
    ?.trim();
  return noted(undefined, summary ?? 'passed');
}
