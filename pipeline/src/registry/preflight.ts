// Before any work: can the target registry be reached at all? A typo in --registry should cost a
// second, not a build.
import { isLoopbackRegistry, type RegistryAccess } from '../../../ci/src/core/reference.js';
import { registryStatus } from './probe.js';

export async function checkRegistryReachable(registry: string, access: RegistryAccess = {}): Promise<void> {
  const scheme = access.plainHttp || isLoopbackRegistry(registry) ? 'http' : 'https';
  const status = await registryStatus(registry, scheme, 10_000).catch((err: NodeJS.ErrnoException) => {
    throw new Error(`cannot reach the registry ${registry} (${err.code ?? err.message}); check --registry, or start the registry first`, { cause: err });
  });
  if (status !== 200 && status !== 401) throw new Error(`${scheme}://${registry}/v2/ answered ${status}; is it an OCI registry?`);
}

/** Adds the fix to a registry error that is about credentials. */
export function explainRegistryError(message: string, registry: string): string {
  if (/\b401\b|UNAUTHORIZED|authentication required|unauthorized/i.test(message)) {
    return `${message}\n(the registry ${registry} wants credentials: set REGISTRY_USERNAME and REGISTRY_PASSWORD, or log in with docker/crane)`;
  }
  if (/\b403\b|DENIED|forbidden/i.test(message)) {
    return `${message}\n(the credentials for ${registry} may not push there: check the account's permissions)`;
  }
  return message;
}
