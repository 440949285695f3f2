// One error type for the whole pipeline: a code from a closed set, the step that failed, and the
// cause. Callers branch on `code` and fields (exit status, retry, verdicts); the message is for
// people and nothing reads it.

export const ERROR_CODES = [
  /** The command line is wrong: exit 2, nothing ran. */
  'usage',
  /** A file, key or environment value the run was given is missing or wrong, found while running. */
  'input',
  /** A reference that is not name@sha256:<64 hex> where one is required. */
  'reference',
  /** A pinned tool is not installed. */
  'tool-missing',
  /** A tool ran and failed. */
  'tool-failed',
  /** A tool or a registry outlived its deadline. */
  'timeout',
  /** The registry could not be reached, refused us, or stored something else. */
  'registry',
  /** Signing or attaching an attestation failed. */
  'signing',
  /** A signature, attestation, provenance or policy did not verify. */
  'verification',
  /** The trust rule refuses this release (its tag or signing identity). */
  'untrusted-release',
  /** A path read from provenance leaves the checked-out source. */
  'unconfined-path',
  /** Stopped on purpose: a sibling step failed. */
  'cancelled',
  /** Building, testing or packaging the service or chart failed. */
  'build',
  /** The machine lacks something the run needs (a git checkout, unshare, a free port). */
  'environment',
  /** None of the above: a fault of the pipeline's own, or an error from outside it without a code. */
  'internal',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface PipelineErrorOptions {
  cause?: unknown;
  /** The step that failed (`publish`, `sign`, …), where one did. */
  step?: string;
}

export class PipelineError extends Error {
  override name = 'PipelineError';
  readonly code: ErrorCode;
  readonly step: string | undefined;

  constructor(code: ErrorCode, message: string, options: PipelineErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.step = options.step;
  }
}

/** The errors `err` is made of: itself, then its causes. */
function* causeChain(err: unknown): Generator<unknown> {
  for (let e: unknown = err, depth = 0; e !== undefined && depth < 32; e = e instanceof Error ? e.cause : undefined, depth++) yield e;
}

/** Whether `err`, or an error it was caused by, carries `code`. */
export function hasCode(err: unknown, code: ErrorCode): boolean {
  for (const e of causeChain(err)) if (e instanceof PipelineError && e.code === code) return true;
  return false;
}

/** The first error in `err`'s cause chain that is a `T`. */
export function findCause<T>(err: unknown, type: abstract new (...args: never[]) => T): T | undefined {
  for (const e of causeChain(err)) if (e instanceof type) return e;
  return undefined;
}

/** The outermost code (a step's failure takes its cause's), or undefined for a foreign error. */
export function codeOf(err: unknown): ErrorCode | undefined {
  for (const e of causeChain(err)) if (e instanceof PipelineError) return e.code;
  return undefined;
}

/** The message of any thrown value. */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** A usage error (exit 2): what is wrong and what to give instead. */
export class UsageError extends PipelineError {
  override name = 'UsageError';
  constructor(message: string, options: PipelineErrorOptions = {}) {
    super('usage', message, options);
  }
}

/** Why a tool stopped without success: its exit status, a signal, our deadline, or it never started. */
export type ToolExit =
  | { kind: 'exit'; status: number }
  | { kind: 'signal'; signal: NodeJS.Signals }
  | { kind: 'timeout'; afterMs: number }
  | { kind: 'not-started'; reason: string };

/** What a registry told a tool, read once from the tool's own output where it failed. */
export type RegistryFault = 'unavailable' | 'unauthorized' | 'denied';

/** A tool that failed: which one, how it stopped, what it printed (scrubbed of secrets). */
export class CommandError extends PipelineError {
  override name = 'CommandError';
  constructor(
    message: string,
    /** `crane push`, `cosign sign`: the tool and its subcommand. */
    readonly command: string,
    readonly exit: ToolExit,
    readonly output: string,
    /** What the registry answered, as the tool's output reports it (a 401 and a 503 can both show). */
    readonly registryFaults: readonly RegistryFault[] = [],
    /** Why it could not start (the spawn error). */
    cause?: unknown,
  ) {
    super(exit.kind === 'timeout' ? 'timeout' : exit.kind === 'not-started' ? 'environment' : 'tool-failed', message, { cause });
  }

  /** The exit status, or null when the tool did not exit by itself. */
  get exitCode(): number | null {
    return this.exit.kind === 'exit' ? this.exit.status : null;
  }
}
