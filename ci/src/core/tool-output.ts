// What a registry answered, as the tools that talked to it (crane, cosign, helm: all built on Go's
// HTTP client and go-containerregistry or ORAS) report it in their output. Read once, where a tool
// fails, into a field (`CommandError.registryFaults`) that retries and explanations act on.
import type { RegistryFault } from './errors.js';

const UNAVAILABLE =
  /\b(5\d\d|connection reset|ECONNRESET|ECONNREFUSED|EOF|broken pipe|timeout|timed out|Service Unavailable|Bad Gateway|Internal Server Error|too many requests|TOOMANYREQUESTS|UNAVAILABLE|429)\b/i;
const UNAUTHORIZED = /\b401\b|UNAUTHORIZED|authentication required|unauthorized/i;
const DENIED = /\b403\b|DENIED|forbidden/i;

/** The registry faults a failed tool's output reports. */
export function registryFaultsIn(output: string): RegistryFault[] {
  const found: RegistryFault[] = [];
  if (UNAUTHORIZED.test(output)) found.push('unauthorized');
  if (DENIED.test(output)) found.push('denied');
  if (UNAVAILABLE.test(output)) found.push('unavailable');
  return found;
}
