// Builds the service for its image: src/main.ts and src/healthcheck.ts, each bundled with its
// dependencies into one ES module in the given folder (default dist/), so the image carries no
// node_modules. Type-checking is `tsc -p tsconfig.json` (npm run typecheck); this only emits.
// Deterministic: the same sources and lockfile give the same bytes.
import { build } from 'esbuild';

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
  minify: true,
  metafile: true,
  // Dependencies' licence notices, kept beside the bundle (dist/main.js.LEGAL.txt).
  legalComments: 'external',
  logLevel: 'warning',
});
if (process.env.APP_BUILD_REPORT) console.log(await (await import('esbuild')).analyzeMetafile(result.metafile));
