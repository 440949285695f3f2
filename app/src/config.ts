// Configuration from the environment, validated once at start-up. A bad value stops the service
// with one line naming the variable, instead of a surprise later.
import { z } from 'zod';

const integer = (min: number, max: number) => {
  const error = `must be a whole number from ${min} to ${max}`;
  return z.coerce.number({ error }).int({ error }).min(min, { error }).max(max, { error });
};

const schema = z.object({
  PORT: integer(0, 65535).default(8080),
  HOST: z.string().min(1).default('0.0.0.0'),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      error: 'must be one of fatal, error, warn, info, debug, trace, silent',
    })
    .default('info'),
  SHUTDOWN_TIMEOUT_MS: integer(0, 3_600_000).default(10_000),
  SHUTDOWN_DELAY_MS: integer(0, 3_600_000).default(0),
  SERVICE_NAME: z.string().min(1).default('koa-service'),
  APP_VERSION: z.string().min(1).optional(),
  GIT_REVISION: z
    .string()
    .regex(/^[0-9a-f]{7,64}$/, 'must be a hex git revision')
    .optional(),
  IMAGE_DIGEST: z
    .string()
    .regex(/^sha256:[0-9a-f]{64}$/, 'must be sha256: followed by 64 lowercase hex digits')
    .optional(),
});

export interface Config {
  port: number;
  host: string;
  logLevel: string;
  shutdownTimeoutMs: number;
  /** How long readiness reports 503 before the listener closes (lets load balancers catch up). */
  shutdownDelayMs: number;
  service: string;
  version: string;
  revision: string | null;
  imageDigest: string | null;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Reads and validates the configuration; throws a ConfigError naming the first bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv, defaults: { version: string }): Config {
  // An empty variable means "not set", as a shell's `FOO= node …` intends.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0] ?? 'environment');
    const value = env[name];
    throw new ConfigError(`invalid ${name}=${JSON.stringify(value)}: ${issue.message}`);
  }
  const c = parsed.data;
  return {
    port: c.PORT,
    host: c.HOST,
    logLevel: c.LOG_LEVEL,
    shutdownTimeoutMs: c.SHUTDOWN_TIMEOUT_MS,
    shutdownDelayMs: c.SHUTDOWN_DELAY_MS,
    service: c.SERVICE_NAME,
    version: c.APP_VERSION ?? defaults.version,
    revision: c.GIT_REVISION ?? null,
    imageDigest: c.IMAGE_DIGEST ?? null,
  };
}
