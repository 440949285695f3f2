// `npm run bench:app`: the Koa service against a raw node:http server answering the same bytes, the
// stack a user would otherwise pick (Express 5 + helmet + pino-http + prom-client, same features),
// and bare Koa (to split framework from middleware cost), measured alternately in one session
// (several rounds), so machine noise hits them alike.
// Prints req/s and p99 for each and the ratios. Not a test: timings are for reading, not asserting.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { freePort } from '@release-pipeline/pipeline/test/fixtures.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const DURATION = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const root = fileURLToPath(new URL('..', import.meta.url));

interface Server {
  child: ChildProcess;
  url: string;
}

async function start(args: string[], env: Record<string, string>): Promise<Server> {
  const port = await freePort();
  // stdout goes to a pipe drained by a process of its own, as a container runtime drains it: not by
  // this process, whose event loop is the load generator's (reading the service's log lines here
  // would slow the client measuring it).
  const drain = spawn('cat', [], { stdio: ['pipe', 'ignore', 'inherit'] });
  const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...env, PORT: String(port) }, stdio: ['ignore', drain.stdin, 'inherit'] });
  drain.stdin.destroy(); // the server holds the pipe's write end now; cat ends when the server does
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    if (
      await fetch(`${url}/healthz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return { child, url };
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server on ${url} did not answer`);
}

async function stop(s: Server): Promise<void> {
  s.child.kill('SIGTERM');
  await once(s.child, 'exit');
}

interface Sample {
  rps: number;
  p99: number;
  /** The server's own CPU time per request (user + system), when /proc tells it; NaN otherwise. */
  cpuUs: number;
}

// The load generator shares the machine's cores with the server, so req/s also measures the
// client's work (parsing bigger responses). CPU time per request is the server's cost alone.
const CLOCK_TICK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

function cpuSeconds(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICK; // utime, stime
  } catch {
    return Number.NaN;
  }
}

async function measure(server: Server, path: string): Promise<Sample> {
  const url = server.url + path;
  const before = cpuSeconds(server.child.pid);
  const r = await autocannon({ url, connections: CONNECTIONS, duration: DURATION, pipelining: 1 });
  const cpu = cpuSeconds(server.child.pid) - before;
  if (r.errors || r.non2xx) throw new Error(`${url}: ${r.errors} errors, ${r.non2xx} non-2xx`);
  return { rps: r.requests.average, p99: r.latency.p99, cpuUs: (cpu * 1e6) / r.requests.total };
}

const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted.length % 2 ? sorted[(sorted.length - 1) / 2]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
};

async function main(): Promise<void> {
  // The real service, built, with its production settings (info logs to a drained pipe).
  await new Promise<void>((resolve, reject) => {
    const b = spawn('npm', ['--prefix', 'app', 'run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
    b.once('exit', (code) => (code === 0 ? resolve() : reject(new Error('build failed'))));
  });
  const koa = await start(['app/dist/main.js'], { HOST: '127.0.0.1', LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info', NODE_ENV: 'production' });
  const raw = await start(['--import', 'tsx', 'bench/raw-server.ts'], {});
  // The same, sending the service's response headers too (request id, helmet's headers): same bytes.
  const rawh = await start(['--import', 'tsx', 'bench/raw-server.ts'], { RAW_HEADERS: 'service' });
  const bare = await start(['--import', 'tsx', 'app/bench/bare-koa-server.ts'], {});
  const express = await start(['--import', 'tsx', 'bench/express-server.ts'], { LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info', NODE_ENV: 'production' });
  // In this order, each pair the targets compare (koa and raw, koa and express) runs back to back in
  // every round, whichever way the round goes: this machine's speed drifts within seconds.
  const servers = { express, koa, raw, rawh, bare };

  type Name = keyof typeof servers;
  const names = Object.keys(servers) as Name[];
  const results: Record<string, Record<Name, Sample[]>> = {};
  for (const path of ['/', '/healthz']) {
    results[path] = { koa: [], express: [], bare: [], raw: [], rawh: [] };
    // Same bytes? Compare bodies once before measuring.
    const bodies = await Promise.all(names.map((n) => fetch(servers[n].url + path).then((r) => r.text())));
    if (new Set(bodies).size !== 1) throw new Error(`bodies differ for ${path}: ${bodies.join(' | ')}`);
    for (const n of names) await measure(servers[n], path); // warm-up, discarded
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? names : [...names].reverse();
      for (const n of order) results[path]![n].push(await measure(servers[n], path));
    }
  }
  for (const n of names) await stop(servers[n]);

  console.log(`\n${ROUNDS} rounds × ${DURATION}s, ${CONNECTIONS} connections, node ${process.version}, ${(await import('node:os')).cpus().length} cores`);
  console.log(
    'koa = the service as shipped (request id, access log, metrics, security headers); express = Express 5 with the same features; bare = Koa + router only;',
  );
  console.log('raw = node:http, same body; rawh = node:http, same body and the same response headers (request id, security headers)');
  console.log('path      server  req/s (median)  p99 ms (median)  server CPU µs/request (median)');
  for (const [path, r] of Object.entries(results)) {
    for (const which of names) {
      console.log(
        `${path.padEnd(9)} ${which.padEnd(7)} ${median(r[which].map((s) => s.rps))
          .toFixed(0)
          .padStart(14)}  ${median(r[which].map((s) => s.p99))
          .toFixed(2)
          .padStart(15)}  ${median(r[which].map((s) => s.cpuUs))
          .toFixed(1)
          .padStart(14)}`,
      );
    }
    // Each ratio is the median of the rounds' own ratios (the pair measured back to back).
    const ratio = (a: Name, b: Name, of: (s: Sample) => number) => median(r[a].map((s, i) => of(s) / Math.max(of(r[b][i]!), 0.01)));
    const rps = ratio('koa', 'raw', (s) => s.rps);
    const p99 = ratio('koa', 'raw', (s) => s.p99);
    console.log(`${path.padEnd(9)} ratio   koa/raw req/s ${rps.toFixed(3)} (target ≥ 0.5), p99 ${p99.toFixed(3)}`);
    const vsExpress = ratio('koa', 'express', (s) => s.rps);
    const p99VsExpress = ratio('koa', 'express', (s) => s.p99);
    console.log(`${path.padEnd(9)} ratio   koa/express req/s ${vsExpress.toFixed(3)} (target ≥ 2), p99 ${p99VsExpress.toFixed(3)} (target ≤ 1)`);
    const sameBytes = ratio('koa', 'rawh', (s) => s.rps);
    console.log(`${path.padEnd(9)} ratio   koa/rawh req/s ${sameBytes.toFixed(3)}: against node:http sending the same response`);
    const capacity = (n: Name) => ratio(n, 'koa', (s) => s.cpuUs).toFixed(3);
    console.log(
      `${path.padEnd(9)} ratio   server capacity (CPU per request) koa/raw ${capacity('raw')}, koa/rawh ${capacity('rawh')}, koa/express ${capacity('express')}`,
    );
    const bareRps = ratio('bare', 'raw', (s) => s.rps);
    console.log(`${path.padEnd(9)} ratio   bare-koa/raw req/s ${bareRps.toFixed(3)}: the framework's share; the rest is the middleware`);
  }
}

await main();
