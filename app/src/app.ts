// Composes the service from small middleware, in the order a request meets them.
import Router from '@koa/router';
import Koa from 'koa';
import type { Logger } from 'pino';
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { Config } from './config.js';
import type { Lifecycle } from './lifecycle.js';
import { accessLog } from './middleware/access-log.js';
import { drain } from './middleware/drain.js';
import { errorHandler } from './middleware/error-handler.js';
import { httpMetrics } from './middleware/metrics.js';
import { requestId } from './middleware/request-id.js';
import { securityHeaders } from './middleware/security-headers.js';
import { echoRoutes } from './routes/echo.js';
import { healthRoutes } from './routes/health.js';
import { infoRoutes } from './routes/info.js';
import { metricsRoutes } from './routes/metrics.js';
import type { AppState } from './state.js';

export interface AppDeps {
  config: Config;
  logger: Logger;
  lifecycle: Lifecycle;
}

export function createApp({ config, logger, lifecycle }: AppDeps): Koa<AppState> {
  const app = new Koa<AppState>({ proxy: false });
  app.silent = true; // errors are logged by errorHandler with their request id
  const register = new Registry();
  collectDefaultMetrics({ register });

  app.use(requestId());
  app.use(accessLog(logger));
  app.use(httpMetrics(register));
  app.use(drain(lifecycle));
  app.use(securityHeaders());
  app.use(errorHandler());

  const router = new Router<AppState>();
  for (const routes of [infoRoutes(config), healthRoutes(lifecycle), metricsRoutes(register), echoRoutes()]) {
    router.use(routes.routes());
  }
  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}
