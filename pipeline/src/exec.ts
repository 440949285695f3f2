// Runs external tools. Output is captured, secrets are scrubbed from anything we print or throw,
// and a failure says which command failed and what it said.
import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { onCleanup } from './cleanup.js';
import { Cancelled, cancellation } from './concurrently.js';
import { CommandError } from '@release-pipeline/core/errors.js';
import { registryFaultsIn } from '@release-pipeline/core/tool-output.js';

export { CommandError };

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Written to the child's stdin (e.g. a password for --password-stdin). */
  input?: string;
  /** Values that must never appear in printed output or errors. */
  secrets?: readonly string[];
  /** Stream the child's output to ours (scrubbed) as it arrives. */
  echo?: boolean;
  /** Kill the command (SIGKILL) and fail after this long. */
  timeoutMs?: number;
  /**
   * Run the command in a process group of its own, and stop the whole group whenever the command
   * is stopped or ends: for a command that starts processes of its own (a test runner starting the
   * service), which would otherwise outlive it.
   */
  ownProcessGroup?: boolean;
}

export interface RunResult {
  stdout: string;
  stderr: string;
}

/** Stops a long-running child (a server): SIGTERM, then SIGKILL if it has not exited within 3 s. */
export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const stopped = await Promise.race([gone.then(() => true), sleep(3000).then(() => false)]);
  if (stopped) return;
  child.kill('SIGKILL');
  await gone;
}

/** SIGKILL to every process of the group led by `pid`; nothing if the group is already gone. */
function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

export function redact(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join('***');
  return out;
}

/**
 * Runs a command to completion; rejects with a CommandError carrying its (scrubbed) output. Run
 * from a task of `concurrently` whose sibling failed, it is not started, or is killed, and rejects
 * with a `Cancelled`.
 */
export function run(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const secrets = options.secrets ?? [];
  const name = `${command.split('/').pop() ?? command} ${args[0] ?? ''}`.trim();
  const signal = cancellation();
  const stopped = () => new Cancelled(`${name} stopped: another step failed`, { cause: signal?.reason });
  if (signal?.aborted) return Promise.reject(stopped());
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: options.ownProcessGroup === true,
    });
    const kill = () => {
      if (options.ownProcessGroup && child.pid !== undefined) killGroup(child.pid);
      else if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    };
    // Stopped with the run if it is interrupted (a signal) before the command ends, or once a
    // sibling task failed.
    const stop = onCleanup(async () => kill());
    let cancelled = false;
    const cancel = () => {
      cancelled = true;
      kill();
    };
    signal?.addEventListener('abort', cancel, { once: true });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            kill();
          }, options.timeoutMs);
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (options.echo) process.stdout.write(redact(d.toString(), secrets));
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (options.echo) process.stderr.write(redact(d.toString(), secrets));
    });
    child.on('error', (err) =>
      reject(new CommandError(`could not start ${command}: ${err.message}`, name, { kind: 'not-started', reason: err.message }, '', [], err)),
    );
    child.on('close', (code, exitSignal) => {
      if (timer) clearTimeout(timer);
      void stop();
      signal?.removeEventListener('abort', cancel);
      if (options.ownProcessGroup && child.pid !== undefined) killGroup(child.pid); // whatever it left running
      if (cancelled) return reject(stopped());
      if (timedOut) {
        const afterMs = options.timeoutMs!;
        return reject(
          new CommandError(
            `${name} timed out after ${Math.round(afterMs / 1000)}s and was stopped`,
            name,
            { kind: 'timeout', afterMs },
            redact(`${stdout}${stderr}`, secrets),
          ),
        );
      }
      const result = { stdout: redact(stdout, secrets), stderr: redact(stderr, secrets) };
      if (code === 0) return resolve(result);
      const said = [result.stdout.trim(), result.stderr.trim()].filter(Boolean).join('\n').split('\n').slice(-12).join('\n');
      const output = `${result.stdout}${result.stderr}`;
      const exit = code === null ? { kind: 'signal' as const, signal: exitSignal ?? 'SIGKILL' } : { kind: 'exit' as const, status: code };
      const how = exit.kind === 'exit' ? `exit ${exit.status}` : exit.signal;
      reject(new CommandError(`${name} failed (${how}): ${said}`, name, exit, output, registryFaultsIn(output)));
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}
