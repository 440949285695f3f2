// Test helpers: the real server in-process on an ephemeral port, or the shipped bundle as a child
// process, with its structured log lines captured.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { copyFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { Writable } from 'node:stream';
import { loadConfig, type Config } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { startServer, type RunningServer } from '../src/server.js';

export interface TestServer extends RunningServer {
  url: string;
  logs: Array<Record<string, unknown>>;
}

export async function startTestServer(env: Record<string, string> = {}): Promise<TestServer> {
  const config: Config = loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env }, { version: '9.9.9' });
  const logs: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) logs.push(JSON.parse(line));
      done();
    },
  });
  const running = await startServer(config, createLogger(config, sink));
  return { ...running, url: `http://127.0.0.1:${running.port}`, logs };
}

const appDir = fileURLToPath(new URL('..', import.meta.url));

export interface ChildServer {
  child: ChildProcess;
  url: string;
  stdout: string[];
  stderr: string[];
  exited: Promise<number | null>;
}

/** Runs a command to its end without blocking the test worker; a non-zero exit is a result. */
export function runToExit(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

let bundle: Promise<string> | undefined;

/**
 * The service as it ships: the bundle the pipeline's build step made, laid out as in the image
 * (APP_ROOT: dist/ and package.json), so the release tests exactly what goes into the image; or,
 * run on their own, one built and laid out here once per test file.
 */
export function serviceEntryPoint(): Promise<string> {
  const root = process.env.APP_ROOT;
  if (root) return Promise.resolve(join(root, 'dist', 'main.js'));
  bundle ??= mkdtemp(join(tmpdir(), 'app-root-')).then(async (dir) => {
    await promisify(execFile)(process.execPath, ['build.mjs', join(dir, 'dist')], { cwd: appDir });
    await copyFile(join(appDir, 'package.json'), join(dir, 'package.json'));
    return join(dir, 'dist', 'main.js');
  });
  return bundle;
}

const started = new Set<ChildProcess>();

/** Kills every service this file started that is still running (one a failed test left behind). */
export function stopServices(): void {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

/** Starts the shipped entry point as its own process and waits for its "listening" line. */
export async function spawnService(env: Record<string, string> = {}): Promise<ChildServer> {
  const child = spawn(process.execPath, [await serviceEntryPoint()], {
    cwd: appDir,
    env: { PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.add(child);
  const stdout: string[] = [];
  const stderr: string[] = [];
  // 'close', not 'exit': the last lines a process writes as it exits may still be in the pipe when
  // 'exit' fires (under load they are), and tests read them once this resolves.
  const exited = once(child, 'close').then(([code]) => code as number | null);
  child.stderr!.on('data', (d: Buffer) => stderr.push(d.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    let buffered = '';
    child.stdout!.on('data', (d: Buffer) => {
      buffered += d.toString();
      let i;
      while ((i = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, i);
        buffered = buffered.slice(i + 1);
        stdout.push(line);
        const entry = JSON.parse(line) as { msg?: string; port?: number };
        if (entry.msg === 'listening' && entry.port) resolve(entry.port);
      }
    });
    void exited.then((code) => reject(new Error(`service exited with ${code}: ${stderr.join('')}`)));
  });
  return { child, url: `http://127.0.0.1:${port}`, stdout, stderr, exited };
}
