// Structured JSON logs on stdout, one object per line, with the service's identity on each.
// Written asynchronously and in batches (a request never waits on a write to stdout): buffered up
// to 4 KiB, flushed at least every 250 ms, and synchronously when the process exits.
import { pino, type DestinationStream, type Logger } from 'pino';
import type { Config } from './config.js';

function stdoutInBatches(): DestinationStream {
  const dest = pino.destination({ dest: 1, sync: false, minLength: 4096 });
  setInterval(() => dest.flush(), 250).unref();
  process.once('exit', () => dest.flushSync());
  return dest;
}

/**
 * pino's ISO time field (`,"time":"…"`), formatted once per millisecond: a busy service writes many
 * lines within the same one, and formatting a date costs more than the rest of a line's fields.
 */
export function isoTimeOncePerMillisecond(now: () => number = Date.now): () => string {
  let last = Number.NaN;
  let field = '';
  return () => {
    const ms = now();
    if (ms !== last) {
      last = ms;
      field = `,"time":"${new Date(ms).toISOString()}"`;
    }
    return field;
  };
}

export function createLogger(config: Pick<Config, 'logLevel' | 'service' | 'version'>, destination?: DestinationStream): Logger {
  const options = {
    level: config.logLevel,
    base: { service: config.service, version: config.version },
    timestamp: isoTimeOncePerMillisecond(),
    formatters: { level: (label: string) => ({ level: label }) },
  };
  return pino(options, destination ?? stdoutInBatches());
}
