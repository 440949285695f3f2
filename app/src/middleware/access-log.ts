// One structured log line per request, with a request-scoped child logger for the handlers.
import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import type { AppState } from '../state.js';

export function accessLog(logger: Logger): Middleware<AppState> {
  return async (ctx, next) => {
    const started = performance.now();
    const requestId = ctx.state.requestId;
    // The child logger is made only if a handler asks for it: most requests never log themselves.
    let child: Logger | undefined;
    Object.defineProperty(ctx.state, 'log', { get: () => (child ??= logger.child({ requestId })), configurable: true, enumerable: true });
    try {
      await next();
    } finally {
      const ms = performance.now() - started;
      const level = ctx.status >= 500 ? 'error' : ctx.status >= 400 ? 'warn' : 'info';
      if (logger.isLevelEnabled(level)) {
        logger[level]({ requestId, method: ctx.method, path: ctx.path, status: ctx.status, durationMs: Math.round(ms * 100) / 100 }, 'request');
      }
    }
  };
}
