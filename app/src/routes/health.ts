// Liveness says the process answers; readiness says it wants traffic (false once shutdown starts).
import Router from '@koa/router';
import type { Lifecycle } from '../lifecycle.js';
import type { AppState } from '../state.js';

export function healthRoutes(lifecycle: Lifecycle): Router<AppState> {
  const router = new Router<AppState>();
  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  router.get('/readyz', (ctx) => {
    const ready = lifecycle.ready;
    ctx.status = ready ? 200 : 503;
    ctx.body = { status: ready ? 'ready' : lifecycle.shuttingDown ? 'shutting down' : 'starting' };
  });
  return router;
}
