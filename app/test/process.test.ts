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
    const inFlight = new Promise<{ status: number; text: string; connection: string | undefined }>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/api/echo',
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          let text = '';
          res.on('data', (d: Buffer) => (text += d.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text, connection: res.headers.connection }));
        },
      );
      req.on('error', reject);
      req.write(body.slice(0, 500));
      finishUpload = () => req.end(body.slice(500));
    });
    await sleep(150);
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
    const svc = await spawnService({ SHUTDOWN_DELAY_MS: '1000' });
    expect((await fetch(`${svc.url}/readyz`)).status).toBe(200);
    svc.child.kill('SIGTERM');
    // Readiness turns as soon as the signal is handled; the listener stays open for the delay.
    let res = await fetch(`${svc.url}/readyz`);
    for (let i = 0; i < 40 && res.status === 200; i++) {
      await sleep(25);
      res = await fetch(`${svc.url}/readyz`);
    }
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: 'shutting down' });
    expect((await fetch(`${svc.url}/healthz`)).status).toBe(200);
    expect(await svc.exited).toBe(0);
  });

  it('cuts off a request that outlives the timeout and exits 1', async () => {
    const svc = await spawnService({ SHUTDOWN_TIMEOUT_MS: '300' });
    const { port } = new URL(svc.url);
    const socket = connect(Number(port), '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    socket.write('POST /api/echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"a":');
    await sleep(150);
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
