// The shipped bundle as its own process: start-up validation, signals, draining, robustness. Every
// test starts its own process, so all of them run at once (a release runs this suite on every
// changed build, and most of its time is waiting on the processes' timers).
import { request } from 'node:http';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { runToExit, serviceEntryPoint, spawnService, stopServices } from './helpers.js';

const appDir = fileURLToPath(new URL('..', import.meta.url));

afterAll(stopServices);

describe.concurrent('start-up', () => {
  it('stops with one clear line naming a bad variable, exit 2', async () => {
    const r = await runToExit(process.execPath, [await serviceEntryPoint()], {
      cwd: appDir,
      env: { PATH: process.env.PATH ?? '', PORT: 'eighty' },
    });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual(['koa-service: invalid PORT="eighty": must be a whole number from 0 to 65535']);
    expect(r.stdout).toBe('');
  });
});

describe.concurrent('graceful shutdown', () => {
  it('fails readiness, refuses new connections, finishes an in-flight request, exits 0', async () => {
    const svc = await spawnService({ SHUTDOWN_TIMEOUT_MS: '5000' });
    const { port } = new URL(svc.url);

    // A slow upload: headers and half the body now, the rest once the listener is seen closed.
    const body = JSON.stringify({ slow: 'x'.repeat(1000) });
    let finishUpload = () => {};
    let accepted = () => {};
    const inServer = new Promise<void>((resolve) => (accepted = resolve));
    const inFlight = new Promise<{ status: number; text: string; connection: string | undefined }>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/api/echo',
          // The server answers "100 Continue" once it has the request's headers: from then on the
          // request is in flight there (the moment to send the signal; no timer guesses it).
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), expect: '100-continue' },
        },
        (res) => {
          let text = '';
          res.on('data', (d: Buffer) => (text += d.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text, connection: res.headers.connection }));
        },
      );
      req.on('error', reject);
      req.once('continue', () => {
        req.write(body.slice(0, 500));
        accepted();
      });
      finishUpload = () => req.end(body.slice(500));
    });
    await inServer;
    svc.child.kill('SIGTERM');

    // New connections are refused once the listener closed, while the upload is still in flight.
    let refused = false;
    for (let i = 0; i < 100 && !refused; i++) {
      refused = await fetch(`${svc.url}/healthz`).then(
        () => false,
        () => true,
      );
      if (!refused) await sleep(50);
    }
    expect(refused).toBe(true);
    expect(svc.child.exitCode).toBeNull(); // still draining: the upload has not finished
    finishUpload();

    const done = await inFlight;
    expect(done.status).toBe(200);
    expect(JSON.parse(done.text)).toEqual({ echo: { slow: 'x'.repeat(1000) } });
    expect(done.connection).toBe('close');
    expect(await svc.exited).toBe(0);
    const lines = svc.stdout.map((l) => JSON.parse(l) as { msg: string; drained?: boolean });
    expect(lines.map((l) => l.msg)).toEqual(expect.arrayContaining(['listening', 'shutting down', 'request', 'stopped']));
    expect(lines.find((l) => l.msg === 'stopped')?.drained).toBe(true);
  });

  it('reports not-ready during the shutdown delay while still serving', async () => {
    // A delay far longer than the test: what it checks happens inside it on any machine, and the
    // test does not wait it out (graceful exit after a shutdown is the test above).
    const svc = await spawnService({ SHUTDOWN_DELAY_MS: '120000' });
    expect((await fetch(`${svc.url}/readyz`)).status).toBe(200);
    svc.child.kill('SIGTERM');
    // Readiness turns as soon as the signal is handled; the listener stays open for the delay.
    let res = await fetch(`${svc.url}/readyz`);
    for (let i = 0; i < 200 && res.status === 200; i++) {
      await sleep(50);
      res = await fetch(`${svc.url}/readyz`);
    }
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: 'shutting down' });
    expect((await fetch(`${svc.url}/healthz`)).status).toBe(200);
    expect(svc.child.exitCode).toBeNull();
    svc.child.kill('SIGKILL');
    await svc.exited;
  });

  it('cuts off a request that outlives the timeout and exits 1', async () => {
    const svc = await spawnService({ SHUTDOWN_TIMEOUT_MS: '300' });
    const { port } = new URL(svc.url);
    const socket = connect(Number(port), '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    // "100 Continue" says the server holds the request; then part of the body, and the signal.
    const continued = new Promise<void>((resolve) => socket.on('data', (d: Buffer) => d.toString().startsWith('HTTP/1.1 100') && resolve()));
    socket.write('POST /api/echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\nExpect: 100-continue\r\n\r\n');
    await continued;
    socket.write('{"a":');
    svc.child.kill('SIGTERM');
    expect(await svc.exited).toBe(1);
    socket.destroy();
  });
});

describe.concurrent('robustness', () => {
  it('survives a flood of malformed requests', async () => {
    const svc = await spawnService();
    const { port } = new URL(svc.url);
    const garbage = [
      'GARBAGE\r\n\r\n',
      'GET / HTTP/9.9\r\n\r\n',
      'GET /\u0000 HTTP/1.1\r\nHost: x\r\n\r\n',
      `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20000)}\r\n\r\n`,
      'POST /api/echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5\r\n\r\n{{{{{',
      'POST /api/echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
      'POST /api/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\nContent-Length: 3\r\n\r\nabc',
      'GET /%%%/%zz HTTP/1.1\r\nHost: x\r\n\r\n',
      'POST /api/echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json; charset=utf-7\r\nContent-Length: 2\r\n\r\n{}',
    ];
    const send = (payload: string) =>
      new Promise<string>((resolve) => {
        const socket = connect(Number(port), '127.0.0.1');
        let reply = '';
        socket.setTimeout(1000, () => socket.destroy());
        socket.on('data', (d: Buffer) => (reply += d.toString()));
        socket.on('close', () => resolve(reply));
        socket.on('error', () => resolve(reply));
        socket.end(payload);
      });
    for (let round = 0; round < 10; round++) {
      const replies = await Promise.all(garbage.map(send));
      for (const reply of replies) expect(reply).not.toMatch(/^HTTP\/1\.1 5\d\d/);
    }
    const res = await fetch(`${svc.url}/healthz`);
    expect(res.status).toBe(200);
    expect(svc.child.exitCode).toBeNull();
    svc.child.kill('SIGTERM');
    expect(await svc.exited).toBe(0);
  });
});
