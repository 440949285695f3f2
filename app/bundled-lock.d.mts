// Types for bundled-lock.mjs (plain JavaScript, so that app/build.mjs runs without a compiler).
export interface Lockfile {
  name?: string;
  version?: string;
  lockfileVersion: number;
  packages: Record<string, Record<string, unknown>>;
}
export function packageKey(input: string): string | undefined;
export function bundledLock(lock: Lockfile, inputs: readonly string[]): Lockfile & { requires: true };
