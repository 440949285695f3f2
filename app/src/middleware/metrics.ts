// Request count and duration by route template (never the raw path: bounded label cardinality).
import type { Middleware } from 'koa';
import { Counter, Histogram, type Registry } from 'prom-client';
import type { AppState } from '../state.js';

export function httpMetrics(register: Registry): Middleware<AppState> {
  const labelNames = ['method', 'route', 'status'] as const;
  const requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests handled, by method, route template and status.',
    labelNames,
    registers: [register],
  });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration in seconds, by method, route template and status.',
    labelNames,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [register],
  });
  // One bound child per label combination (bounded: route templates, not paths), so a request
  // costs a map lookup instead of hashing its labels twice.
  const series = new Map<string, { count: ReturnType<typeof requests.labels>; observe: ReturnType<typeof duration.labels> }>();
  const bound = (method: string, route: string, status: string) => {
    const key = `${method} ${route} ${status}`;
    let s = series.get(key);
    if (!s) {
      const labels = { method, route, status };
      s = { count: requests.labels(labels), observe: duration.labels(labels) };
      series.set(key, s);
    }
    return s;
  };
  return async (ctx, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      const matched = (ctx as { _matchedRoute?: unknown })._matchedRoute;
      const s = bound(ctx.method, typeof matched === 'string' ? matched : 'unmatched', String(ctx.status));
      s.count.inc();
      s.observe.observe((performance.now() - started) / 1000);
    }
  };
}
