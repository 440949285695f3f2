// The embedded default registry: the CNCF distribution registry serving .out/registry/ on
// 127.0.0.1:5000 (PIPELINE_REGISTRY_PORT to change), started for a run and stopped after it.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { registryConfig } from '@release-pipeline/core/registry-config.js';
import { stopProcess } from '../exec.js';
import { tool } from '../tools.js';
import { registryAnswers } from './probe.js';
import { PipelineError } from '@release-pipeline/core/errors.js';

export interface LocalRegistry {
  /** "127.0.0.1:5000" */
  address: string;
  /** Stops the registry if this process started it. */
  stop(): Promise<void>;
}

export interface LocalRegistryOptions {
  storageDir: string;
  port: number;
  host?: string;
  /** An htpasswd file: turns on basic auth. */
  htpasswd?: string;
  log?: (line: string) => void;
}

export function defaultRegistryPort(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.PIPELINE_REGISTRY_PORT;
  if (raw === undefined || raw === '') return 5000;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new PipelineError('input', `invalid PIPELINE_REGISTRY_PORT="${raw}": must be a port number from 1 to 65535`);
  }
  return port;
}

const answers = (address: string) => registryAnswers(address);

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function startLocalRegistry(opts: LocalRegistryOptions): Promise<LocalRegistry> {
  const address = `${opts.host ?? '127.0.0.1'}:${opts.port}`;
  const pidFile = join(opts.storageDir, 'registry.pid');
  await mkdir(opts.storageDir, { recursive: true });

  // Already served from this storage (e.g. by `npm run registry`): use it and leave it running.
  const pid = Number(await readFile(pidFile, 'utf8').catch(() => '0'));
  if (pid && alive(pid) && (await answers(address))) {
    opts.log?.(`using the registry already serving ${opts.storageDir} on ${address}`);
    return { address, stop: async () => undefined };
  }
  if (await answers(address)) {
    throw new PipelineError('environment', `something else already answers on ${address}; stop it or set PIPELINE_REGISTRY_PORT to a free port`);
  }

  const configPath = join(opts.storageDir, 'config.yml');
  await writeFile(configPath, registryConfig(opts.storageDir, address, opts.htpasswd));
  const child: ChildProcess = spawn(tool('registry'), ['serve', configPath], { stdio: ['ignore', 'ignore', 'pipe'], detached: false });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  let exited = false;
  child.once('exit', () => (exited = true));

  for (let i = 0; i < 100; i++) {
    if (await answers(address)) break;
    if (exited) break;
    await sleep(100);
  }
  if (exited || !(await answers(address))) {
    child.kill('SIGKILL');
    const why = stderr
      .split('\n')
      .filter((l) => /error|fatal|bind/i.test(l))
      .slice(-2)
      .join(' ')
      .trim();
    throw new PipelineError('environment', `the local registry did not start on ${address}${why ? `: ${why}` : ''}; set PIPELINE_REGISTRY_PORT to a free port`);
  }
  await writeFile(pidFile, String(child.pid));
  return {
    address,
    stop: async () => {
      await stopProcess(child);
      await rm(pidFile, { force: true });
    },
  };
}
