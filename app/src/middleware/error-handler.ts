// Turns every failure, and every error status left without a body, into `{error, message, requestId}` JSON.
// Client errors keep their message; server errors are logged in full and answered generically.
import { STATUS_CODES } from 'node:http';
import type { Middleware } from 'koa';
import type { AppState } from '../state.js';

interface HttpishError {
  status?: number;
  statusCode?: number;
  expose?: boolean;
  message?: string;
  headers?: Record<string, string>;
}

export function errorHandler(): Middleware<AppState> {
  return async (ctx, next) => {
    try {
      await next();
      // A status with no body (an unmatched route, a 405/501 from the router) gets the JSON shape too.
      if (ctx.status >= 400 && ctx.body == null) {
        if (ctx.status === 404) ctx.throw(404, `no route for ${ctx.method} ${ctx.path}`);
        ctx.throw(ctx.status);
      }
    } catch (caught) {
      const err = (caught ?? {}) as HttpishError;
      const raw = err.status ?? err.statusCode;
      const status = typeof raw === 'number' && raw >= 400 && raw <= 599 ? raw : 500;
      const expose = status < 500 && err.expose !== false;
      if (status >= 500) ctx.state.log?.error({ err: caught }, 'request failed');
      ctx.set(err.headers ?? {});
      ctx.status = status;
      ctx.body = {
        error: STATUS_CODES[status] ?? 'Error',
        message: expose && err.message ? err.message : (STATUS_CODES[status] ?? 'Error'),
        requestId: ctx.state.requestId,
      };
    }
  };
}
