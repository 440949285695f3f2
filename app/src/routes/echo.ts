// POST /api/echo: returns the JSON body it was given. JSON only (415), at most 64 KiB (413),
// well-formed (400).
import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import type { AppState } from '../state.js';

export const ECHO_BODY_LIMIT = '64kb';

export function echoRoutes(): Router<AppState> {
  const router = new Router<AppState>();
  const json = bodyParser({ enableTypes: ['json'], jsonLimit: ECHO_BODY_LIMIT, encoding: 'utf-8' });
  router.post(
    '/api/echo',
    async (ctx, next) => {
      if (!ctx.is('application/json')) {
        ctx.throw(415, 'send the body as application/json');
      }
      await next();
    },
    json,
    (ctx) => {
      ctx.body = { echo: (ctx.request as { body?: unknown }).body ?? null };
    },
  );
  return router;
}
