// Independent work at once, without leaving any of it running: every task settles before the
// first failure (in the order given, so the same failure wins on every run) is thrown.

type Settled<T extends readonly unknown[]> = { -readonly [K in keyof T]: Awaited<T[K]> };

/** Awaits every task; throws the first failure, in argument order, once all have settled. */
export async function concurrently<T extends readonly unknown[]>(tasks: readonly [...{ [K in keyof T]: Promise<T[K]> }]): Promise<Settled<T>> {
  const results = await Promise.allSettled(tasks);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<unknown>).value) as Settled<T>;
}

/** `concurrently` over a list: one task per item, results in the list's order. */
export function eachConcurrently<I, T>(items: readonly I[], task: (item: I) => Promise<T>): Promise<T[]> {
  return concurrently(items.map(task)) as Promise<T[]>;
}
