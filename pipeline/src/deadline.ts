// One deadline for a whole command, handed to each tool it runs as what is left of it.

/** run()'s timeout for one call before `deadline` (epoch ms): at least a second, so a late call fails as timed out. */
export function timeLeft(deadline: number | undefined): { timeoutMs?: number } {
  return deadline === undefined ? {} : { timeoutMs: Math.max(1000, deadline - Date.now()) };
}
