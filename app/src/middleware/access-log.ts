// One structured log line per request, with a request-scoped child logger for the handlers.
import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import type { AppState } from '../state.js';

export function accessLog(logger: Logger): Middleware<AppState> {
  return async (ctx, next) => {
    const started = process.hrtime.bigint();
    ctx.state.log = logger.child({ requestId: ctx.state.requestId });
    try {
      await next();
    } finally {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const level = ctx.status >= 500 ? 'error' : ctx.status >= 400 ? 'warn' : 'info';
      ctx.state.log[level](
        { method: ctx.method, path: ctx.path, status: ctx.status, durationMs: Math.round(ms * 100) / 100 },
        'request',
      );
    }
  };
}
