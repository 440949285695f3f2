// Compiles the pipeline's command line (pipeline/src/cli.ts and everything it imports, the shared
// core in ci/src/core included) into pipeline/dist/cli.mjs and the chunks it loads: what `npm run
// pipeline` runs on a host and what the Dagger module runs in its toolbox container. Skipped when
// the sources hash the same as for the file already there.
import { createHash } from 'node:crypto';
import { readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outfile = join(root, 'pipeline', 'dist', 'cli.mjs');
const inputs = ['pipeline/src', 'pipeline/package.json', 'ci/src/core', 'package-lock.json', 'scripts/build-cli.mjs'];

async function files(path) {
  const full = join(root, path);
  const entries = await readdir(full, { withFileTypes: true }).catch(() => null);
  if (!entries) return [full];
  const nested = await Promise.all(entries.map((e) => files(join(path, e.name))));
  return nested.flat();
}

const hash = createHash('sha256');
for (const file of (await Promise.all(inputs.map(files))).flat().sort()) {
  hash
    .update(`${relative(root, file)}\0`)
    .update(await readFile(file))
    .update('\0');
}
const key = hash.digest('hex');
const stamp = `${outfile}.sha256`;
if ((await readFile(stamp, 'utf8').catch(() => '')) === key && (await readFile(outfile).catch(() => null))) {
  // Up to date: mark it so (scripts/cli.mjs compares modification times to decide on a rebuild).
  const now = new Date();
  await utimes(outfile, now, now);
  process.exit(0);
}

// Code split: each command's modules are a chunk loaded when it runs (see main() in cli.ts).
for (const old of await readdir(dirname(outfile)).catch(() => [])) if (old.startsWith('chunk-')) await rm(join(dirname(outfile), old));
await build({
  entryPoints: { cli: join(root, 'pipeline', 'src', 'cli.ts') },
  outdir: dirname(outfile),
  outExtension: { '.js': '.mjs' },
  splitting: true,
  chunkNames: 'chunk-[hash]',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  // Some dependencies still call require(); give the ESM bundle one.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  legalComments: 'none',
  // Smaller to parse at every start; names are kept so stack traces still read.
  minify: true,
  keepNames: true,
  logLevel: 'warning',
});
await writeFile(stamp, key);
console.error(`build-cli: ${relative(root, outfile)}`);
