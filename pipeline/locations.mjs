// The Node side of scripts/locations.sh: where the pinned tools and the policy check's venv live
// for a clone, outside it (a test holds the two files equal). Plain JavaScript, so that
// scripts/cli.mjs uses it before anything is compiled; the pipeline CLI bundles it.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The machine's cache folder for this project ($XDG_CACHE_HOME or ~/.cache, then release-pipeline). */
export function cacheHome(env = process.env) {
  return join(env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache'), 'release-pipeline');
}

/** The tools folder for a tools.lock: one per set of pins (comments and spacing aside), shared by every clone with those pins. */
export function toolsDirFor(lockText, env = process.env) {
  const pins = String(lockText)
    .split('\n')
    .map((line) => line.trim().split(/\s+/).join(' '))
    .filter((line) => line && !line.startsWith('#'));
  const key = createHash('sha256')
    .update(pins.map((line) => `${line}\n`).join(''))
    .digest('hex')
    .slice(0, 16);
  return join(cacheHome(env), 'tools', key, 'bin');
}

/** Where `tool(name)` looks: $PIPELINE_TOOLS_DIR, else the folder for the tools.lock of `root`. */
export function toolsDir(env = process.env, root = projectRoot) {
  return env.PIPELINE_TOOLS_DIR || toolsDirFor(readFileSync(join(root, 'tools.lock'), 'utf8'), env);
}

/** Go's module and build caches of install-tools.sh: $GOMODCACHE and $GOCACHE, else the machine's own for this project. */
export function goCaches(env = process.env) {
  return { GOMODCACHE: env.GOMODCACHE || join(cacheHome(env), 'go-mod'), GOCACHE: env.GOCACHE || join(cacheHome(env), 'go-build') };
}

/** The Python venv of the policy check: $PIPELINE_VENV, else one per machine. */
export function venvDir(env = process.env) {
  return env.PIPELINE_VENV || join(cacheHome(env), 'venv');
}
