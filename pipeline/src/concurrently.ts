// Independent work at once, without leaving any of it running. Once one task fails, the others are
// stopped: every command they run (exec.ts) is killed or refused, and the first real failure (in
// the order given, when several fail on their own) is thrown once every task has settled.
import { AsyncLocalStorage } from 'node:async_hooks';
import { setMaxListeners } from 'node:events';
import { hasCode, PipelineError } from '@release-pipeline/core/errors.js';

/** What a task meets once a sibling failed: its command was killed, or not started. */
export class Cancelled extends PipelineError {
  override name = 'Cancelled';
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('cancelled', message, options);
  }
}

/** Whether `err` (or what it wraps, through `cause`) is a task stopped because a sibling failed. */
export function isCancelled(err: unknown): boolean {
  return hasCode(err, 'cancelled');
}

const scope = new AsyncLocalStorage<AbortSignal>();

/**
 * The signal of the innermost `concurrently` the caller runs under, aborted (with a `Cancelled`)
 * once a sibling task, or a sibling of an enclosing one, failed; undefined outside of any.
 */
export function cancellation(): AbortSignal | undefined {
  return scope.getStore();
}

type Settled<T extends readonly unknown[]> = { -readonly [K in keyof T]: Awaited<T[K]> };

/** Runs every task at once; on a failure stops the rest, and throws that failure once all settled. */
export async function concurrently<T extends readonly unknown[]>(tasks: readonly [...{ [K in keyof T]: () => Promise<T[K]> }]): Promise<Settled<T>> {
  const siblings = new AbortController();
  const enclosing = scope.getStore();
  const signal = enclosing ? AbortSignal.any([enclosing, siblings.signal]) : siblings.signal;
  // One listener per command running under it, removed when the command ends: many at once (verify
  // renders a chart for a dozen Kubernetes versions) is not a leak, so no warning on stderr.
  setMaxListeners(0, siblings.signal, signal);
  const results = await Promise.allSettled(
    tasks.map((task) =>
      scope.run(signal, async () => {
        try {
          return await task();
        } catch (err) {
          if (!isCancelled(err)) siblings.abort(new Cancelled('stopped: another step failed', { cause: err }));
          throw err;
        }
      }),
    ),
  );
  const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as unknown);
  if (failures.length > 0) throw failures.find((err) => !isCancelled(err)) ?? failures[0];
  return results.map((r) => (r as PromiseFulfilledResult<unknown>).value) as Settled<T>;
}

/** `concurrently` over a list: one task per item, results in the list's order. */
export function eachConcurrently<I, T>(items: readonly I[], task: (item: I) => Promise<T>): Promise<T[]> {
  return concurrently(items.map((item) => () => task(item))) as Promise<T[]>;
}
