// scripts/locations.sh (bash: install-tools.sh, bootstrap.sh) and pipeline/locations.mjs (Node: the
// CLI, the tests) must name the same folders, with and without the caller's own settings.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { run } from '@release-pipeline/pipeline/exec.js';
import { goCaches, toolsDir, venvDir } from '@release-pipeline/pipeline/locations.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('locations', () => {
  it.each([
    { HOME: '/home/newcomer' },
    { HOME: '/home/newcomer', XDG_CACHE_HOME: '/var/cache/me' },
    { HOME: '/h', PIPELINE_TOOLS_DIR: '/opt/tools/bin', PIPELINE_VENV: '/opt/venv', GOMODCACHE: '/m', GOCACHE: '/b' },
  ])('bash and Node agree for %j', async (env) => {
    const { stdout } = await run(
      'bash',
      ['-c', 'source scripts/locations.sh && printf "%s\\n" "$PIPELINE_TOOLS_DIR" "$PIPELINE_VENV" "$GOMODCACHE" "$GOCACHE"'],
      {
        cwd: root,
        env: { PATH: process.env.PATH, ...env },
      },
    );
    expect(stdout.trim().split('\n')).toEqual([toolsDir(env, root), venvDir(env), goCaches(env).GOMODCACHE, goCaches(env).GOCACHE]);
    if (!('PIPELINE_TOOLS_DIR' in env))
      expect(toolsDir(env, root)).toMatch(new RegExp(`^${join(env.XDG_CACHE_HOME ?? `${env.HOME}/.cache`)}/release-pipeline/tools/[0-9a-f]{16}/bin$`));
  });
});
