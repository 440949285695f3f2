// The CNCF distribution registry's configuration for a throwaway registry: filesystem storage,
// deletes allowed, no access log, optional basic auth. Used by the host's embedded registry and the
// Dagger module's end-to-end registry service. Pure.
import { posix } from 'node:path';

export function registryConfig(storageDir: string, address: string, htpasswd?: string): string {
  return [
    'version: 0.1',
    'log:',
    '  level: warn',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${JSON.stringify(posix.join(storageDir, 'data'))}`,
    '  delete:',
    '    enabled: true',
    'http:',
    `  addr: ${address}`,
    '  secret: local-registry-not-a-secret',
    ...(htpasswd ? ['auth:', '  htpasswd:', '    realm: local', `    path: ${JSON.stringify(htpasswd)}`] : []),
    '',
  ].join('\n');
}
