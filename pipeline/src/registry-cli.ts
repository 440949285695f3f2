// `npm run registry`: serves the embedded registry's storage (.out/registry) on the same address
// the pipeline used, so the references in .out/release.json keep working. Ctrl-C stops it.
import { onCleanup } from './cleanup.js';
import { outPaths } from './paths.js';
import { defaultRegistryPort, startLocalRegistry } from './registry/local-registry.js';

/** Serves until SIGINT/SIGTERM (the CLI's signal handler stops the registry and exits). */
export async function serveRegistry(): Promise<never> {
  const storage = outPaths().registry;
  const registry = await startLocalRegistry({ storageDir: storage, port: defaultRegistryPort(), log: (l) => process.stderr.write(`${l}\n`) });
  onCleanup(() => registry.stop());
  process.stderr.write(`registry: serving ${storage} on http://${registry.address} (Ctrl-C to stop)\n`);
  return new Promise<never>(() => undefined);
}
