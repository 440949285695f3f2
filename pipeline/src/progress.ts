// Step progress, one line per event so it reads the same in a terminal and in a CI log.
import { isCancelled } from './concurrently.js';
import { codeOf, messageOf, PipelineError } from '../../ci/src/core/errors.js';

/** A step's result with a short note for the progress line ("cached", "3 blobs pushed"). */
export class Noted<T> {
  constructor(
    readonly value: T,
    readonly note: string,
  ) {}
}

export const noted = <T>(value: T, note: string): Noted<T> => new Noted(value, note);

/** A step's failure: its message starts with the step's name, its code is its cause's, the step a field. */
function failedStep(step: string, cause: unknown): PipelineError {
  if (cause instanceof PipelineError && cause.step !== undefined) return cause;
  return new PipelineError(codeOf(cause) ?? 'build', `${step}: ${messageOf(cause)}`, { cause, step });
}

export class Progress {
  readonly timings: Array<{ step: string; ms: number; result: 'ok' | 'skipped' | 'failed' | 'stopped'; note?: string }> = [];

  constructor(private readonly write: (line: string) => void = (l) => process.stderr.write(`${l}\n`)) {}

  async step<T>(name: string, work: () => Promise<T | Noted<T>>): Promise<T> {
    const started = performance.now();
    this.write(`▶ ${name}`);
    try {
      const out = await work();
      const ms = performance.now() - started;
      const outcome: { value: T; note?: string } = out instanceof Noted ? out : { value: out };
      const skipped = outcome.note?.startsWith('cached') ?? false;
      this.timings.push({ step: name, ms, result: skipped ? 'skipped' : 'ok', ...(outcome.note ? { note: outcome.note } : {}) });
      this.write(`✔ ${name} ${seconds(ms)}${outcome.note ? ` (${outcome.note})` : ''}`);
      return outcome.value;
    } catch (err) {
      const ms = performance.now() - started;
      const stopped = isCancelled(err);
      this.timings.push({ step: name, ms, result: stopped ? 'stopped' : 'failed' });
      this.write(stopped ? `■ ${name} ${seconds(ms)} (stopped: another step failed)` : `✘ ${name} ${seconds(ms)}`);
      throw failedStep(name, err);
    }
  }

  info(line: string): void {
    this.write(`  ${line}`);
  }
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}
