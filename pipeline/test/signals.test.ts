// The runner interrupted, and the exit-code contract: a signal to the pipeline's own process stops
// the registry it started and removes its pid file, exits 130/143, and a rerun converges; any port
// a user picks works (no fetch() and its "unsafe port" list); malformed input is a usage error.
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../src/paths.js';
import { startLocalRegistry } from '../src/registry/local-registry.js';
import { registryAnswers } from '../src/registry/probe.js';
import { freePort, runCli, SHARED_CACHE, testRegistry } from './fixtures.js';

async function portIsFree(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

describe('a signal to the runner', () => {
  for (const [signal, code] of [
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const) {
    it(`${signal} mid-run stops the embedded registry, removes its pid file, exits ${code}; a rerun converges`, async () => {
      const out = await mkdtemp(join(tmpdir(), 'signal-out-'));
      const port = await freePort();
      const env = { ...process.env, PIPELINE_OUT_DIR: out, PIPELINE_CACHE_DIR: SHARED_CACHE, PIPELINE_REGISTRY_PORT: String(port) };
      const child = spawn(process.execPath, [join(projectRoot, 'pipeline', 'dist', 'cli.mjs'), '--skip-tests'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      for (let i = 0; i < 300 && !stderr.includes('▶ build'); i++) await new Promise((r) => setTimeout(r, 50));
      expect(await registryAnswers(`127.0.0.1:${port}`)).toBe(true);
      child.kill(signal);
      const [exit] = (await once(child, 'exit')) as [number | null];
      expect(exit).toBe(code);
      expect(stderr).toContain(`pipeline: ${signal}: stopping what this run started`);
      expect(await registryAnswers(`127.0.0.1:${port}`)).toBe(false);
      expect(existsSync(join(out, 'registry', 'registry.pid'))).toBe(false);

      const again = await runCli(['--skip-tests', '--json'], { PIPELINE_OUT_DIR: out, PIPELINE_CACHE_DIR: SHARED_CACHE, PIPELINE_REGISTRY_PORT: String(port) });
      expect(again.code, again.stderr).toBe(0);
      const third = await runCli(['--skip-tests', '--json'], { PIPELINE_OUT_DIR: out, PIPELINE_CACHE_DIR: SHARED_CACHE, PIPELINE_REGISTRY_PORT: String(port) });
      expect(JSON.parse(third.stdout).image.digest).toBe(JSON.parse(again.stdout).image.digest);
    }, 180_000);
  }
});

/** Processes whose command line mentions `path` (e.g. a service started from a folder under it). */
function processesUnder(path: string): number[] {
  return spawnSync('pgrep', ['-f', path], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean).map(Number);
}

describe('a signal during the service tests', () => {
  it('stops the test runner and every service process the tests started', async () => {
    const out = await mkdtemp(join(tmpdir(), 'signal-tests-'));
    const env = {
      ...process.env,
      PIPELINE_OUT_DIR: out,
      PIPELINE_CACHE_DIR: await mkdtemp(join(tmpdir(), 'signal-cache-')),
      PIPELINE_REGISTRY_PORT: String(await freePort()),
    };
    const child = spawn(process.execPath, [join(projectRoot, 'pipeline', 'dist', 'cli.mjs')], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const services = () => processesUnder(join(out, 'work', 'app-under-test-'));
    try {
      // The process tests start the service from the step's own folder under the run's output.
      for (let i = 0; i < 1200 && services().length === 0 && child.exitCode === null; i++) await new Promise((r) => setTimeout(r, 50));
      expect(services().length, stderr).toBeGreaterThan(0);
      child.kill('SIGTERM');
      const [exit] = (await once(child, 'exit')) as [number | null];
      expect(exit).toBe(143);
      expect(services()).toEqual([]);
    } finally {
      for (const pid of services()) process.kill(pid, 'SIGKILL');
    }
  }, 180_000);
});

describe('a failure beside the service tests', () => {
  it('stops the tests at once (runner and services), and is the failure reported', async () => {
    const out = await mkdtemp(join(tmpdir(), 'sibling-fails-'));
    const registry = await testRegistry('sibling');
    const env = { PIPELINE_OUT_DIR: out, PIPELINE_CACHE_DIR: await mkdtemp(join(tmpdir(), 'sibling-cache-')) };
    const args = ['--registry', `${registry.address}/sibling`, '--base-image', 'host'];
    const services = () => processesUnder(join(out, 'work', 'app-under-test-'));
    try {
      // Once without tests, so that the image and its SBOM are cached and the scan hook below runs
      // while the tests still run.
      const warm = await runCli([...args, '--skip-tests'], { ...env, PIPELINE_SCAN_COMMAND: 'exit 3;' });
      expect(warm.code, warm.stderr).toBe(1);
      // A scan hook that fails as soon as a service the tests started is running.
      const hook = join(out, 'fail-while-tested.mjs');
      await writeFile(
        hook,
        `import { spawnSync } from 'node:child_process';
const under = ${JSON.stringify(join(out, 'work', 'app-under-test-'))};
for (let i = 0; i < 600; i++) {
  if (spawnSync('pgrep', ['-f', under]).status === 0) process.exit(3);
  await new Promise((r) => setTimeout(r, 50));
}
process.exit(4);
`,
      );
      const r = await runCli(args, { ...env, PIPELINE_SCAN_COMMAND: `node ${hook}` });
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr.trim().split('\n').pop()).toMatch(/^pipeline: scan: PIPELINE_SCAN_COMMAND \(node .*\) rejected the SBOM: sh -c failed \(exit 3\)/);
      expect(r.stderr).toMatch(/^■ test \d+\.\ds \(stopped: another step failed\)$/m);
      expect(services()).toEqual([]);
    } finally {
      for (const pid of services()) process.kill(pid, 'SIGKILL');
      await registry.stop();
    }
  }, 180_000);
});

describe('ports', () => {
  it('the embedded registry serves on a port fetch() calls unsafe', async () => {
    const candidates = [6000, 6665, 6666, 6667, 6668, 6669, 6697, 10080];
    let port: number | undefined;
    for (const p of candidates)
      if (await portIsFree(p)) {
        port = p;
        break;
      }
    expect(port, 'one of the fetch-unsafe ports is free here').toBeDefined();
    const registry = await startLocalRegistry({ storageDir: await mkdtemp(join(tmpdir(), 'unsafe-port-')), port: port! });
    try {
      expect(registry.address).toBe(`127.0.0.1:${port}`);
      expect(await registryAnswers(registry.address)).toBe(true);
    } finally {
      await registry.stop();
    }
  });
});

describe('the exit-code contract: malformed input is a usage error (2)', () => {
  it.each([
    [['verify', `127.0.0.1:5000/${'a'.repeat(260)}@sha256:${'0'.repeat(64)}`, '--key', 'x.pub'], /registries take at most 255/],
    [
      ['verify', `127.0.0.1:5000/koa-service@sha256:${'0'.repeat(64)}`, '--key', '/nonexistent/cosign.pub'],
      /^verify: \/nonexistent\/cosign\.pub: no such file$/,
    ],
    [
      ['verify', `127.0.0.1:5000/koa-service@sha256:${'0'.repeat(64)}`, '--key', 'package.json', '--timeout', '0'],
      /--timeout "0" must be a number of seconds above 0/,
    ],
    [
      ['verify', `127.0.0.1:5000/koa-service@sha256:${'0'.repeat(64)}`, '--key', 'package.json', '--release-name', 'Not_Valid'],
      /is not a valid Helm release name/,
    ],
    [['verify', 'koa-service@sha256:' + '0'.repeat(64), '--key', 'x'], /names no registry host/],
    [['--registry', `127.0.0.1:5000/${'a'.repeat(300)}`], /malformed registry|255/],
  ])('%j', async (args, message) => {
    const r = await runCli(args);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr.trim()).toMatch(message);
  });
});
