// A long-running process a run starts and stops: one of the local Sigstore services or the database
// under its transparency log. Its last output is kept to say why it did not come up.
import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { PipelineError } from '@release-pipeline/core/errors.js';
import { stopProcess } from './exec.js';

export interface Service {
  readonly label: string;
  readonly child: ChildProcess;
  /** The last few KB of what it printed. */
  log(): string;
  /** Why it could not be started (spawn's error), if so. */
  failure(): Error | undefined;
  stop(): Promise<void>;
}

export interface ServiceOptions {
  env?: NodeJS.ProcessEnv;
  /** Stopped with SIGKILL at once: for a process that lingers after a SIGTERM and keeps nothing of its own. */
  kill?: boolean;
}

export function startService(label: string, command: string, args: readonly string[], options: ServiceOptions = {}): Service {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: options.env ?? process.env });
  let log = '';
  let failure: Error | undefined;
  const keep = (d: Buffer) => (log = (log + d.toString()).slice(-4000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  // A command that cannot start (ENOENT) ends as an exit with the error kept for the report.
  child.on('error', (err) => {
    failure = err;
    log += `\n${err.message}`;
  });
  const kill = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await gone;
  };
  return { label, child, log: () => log, failure: () => failure, stop: options.kill ? kill : () => stopProcess(child) };
}

/**
 * Waits until `probe` gives a value (up to ~15 s), or the service exits: then fails naming it and
 * the last lines it printed.
 */
export async function whenReady<T>(service: Service, probe: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 150; i++) {
    if (service.child.exitCode !== null || service.child.signalCode !== null) break;
    const value = await probe();
    if (value !== undefined) return value;
    await sleep(100);
  }
  const last = service.log().split('\n').filter(Boolean).slice(-3).join(' | ');
  const { exitCode, signalCode } = service.child;
  const ended = exitCode !== null ? `exited ${exitCode}` : signalCode !== null ? `killed by ${signalCode}` : 'not ready in 15 s';
  throw new PipelineError('environment', `the local ${service.label} did not start (${ended}): ${last || 'it printed nothing'}`, { cause: service.failure() });
}
