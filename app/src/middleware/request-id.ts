// Gives every request an id: the caller's `x-request-id` when it is sane, a new UUID otherwise.
import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';
import type { AppState } from '../state.js';

const HEADER = 'x-request-id';
// Printable, no spaces, bounded: an id that is safe to log and echo back.
const ACCEPTABLE = /^[A-Za-z0-9._:@-]{1,128}$/;

export function requestId(): Middleware<AppState> {
  return async (ctx, next) => {
    const incoming = ctx.get(HEADER);
    ctx.state.requestId = ACCEPTABLE.test(incoming) ? incoming : randomUUID();
    ctx.set(HEADER, ctx.state.requestId);
    await next();
  };
}
