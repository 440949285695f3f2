// Before any work: can the target registry be reached at all? A typo in --registry should cost a
// second, not a build.
import { isLoopbackRegistry, type RegistryAccess } from '@release-pipeline/core/reference.js';
import { CommandError, findCause, messageOf, PipelineError } from '@release-pipeline/core/errors.js';
import { registryStatus } from './probe.js';

export async function checkRegistryReachable(registry: string, access: RegistryAccess = {}): Promise<void> {
  const scheme = access.plainHttp || isLoopbackRegistry(registry) ? 'http' : 'https';
  const status = await registryStatus(registry, scheme, 10_000).catch((err: NodeJS.ErrnoException) => {
    throw new PipelineError('registry', `cannot reach the registry ${registry} (${err.code ?? err.message}); check --registry, or start the registry first`, {
      cause: err,
    });
  });
  if (status !== 200 && status !== 401) throw new PipelineError('registry', `${scheme}://${registry}/v2/ answered ${status}; is it an OCI registry?`);
}

/** A registry tool's failure, with the fix added when the registry refused our credentials. */
export function explainRegistryError(err: unknown, registry: string): string {
  const message = messageOf(err);
  const faults = findCause(err, CommandError)?.registryFaults ?? [];
  if (faults.includes('unauthorized'))
    return `${message}\n(the registry ${registry} wants credentials: set REGISTRY_USERNAME and REGISTRY_PASSWORD, or log in with docker/crane)`;
  if (faults.includes('denied')) return `${message}\n(the credentials for ${registry} may not push there: check the account's permissions)`;
  return message;
}
