// `npm run pipeline | verify | registry`: runs the compiled pipeline CLI (pipeline/dist/cli.mjs) in
// this very process. Before that, only when something is missing or older than its sources (the
// bundle, the npm packages, a pinned tool), it runs the bootstrap; otherwise it costs a few stats.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
// Relative, not by package name: this runs before the npm packages (and the workspace links) exist.
import { toolsDir } from '../pipeline/locations.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bundle = join(root, 'pipeline', 'dist', 'cli.mjs');
const tools = toolsDir();

function newest(path) {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  return readdirSync(path).reduce((m, name) => Math.max(m, newest(join(path, name))), st.mtimeMs);
}

// `--sigstore local` also needs the Sigstore services (scope "sigstore" in tools.lock).
const scopes = process.argv.includes('--sigstore') ? ['runtime', 'sigstore'] : ['runtime'];

function missingTools() {
  const pins = readFileSync(join(root, 'tools.lock'), 'utf8')
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter(([name]) => name && !name.startsWith('#'));
  const toolchain = pins.find((p) => p[3] === 'toolchain')?.[2];
  for (const [name, pkg, version, scope] of pins) {
    if (!scopes.includes(scope)) continue;
    // The stamp scripts/install-tools.sh writes: the module at its version, by which Go (and the
    // link-time flags it builds a tool with, which that script checks itself).
    const stamp = join(tools, `.${name}.version`);
    const built = existsSync(stamp) ? readFileSync(stamp, 'utf8').trim() : '';
    if (built !== `${pkg}@${version} ${toolchain}` && !built.startsWith(`${pkg}@${version} ${toolchain} `))
      return `${name} ${version} is not installed in ${tools}`;
  }
  return undefined;
}

function stale() {
  if (!existsSync(bundle)) return 'the pipeline CLI is not built';
  const built = statSync(bundle).mtimeMs;
  for (const src of ['pipeline/src', 'pipeline/package.json', 'ci/src/core', 'package-lock.json']) if (newest(join(root, src)) > built) return `${src} changed`;
  for (const dir of ['.', 'app']) {
    const sum = createHash('sha256')
      .update(readFileSync(join(root, dir, 'package-lock.json')))
      .digest('hex');
    const stamp = join(root, dir, 'node_modules', '.bootstrap-lock-sha256');
    if (!existsSync(stamp) || readFileSync(stamp, 'utf8').trim() !== sum) return `${dir}/node_modules is not installed for its lockfile`;
  }
  const tool = missingTools();
  if (tool) return tool;
  return undefined;
}

const why = stale();
if (why) {
  process.stderr.write(`bootstrap: ${why}\n`);
  const r = spawnSync('bash', [join(root, 'scripts', 'bootstrap.sh')], { stdio: 'inherit', env: { ...process.env, BOOTSTRAP_PROFILE: 'runtime' } });
  if (r.status !== 0) process.exit(r.status ?? 1);
  if (scopes.includes('sigstore') && missingTools()) {
    const t = spawnSync('bash', [join(root, 'scripts', 'install-tools.sh')], { stdio: 'inherit', env: { ...process.env, TOOLS_SCOPE: 'sigstore' } });
    if (t.status !== 0) process.exit(t.status ?? 1);
  }
}
// The local Sigstore's transparency log keeps its trees in Debian's MariaDB server.
if (scopes.includes('sigstore')) {
  const s = spawnSync('bash', [join(root, 'scripts', 'system-packages.sh')], { stdio: 'inherit' });
  if (s.status !== 0) process.exit(s.status ?? 1);
}
await import(pathToFileURL(bundle).href);
