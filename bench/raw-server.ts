// The baseline for bench/app.bench.ts: node:http answering GET / and GET /healthz with the same
// body bytes as the Koa service, and nothing else (no logs, metrics, headers or routing).
// RAW_HEADERS=service adds the service's response headers (a request id and the security headers,
// taken from helmet once at start-up, as the service does): the same response, by hand.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { helmetHeaders } from '../app/src/middleware/security-headers.js';

const extra = process.env.RAW_HEADERS === 'service' ? Object.entries(helmetHeaders().set) : undefined;

const info = Buffer.from(JSON.stringify({ service: 'koa-service', version: '0.1.0', revision: null, imageDigest: null }));
const health = Buffer.from(JSON.stringify({ status: 'ok' }));

const server = createServer((req, res) => {
  const body = req.url === '/' ? info : req.url === '/healthz' ? health : null;
  if (!body) {
    res.writeHead(404).end();
    return;
  }
  if (extra) {
    res.setHeader('x-request-id', randomUUID());
    for (const [name, value] of extra) res.setHeader(name, value);
  }
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length });
  res.end(body);
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const { port } = server.address() as { port: number };
  process.stdout.write(`${JSON.stringify({ msg: 'listening', port })}\n`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
