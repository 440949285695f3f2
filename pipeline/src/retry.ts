// Retries a whole tool invocation when it failed for a reason that may pass (a 5xx, a reset, a
// timeout). crane and cosign already retry single requests; this covers what is left (helm, and
// faults that outlast a tool's own attempts). A push is idempotent, so trying again is safe.
import { setTimeout as sleep } from 'node:timers/promises';
import { isCancelled } from './concurrently.js';

const TRANSIENT =
  /\b(5\d\d|connection reset|ECONNRESET|ECONNREFUSED|EOF|broken pipe|timeout|timed out|Service Unavailable|Bad Gateway|Internal Server Error|too many requests|TOOMANYREQUESTS|UNAVAILABLE|429)\b/i;

export function isTransient(err: unknown): boolean {
  if (isCancelled(err)) return false; // stopped on purpose: another step failed
  return TRANSIENT.test(err instanceof Error ? err.message : String(err));
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

export function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0]!.slice(0, 160);
}
