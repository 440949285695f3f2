// `npm run registry`: serves the embedded registry's storage (.out/registry) on the same address
// the pipeline used, so the references in .out/release.json keep working. Ctrl-C stops it.
import { outPaths } from './paths.js';
import { defaultRegistryPort, startLocalRegistry } from './registry/local-registry.js';

try {
  const registry = await startLocalRegistry({ storageDir: outPaths().registry, port: defaultRegistryPort(), log: (l) => process.stderr.write(`${l}\n`) });
  process.stderr.write(`registry: serving ${outPaths().registry} on http://${registry.address} (Ctrl-C to stop)\n`);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void registry.stop().then(() => process.exit(0)));
  }
} catch (err) {
  process.stderr.write(`registry: ${(err as Error).message}\n`);
  process.exit(1);
}
