// Before any test: compile the pipeline CLI, so every test that runs it runs the current code in the
// very form the Dagger module's toolbox runs (pipeline/dist/cli.mjs); and make the one cache this
// run's suites share (the forked workers inherit it), removed when the run ends.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  execFileSync(process.execPath, ['scripts/build-cli.mjs'], { stdio: 'inherit' });
  const cache = mkdtempSync(join(tmpdir(), 'pipeline-test-cache-'));
  process.env.PIPELINE_TEST_CACHE = cache;
  return () => rmSync(cache, { recursive: true, force: true });
}
