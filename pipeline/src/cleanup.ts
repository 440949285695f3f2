// What a run has started (a registry, a temporary credentials folder, a temporary directory) is
// registered here and released on every exit path: normal return, thrown error, SIGINT or SIGTERM.
type Release = () => Promise<void>;

const pending = new Set<Release>();

/** Registers a release; call the returned function to release (once) and unregister. */
export function onCleanup(release: Release): () => Promise<void> {
  let done = false;
  const once = async () => {
    if (done) return;
    done = true;
    pending.delete(once);
    await release();
  };
  pending.add(once);
  return once;
}

/** Releases everything still registered, newest first; errors are reported, not thrown. */
export async function cleanupAll(report: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Promise<void> {
  for (const release of [...pending].reverse()) {
    await release().catch((err: unknown) => report(`cleanup: ${(err as Error).message ?? String(err)}`));
  }
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
      process.stderr.write(`${label}: ${signal}: stopping what this run started\n`);
      void cleanupAll().finally(() => process.exit(code));
    });
  }
}
