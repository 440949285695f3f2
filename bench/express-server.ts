// The peer for bench/app.bench.ts: what a user would otherwise pick, Express 5 with helmet,
// pino-http and prom-client, offering the same features on the same paths as the service: a request
// id (kept from x-request-id or made), one JSON access-log line per request written the same way
// (asynchronously, in batches), request count and duration metrics by route, the security headers,
// and the same body bytes. Lives in bench/, not in the service's dependencies.
import { randomUUID } from 'node:crypto';
import express from 'express';
import helmet from 'helmet';
import { pino } from 'pino';
import { pinoHttp } from 'pino-http';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

const register = new Registry();
collectDefaultMetrics({ register });
const labelNames = ['method', 'route', 'status'] as const;
const requests = new Counter({ name: 'http_requests_total', help: 'requests', labelNames, registers: [register] });
const duration = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'duration',
  labelNames,
  buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [register],
});

const dest = pino.destination({ dest: 1, sync: false, minLength: 4096 });
setInterval(() => dest.flush(), 250).unref();
const logger = pino(
  { level: process.env.LOG_LEVEL ?? 'info', base: { service: 'koa-service', version: '0.1.0' }, timestamp: pino.stdTimeFunctions.isoTime },
  dest,
);

const ACCEPTABLE = /^[A-Za-z0-9._:@-]{1,128}$/;
const app = express();
app.disable('x-powered-by');
app.disable('etag');
app.use(
  pinoHttp({
    logger,
    genReqId: (req, res) => {
      const incoming = req.headers['x-request-id'];
      const id = typeof incoming === 'string' && ACCEPTABLE.test(incoming) ? incoming : randomUUID();
      res.setHeader('x-request-id', id);
      return id;
    },
  }),
);
app.use((req, res, next) => {
  const started = process.hrtime.bigint();
  res.once('finish', () => {
    const labels = { method: req.method, route: (req.route as { path?: string } | undefined)?.path ?? 'unmatched', status: String(res.statusCode) };
    requests.inc(labels);
    duration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
  });
  next();
});
app.use(helmet());
app.get('/', (_req, res) => {
  res.json({ service: 'koa-service', version: '0.1.0', revision: null, imageDigest: null });
});
app.get('/healthz', (_req, res) => {
  res.json({ status: 'ok' });
});
app.get('/metrics', async (_req, res) => {
  res.type(register.contentType).send(await register.metrics());
});

const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
server.keepAliveTimeout = 65_000;
process.once('SIGTERM', () => server.close(() => process.exit(0)));
