// Gives every request an id: the caller's `x-request-id` when it is sane, a new UUID otherwise.
import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';
import type { AppState } from '../state.js';

const HEADER = 'x-request-id';
// Printable, no spaces, bounded: an id that is safe to log and echo back.
const ACCEPTABLE = /^[A-Za-z0-9._:@-]{1,128}$/;

export function requestId(): Middleware<AppState> {
  // Hands on with `return next()`: no async frame of its own for a middleware with nothing to do after.
  return (ctx, next) => {
    const incoming = ctx.get(HEADER);
    ctx.state.requestId = ACCEPTABLE.test(incoming) ? incoming : randomUUID();
    ctx.res.setHeader(HEADER, ctx.state.requestId);
    return next();
  };
}
