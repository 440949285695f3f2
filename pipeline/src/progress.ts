// Step progress, one line per event so it reads the same in a terminal and in a CI log.
import { isCancelled } from './concurrently.js';
import { codeOf, messageOf, PipelineError } from '@release-pipeline/core/errors.js';

/** A step's result with a short note for the progress line ("3 blobs pushed"), and whether it was cached: nothing done. */
export class Noted<T> {
  constructor(
    readonly value: T,
    readonly note: string,
    /** Nothing was done: the result was there already (a cache, or the registry). */
    readonly cached: boolean,
  ) {}

  /** The note as the progress line shows it. */
  get text(): string {
    if (!this.cached) return this.note;
    return this.note ? `cached: ${this.note}` : 'cached';
  }
}

/** A step's result, made by this run. */
export const noted = <T>(value: T, note: string): Noted<T> => new Noted(value, note, false);

/** A step's result that was there already: nothing was done. */
export const cached = <T>(value: T, note = ''): Noted<T> => new Noted(value, note, true);

/** Made by this run, or cached, as `made` says. */
export const notedAs = <T>(made: boolean, value: T, note: string): Noted<T> => new Noted(value, note, !made);

/** A step's failure: its message starts with the step's name, its code is its cause's, the step a field. */
function failedStep(step: string, cause: unknown): PipelineError {
  if (cause instanceof PipelineError && cause.step !== undefined) return cause;
  return new PipelineError(codeOf(cause) ?? 'internal', `${step}: ${messageOf(cause)}`, { cause, step });
}

export class Progress {
  readonly timings: Array<{ step: string; ms: number; result: 'ok' | 'cached' | 'failed' | 'stopped'; note?: string }> = [];

  constructor(private readonly write: (line: string) => void = (l) => process.stderr.write(`${l}\n`)) {}

  async step<T>(name: string, work: () => Promise<T | Noted<T>>): Promise<T> {
    const started = performance.now();
    this.write(`▶ ${name}`);
    try {
      const out = await work();
      const ms = performance.now() - started;
      const outcome = out instanceof Noted ? out : new Noted(out, '', false);
      const note = outcome.text || undefined;
      this.timings.push({ step: name, ms, result: outcome.cached ? 'cached' : 'ok', note });
      this.write(`✔ ${name} ${seconds(ms)}${note ? ` (${note})` : ''}`);
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
