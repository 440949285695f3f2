// Prometheus exposition of the service's registry.
import Router from '@koa/router';
import type { Registry } from 'prom-client';
import type { AppState } from '../state.js';

export function metricsRoutes(register: Registry): Router<AppState> {
  const router = new Router<AppState>();
  router.get('/metrics', async (ctx) => {
    ctx.type = register.contentType;
    ctx.body = await register.metrics();
  });
  return router;
}
