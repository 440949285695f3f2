// A middle point for bench/app.bench.ts (it lives in app/ to use the service's own koa): Koa and @koa/router answering the same bytes with none of
// the service's middleware (no request id, logs, metrics or security headers). It separates the
// framework's cost from the cost of the production middleware.
import Router from '@koa/router';
import Koa from 'koa';
import { createServer } from 'node:http';

const app = new Koa();
const router = new Router();
router.get('/', (ctx) => {
  ctx.body = { service: 'koa-service', version: '0.1.0', revision: null, imageDigest: null };
});
router.get('/healthz', (ctx) => {
  ctx.body = { status: 'ok' };
});
app.use(router.routes());
const server = createServer(app.callback());
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
process.once('SIGTERM', () => server.close(() => process.exit(0)));
