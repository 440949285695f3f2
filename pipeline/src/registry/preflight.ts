// Before any work: can the target registry be reached at all? A typo in --registry should cost a
// second, not a build.
import { isLoopbackRegistry } from '../../../ci/src/core/reference.js';

export async function checkRegistryReachable(registry: string): Promise<void> {
  const scheme = isLoopbackRegistry(registry) ? 'http' : 'https';
  try {
    const res = await fetch(`${scheme}://${registry}/v2/`, { signal: AbortSignal.timeout(10_000) });
    if (res.status !== 200 && res.status !== 401) {
      throw new Error(`${scheme}://${registry}/v2/ answered ${res.status}; is it an OCI registry?`);
    }
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
    throw new Error(`cannot reach the registry ${registry} (${cause}); check --registry, or start the registry first`);
  }
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
