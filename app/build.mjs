// Builds the service for its image: src/main.ts and src/healthcheck.ts, each bundled with its
// dependencies into one ES module in the given folder (default dist/), so the image carries no
// node_modules. Type-checking is `tsc -p tsconfig.json` (npm run typecheck); this only emits.
// Deterministic: the same sources and lockfile give the same bytes.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';
import { bundledLock } from './bundled-lock.mjs';

const outdir = process.argv[2] ?? 'dist';
const result = await build({
  entryPoints: ['src/main.ts', 'src/healthcheck.ts'],
  outdir,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  // Some dependencies still call require(); give the bundle one.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  // debug's optional colour support: not an app dependency, and found only in the repository's
  // root node_modules (esbuild searches parent folders). Left out, debug's try/catch does without.
  external: ['supports-color'],
  minify: true,
  metafile: true,
  // Dependencies' licence notices, kept beside the bundle (dist/main.js.LEGAL.txt).
  legalComments: 'external',
  logLevel: 'warning',
});
// What the bundle carries, as a lockfile (the app's own, cut to the packages whose code esbuild
// took in): the image's SBOM scanner reads names, versions and licences from it.
const lock = JSON.parse(await readFile('package-lock.json', 'utf8'));
await writeFile(join(outdir, 'package-lock.json'), `${JSON.stringify(bundledLock(lock, Object.keys(result.metafile.inputs)), null, 2)}\n`);
if (process.env.APP_BUILD_REPORT) console.log(await (await import('esbuild')).analyzeMetafile(result.metafile));
