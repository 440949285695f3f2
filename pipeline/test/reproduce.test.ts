// `npm run reproduce`: from a release's verified provenance alone, the recorded revision is checked
// out and rebuilt, and both digests must match. The release is made from a commit of this very work
// tree (copied into a clone and committed), so the test holds whatever the code is now.
import { existsSync } from 'node:fs';
import { appendFile, mkdtemp, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReleaseSummary } from '@release-pipeline/core/release-summary.js';
import { CommandError, run } from '../src/exec.js';
import { projectRoot } from '../src/paths.js';
import type { Reproduction } from '../src/reproduce.js';
import { tool } from '../src/tools.js';
import { SHARED_CACHE, testRegistry, type CliRun } from './fixtures.js';

let clone: string;
let registry: Awaited<ReturnType<typeof testRegistry>>;
let release: ReleaseSummary;
let pub: string;

/** The compiled CLI of the clone, run from it. */
async function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  return run(process.execPath, [join(clone, 'pipeline', 'dist', 'cli.mjs'), ...args], { cwd: clone, env: { ...process.env, ...env } }).then(
    (r) => ({ code: 0, ...r }),
    (err: CommandError) => ({ code: err.exitCode, stdout: err.output, stderr: err.output }),
  );
}

/** Releases the clone's HEAD (or its work tree) into the test registry. */
async function releaseClone(namespace: string): Promise<ReleaseSummary> {
  const out = await mkdtemp(join(tmpdir(), 'reproduce-out-'));
  const r = await cli(['--registry', `${registry.address}/${namespace}`, '--base-image', 'host', '--skip-tests', '--json'], {
    PIPELINE_OUT_DIR: out,
    PIPELINE_CACHE_DIR: SHARED_CACHE,
  });
  if (r.code !== 0) throw new Error(r.stderr);
  pub = join(out, 'keys', 'cosign.pub');
  return JSON.parse(r.stdout) as ReleaseSummary;
}

beforeAll(async () => {
  clone = join(await mkdtemp(join(tmpdir(), 'reproduce-repo-')), 'repo');
  await run('git', ['clone', '--quiet', '--shared', projectRoot, clone]);
  // This work tree as it is, committed in the clone: its tracked and untracked (not ignored) files.
  const { stdout } = await run('git', ['-C', projectRoot, 'ls-files', '-z', '--cached', '--others', '--exclude-standard']);
  const files = stdout.split('\0').filter((f) => f && existsSync(join(projectRoot, f)));
  await run('sh', ['-c', 'tar -C "$1" --null -T - -cf - | tar -C "$2" -xf -', 'copy', projectRoot, clone], { input: files.join('\0') });
  await run('git', ['-C', clone, 'add', '-A']);
  await run('git', ['-C', clone, '-c', 'user.name=test', '-c', 'user.email=test@example.invalid', 'commit', '--quiet', '--allow-empty', '-m', 'snapshot']);
  for (const dir of ['.', 'app', 'ci']) await symlink(join(projectRoot, dir, 'node_modules'), join(clone, dir, 'node_modules'), 'dir');
  await run(process.execPath, ['scripts/build-cli.mjs'], { cwd: clone });
  registry = await testRegistry('reproduce');
  release = await releaseClone('clean');
}, 300_000);

afterAll(async () => registry?.stop());

describe('npm run reproduce', () => {
  it('rebuilds the recorded revision and gets the released image and chart digests', async () => {
    const r = await cli(['reproduce', release.chart.ref, '--key', pub, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as Reproduction;
    expect(result).toEqual({
      revision: release.revision,
      source: release.source,
      image: { released: release.image.digest, rebuilt: release.image.digest, matches: true },
      chart: { released: release.chart.digest, rebuilt: release.chart.digest, matches: true },
      matches: true,
    });
  });

  it('refuses a provenance it cannot trust: signed by another key', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'other-'));
    await run(tool('cosign'), ['generate-key-pair', '--output-key-prefix', join(dir, 'other')], { env: { ...process.env, COSIGN_PASSWORD: '' } });
    const r = await cli(['reproduce', release.chart.ref, '--key', join(dir, 'other.pub')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/reproduce: the chart has no valid SLSA provenance/);
  });

  it('a tag where a digest is required is a usage error', async () => {
    const r = await cli(['reproduce', `${registry.address}/clean/charts/koa-service:${release.version}`, '--key', pub]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/must be referenced by digest/);
  });

  it('a release built from uncommitted changes is said to be unreproducible, not rebuilt', async () => {
    await appendFile(join(clone, 'app', 'src', 'main.ts'), '\n// an uncommitted change\n');
    const dirty = await releaseClone('dirty');
    const r = await cli(['reproduce', dirty.chart.ref, '--key', pub]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/was built from a work tree with uncommitted changes: no revision holds its sources/);
  });
});
