// While shutting down, ask keep-alive clients to reconnect elsewhere after this response.
import type { Middleware } from 'koa';
import type { Lifecycle } from '../lifecycle.js';

export function drain(lifecycle: Lifecycle): Middleware {
  return async (ctx, next) => {
    await next();
    if (lifecycle.shuttingDown) ctx.set('Connection', 'close');
  };
}
