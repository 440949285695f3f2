// The service's HTTP behaviour, against the real server on an ephemeral port.
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isoTimeOncePerMillisecond } from '../src/logger.js';
import { startTestServer, type TestServer } from './helpers.js';

const DIGEST = `sha256:${'ab'.repeat(32)}`;
let s: TestServer;

beforeAll(async () => {
  s = await startTestServer({ GIT_REVISION: 'abc1234', IMAGE_DIGEST: DIGEST, APP_VERSION: '1.2.3' });
});
afterAll(async () => {
  await s.shutdown('test done');
});

const postJson = (body: string, type = 'application/json') => fetch(`${s.url}/api/echo`, { method: 'POST', headers: { 'content-type': type }, body });

describe('GET /', () => {
  it('reports the service, version, revision and image digest', async () => {
    const res = await fetch(`${s.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ service: 'koa-service', version: '1.2.3', revision: 'abc1234', imageDigest: DIGEST });
  });
});

describe('health', () => {
  it('liveness is 200', async () => {
    const res = await fetch(`${s.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });
  it('readiness is 200 while serving', async () => {
    const res = await fetch(`${s.url}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ready' });
  });
});

describe('POST /api/echo', () => {
  it('echoes a JSON body', async () => {
    const res = await postJson(JSON.stringify({ hello: 'world', n: [1, 2] }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ echo: { hello: 'world', n: [1, 2] } });
  });
  it('accepts a body just under 64 KiB', async () => {
    const body = JSON.stringify({ s: 'x'.repeat(64 * 1024 - 20) });
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(64 * 1024);
    expect((await postJson(body)).status).toBe(200);
  });
  it('rejects a body over 64 KiB with 413', async () => {
    const res = await postJson(JSON.stringify({ s: 'x'.repeat(64 * 1024 + 1) }));
    expect(res.status).toBe(413);
    const body = (await res.json()) as Record<string, string>;
    expect(body.error).toBe('Payload Too Large');
    expect(body.requestId).toBeTruthy();
  });
  it('rejects malformed JSON with 400', async () => {
    const res = await postJson('{"unterminated":');
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toBe('Bad Request');
  });
  it('rejects another content type with 415', async () => {
    const res = await postJson('hello', 'text/plain');
    expect(res.status).toBe(415);
    expect(await res.json()).toMatchObject({ error: 'Unsupported Media Type', message: 'send the body as application/json' });
  });
});

describe('errors', () => {
  it('answers an unknown route with a JSON 404', async () => {
    const res = await fetch(`${s.url}/nope`, { headers: { 'x-request-id': 'req-42' } });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: 'Not Found', message: 'no route for GET /nope', requestId: 'req-42' });
  });
  it('answers a wrong method with a JSON 405 and an Allow header', async () => {
    const res = await fetch(`${s.url}/healthz`, { method: 'DELETE' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toContain('GET');
    expect(await res.json()).toMatchObject({ error: 'Method Not Allowed' });
  });
});

describe('request ids, headers and logs', () => {
  it('honours a sane incoming x-request-id and logs it', async () => {
    const res = await fetch(`${s.url}/healthz`, { headers: { 'x-request-id': 'trace-abc.123' } });
    expect(res.headers.get('x-request-id')).toBe('trace-abc.123');
    const line = s.logs.find((l) => l.requestId === 'trace-abc.123');
    expect(line).toMatchObject({ msg: 'request', method: 'GET', path: '/healthz', status: 200, level: 'info' });
    expect(typeof line?.durationMs).toBe('number');
    // pino's ISO time, to the millisecond, close to now.
    expect(line?.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(Math.abs(Date.parse(line!.time as string) - Date.now())).toBeLessThan(60_000);
  });
  it('replaces an unsafe incoming id with a UUID', async () => {
    const res = await fetch(`${s.url}/healthz`, { headers: { 'x-request-id': 'a b{}"<script>' } });
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
  it('sets security headers', async () => {
    const res = await fetch(`${s.url}/`);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(res.headers.get('x-powered-by')).toBeNull();
  });
});

describe('log time', () => {
  it("is pino's ISO time field, formatted once per millisecond", () => {
    let now = Date.parse('2026-11-27T14:25:30.123Z');
    const time = isoTimeOncePerMillisecond(() => now);
    expect(pino.stdTimeFunctions.isoTime()).toMatch(/^,"time":"[^"]+Z"$/); // the shape it stands in for
    expect(time()).toBe(',"time":"2026-11-27T14:25:30.123Z"');
    expect(time()).toBe(',"time":"2026-11-27T14:25:30.123Z"');
    now += 1;
    expect(time()).toBe(',"time":"2026-11-27T14:25:30.124Z"');
  });
});

describe('GET /metrics', () => {
  it('exposes request counts by route template and process metrics', async () => {
    await fetch(`${s.url}/healthz`);
    await fetch(`${s.url}/no/such/thing`);
    const res = await fetch(`${s.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text).toMatch(/http_requests_total\{method="GET",route="\/healthz",status="200"\} \d+/);
    expect(text).toMatch(/http_requests_total\{method="GET",route="unmatched",status="404"\} \d+/);
    expect(text).toContain('http_request_duration_seconds_bucket');
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(text).not.toContain('/no/such/thing');
  });
});
