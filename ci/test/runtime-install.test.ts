// The Dagger TypeScript runtime's install of this module, replayed: it rewrites package.json
// (drops @dagger.io/dagger, which it supplies itself; adds typescript 5.9.3 to dependencies when
// dependencies lack it) and runs `npm install --omit=dev`. Then every package the module's sources
// import, and typescript (the SDK's entry point imports it), must resolve from what was installed.
import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';

const exec = promisify(execFile);
const ci = fileURLToPath(new URL('..', import.meta.url));
const RUNTIME_TYPESCRIPT = '5.9.3';

interface PackageJson {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

/** What the runtime does to package.json before installing. */
function rewriteAsRuntime(pkg: PackageJson): PackageJson {
  const out: PackageJson = { ...pkg, dependencies: { ...pkg.dependencies }, devDependencies: { ...pkg.devDependencies } };
  delete out.dependencies!['@dagger.io/dagger'];
  delete out.devDependencies!['@dagger.io/dagger'];
  if (!out.dependencies!.typescript) out.dependencies!.typescript = RUNTIME_TYPESCRIPT;
  return out;
}

/** Bare package names imported by the module's sources (what TypeScript itself finds in them). */
async function importedPackages(): Promise<string[]> {
  const names = new Set<string>();
  for (const f of (await readdir(join(ci, 'src'), { recursive: true })).filter((x) => x.endsWith('.ts'))) {
    const info = ts.preProcessFile(await readFile(join(ci, 'src', f), 'utf8'), true, true);
    for (const { fileName } of info.importedFiles) {
      if (fileName.startsWith('.') || fileName.startsWith('node:')) continue;
      names.add(fileName.startsWith('@') ? fileName.split('/').slice(0, 2).join('/') : fileName.split('/')[0]!);
    }
  }
  return [...names].sort();
}

let dir: string;
let imported: string[];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dagger-runtime-install-'));
  const pkg = JSON.parse(await readFile(join(ci, 'package.json'), 'utf8')) as PackageJson;
  await writeFile(join(dir, 'package.json'), JSON.stringify(rewriteAsRuntime(pkg), null, 2));
  await copyFile(join(ci, 'package-lock.json'), join(dir, 'package-lock.json'));
  await exec('npm', ['install', '--omit=dev', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir });
  imported = await importedPackages();
}, 180_000);

describe('the module installed as the Dagger runtime installs it', () => {
  it('imports only what it declares as dependencies (besides the SDK the runtime supplies)', async () => {
    const pkg = JSON.parse(await readFile(join(ci, 'package.json'), 'utf8')) as PackageJson;
    expect(imported).toContain('@dagger.io/dagger');
    for (const name of imported.filter((n) => n !== '@dagger.io/dagger')) expect(Object.keys(pkg.dependencies ?? {}), name).toContain(name);
  });

  it('every import, and typescript for the SDK entry point, resolves from the installed packages', async () => {
    const wanted = [...imported.filter((n) => n !== '@dagger.io/dagger'), 'typescript'];
    const script = wanted.map((n) => `await import(${JSON.stringify(n)});`).join('\n');
    const { stdout } = await exec(process.execPath, ['--input-type=module', '-e', `${script}\nconsole.log('ok')`], { cwd: dir });
    expect(stdout.trim()).toBe('ok');
  });

  it('installs the typescript the runtime expects (its fast path), not a dev-only one that --omit=dev drops', async () => {
    const installed = JSON.parse(await readFile(join(dir, 'node_modules', 'typescript', 'package.json'), 'utf8')) as { version: string };
    expect(installed.version).toBe(RUNTIME_TYPESCRIPT);
  });
});
