// Types for locations.mjs (plain JavaScript, so that scripts/cli.mjs runs it before any build).
export function cacheHome(env?: NodeJS.ProcessEnv): string;
export function toolsDirFor(lockText: string, env?: NodeJS.ProcessEnv): string;
export function toolsDir(env?: NodeJS.ProcessEnv, root?: string): string;
export function venvDir(env?: NodeJS.ProcessEnv): string;
export function goCaches(env?: NodeJS.ProcessEnv): { GOMODCACHE: string; GOCACHE: string };
