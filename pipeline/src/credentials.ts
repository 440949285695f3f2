// Registry credentials come from the environment (REGISTRY_USERNAME / REGISTRY_PASSWORD) or the
// user's docker config, never from arguments. Given in the environment, they are written to a
// private, temporary docker-style config that crane, helm and cosign all read.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onCleanup } from './cleanup.js';
import { PipelineError } from '@release-pipeline/core/errors.js';
import type { ToolAccess } from './context.js';

export interface RegistryCredentials {
  env: NodeJS.ProcessEnv;
  helmRegistryConfig?: string;
  secrets: string[];
  dispose(): Promise<void>;
}

/** Checks the credential variables before anything starts: both or neither. */
export function checkCredentialEnv(env: NodeJS.ProcessEnv = process.env): void {
  if (Boolean(env.REGISTRY_USERNAME) !== Boolean(env.REGISTRY_PASSWORD)) {
    throw new PipelineError('input', 'set both REGISTRY_USERNAME and REGISTRY_PASSWORD (or neither, to use your docker config)');
  }
}

export async function registryCredentials(registry: string, env: NodeJS.ProcessEnv = process.env): Promise<RegistryCredentials> {
  checkCredentialEnv(env);
  const username = env.REGISTRY_USERNAME;
  const password = env.REGISTRY_PASSWORD;
  if (!username || !password) return { env: { ...env }, secrets: [], dispose: async () => undefined };
  const dir = await mkdtemp(join(tmpdir(), 'pipeline-auth-'));
  const config = join(dir, 'config.json');
  const auth = Buffer.from(`${username}:${password}`).toString('base64');
  await writeFile(config, JSON.stringify({ auths: { [registry]: { auth } } }), { mode: 0o600 });
  return {
    env: { ...env, DOCKER_CONFIG: dir },
    helmRegistryConfig: config,
    secrets: [password, auth],
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}

/** What a command that reads a registry hands its tools: the credentials and how to reach it. */
/** Runs `work` with the registry's credentials, removed when it ends, however it ends (a signal included). */
export async function withRegistryAccess<T>(registry: string, plainHttp: boolean, work: (ctx: ToolAccess) => Promise<T>): Promise<T> {
  const credentials = await registryCredentials(registry);
  const dispose = onCleanup(() => credentials.dispose());
  try {
    return await work({ toolEnv: credentials.env, secrets: credentials.secrets, access: { plainHttp } });
  } finally {
    await dispose();
  }
}
