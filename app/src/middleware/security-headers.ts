// Security headers as helmet decides them (CSP, HSTS, nosniff, frame options, …). Helmet's policy
// is static for a given configuration, so it is asked once, at start-up, and the resulting headers
// are set on every response: the same headers as running helmet per request, at a fraction of
// the cost.
import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet, { type HelmetOptions } from 'helmet';
import type { Middleware } from 'koa';

/** Runs helmet against a recording response and returns what it would set and remove. */
export function helmetHeaders(options?: Readonly<HelmetOptions>): { set: Record<string, string>; remove: string[] } {
  const set: Record<string, string> = {};
  const remove: string[] = [];
  const res = {
    setHeader(name: string, value: string | number | readonly string[]) {
      set[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
      return res;
    },
    removeHeader(name: string) {
      remove.push(name.toLowerCase());
    },
  };
  let called = false;
  helmet(options)({} as IncomingMessage, res as unknown as ServerResponse, () => {
    called = true;
  });
  if (!called) throw new Error('helmet did not finish synchronously; its headers cannot be precomputed');
  return { set, remove };
}

export function securityHeaders(options?: Readonly<HelmetOptions>): Middleware {
  const { set, remove } = helmetHeaders(options);
  const headers = Object.entries(set);
  return (ctx, next) => {
    // Straight onto the response: these are fixed strings, Koa's per-header checks add nothing.
    for (const [name, value] of headers) ctx.res.setHeader(name, value);
    for (const name of remove) ctx.res.removeHeader(name);
    return next();
  };
}
