// `node dist/healthcheck.js URL`: exits 0 when URL answers 2xx within 3 s, 1 otherwise. Used by the
// chart's `helm test` pod, so the check runs in the app image itself, pinned by the same digest.
const url = process.argv[2] ?? `http://127.0.0.1:${process.env.PORT ?? '8080'}/healthz`;
try {
  const res = await fetch(url, { signal: AbortSignal.timeout(3000) });
  process.stdout.write(`${url} ${res.status}\n`);
  process.exit(res.ok ? 0 : 1);
} catch (err) {
  process.stderr.write(`${url} unreachable: ${(err as Error).message}\n`);
  process.exit(1);
}
