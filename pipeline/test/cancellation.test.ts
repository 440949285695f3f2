// concurrently with real processes: a failure kills or refuses its siblings' commands.
import { describe, expect, it } from 'vitest';
import { Cancelled, cancellation, concurrently, eachConcurrently, isCancelled } from '../src/concurrently.js';
import { run } from '../src/exec.js';
import { isTransient } from '../src/retry.js';

describe('concurrently, with commands', () => {
  it('once a task fails, kills the commands its siblings run and starts none, even in nested groups', async () => {
    const outcomes: unknown[] = [];
    const settle = (work: () => Promise<unknown>) => () => work().catch((err: unknown) => (outcomes.push(err), Promise.reject(err)));
    const started = performance.now();
    /** The moment this group's tasks are told to stop. */
    const aborted = () => new Promise<void>((resolve) => cancellation()!.addEventListener('abort', () => resolve(), { once: true }));
    const failure = concurrently([
      settle(() => run('sleep', ['30'])), // killed
      settle(() => aborted().then(() => run('true', []))), // asked for once the failure is known: never started
      settle(() => eachConcurrently(['30', '31'], (n) => run('sleep', [n]))), // a nested group, killed too
      // Every command above is spawned before this task starts (run spawns at once), so they are
      // running when it fails.
      () => Promise.reject(new Error('the real failure')),
    ]);
    await expect(failure).rejects.toThrow('the real failure');
    expect(outcomes).toHaveLength(3);
    for (const err of outcomes) {
      expect(err).toBeInstanceOf(Cancelled);
      expect(isCancelled(err)).toBe(true);
      expect((err as Error).message).toMatch(/^(sleep|true)( .*)? stopped: another step failed$/);
    }
    expect(performance.now() - started).toBeLessThan(20_000); // not the sleeps' 30 s
    expect(isCancelled(new Error('wrapped', { cause: outcomes[0] }))).toBe(true);
    expect(isTransient(new Error('wrapped', { cause: outcomes[0] }))).toBe(false);
  });
});
