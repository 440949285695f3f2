// What a run has started (a registry, a temporary credentials folder, a temporary directory) is
// registered here and released on every exit path: normal return, thrown error, SIGINT or SIGTERM.
type Release = () => Promise<void>;

const pending = new Set<Release>();
/** Releases under way, so that a signal arriving meanwhile waits for them before the process exits. */
const running = new Set<Promise<void>>();

/** Registers a release; call the returned function to release (once; later calls share the first) and unregister. */
export function onCleanup(release: Release): () => Promise<void> {
  let done: Promise<void> | undefined;
  const once = () => {
    if (!done) {
      pending.delete(once);
      done = release();
      running.add(done);
      void done.catch(() => undefined).finally(() => running.delete(done!));
    }
    return done;
  };
  pending.add(once);
  return once;
}

/** Releases everything still registered, newest first, and waits for releases already under way; errors are reported, not thrown. */
export async function cleanupAll(report: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Promise<void> {
  for (const release of [...pending].reverse()) {
    await release().catch((err: unknown) => report(`cleanup: ${(err as Error).message ?? String(err)}`));
  }
  await Promise.allSettled([...running]);
}

let interrupted: number | undefined;

/** 130/143 once a signal arrived: the exit code that wins over whatever the interrupted work then threw. */
export function interruptedExitCode(): number | undefined {
  return interrupted;
}

/**
 * On SIGINT/SIGTERM: release everything, then exit 130/143 (128 + signal number), as a shell
 * reports a command killed by that signal.
 */
export function exitCleanlyOnSignals(label: string): void {
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    process.once(signal, () => {
      interrupted = code;
      process.stderr.write(`${label}: ${signal}: stopping what this run started\n`);
      void cleanupAll().finally(() => process.exit(code));
    });
  }
}
