// Retries a whole tool invocation when it failed for a reason that may pass (the registry was
// unavailable: a 5xx, a reset, a timeout). crane and cosign already retry single requests; this
// covers what is left (helm, and faults that outlast a tool's own attempts). A push is idempotent,
// so trying again is safe.
import { setTimeout as sleep } from 'node:timers/promises';
import { CommandError, findCause, hasCode, messageOf } from '@release-pipeline/core/errors.js';

/** A tool that stopped because the registry was unavailable, or that outlived its deadline; never a cancelled one. */
export function isTransient(err: unknown): boolean {
  if (hasCode(err, 'cancelled')) return false; // stopped on purpose: another step failed
  const failed = findCause(err, CommandError);
  return failed !== undefined && (failed.registryFaults.includes('unavailable') || failed.exit.kind === 'timeout');
}

export interface RetryOptions {
  attempts?: number;
  /** Delay before the second attempt; doubled each time. */
  firstDelayMs?: number;
  onRetry?: (attempt: number, err: unknown) => void;
}

export async function withRetry<T>(work: () => Promise<T>, opts: RetryOptions = {}): Promise<T> {
  const attempts = opts.attempts ?? 3;
  let delay = opts.firstDelayMs ?? 500;
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (err) {
      if (attempt >= attempts || !isTransient(err)) throw err;
      opts.onRetry?.(attempt, err);
      await sleep(delay);
      delay *= 2;
    }
  }
}

/** Retries of `what`, said as a progress line each. */
export const sayRetries = (progress: { info(line: string): void }, what: string): RetryOptions => ({
  onRetry: (n, err) => progress.info(`${what} attempt ${n} failed (${firstLine(err)}); retrying`),
});

export function firstLine(err: unknown): string {
  return messageOf(err).split('\n')[0]!.slice(0, 160);
}
