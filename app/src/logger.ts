// Structured JSON logs on stdout, one object per line, with the service's identity on each.
import { pino, type DestinationStream, type Logger } from 'pino';
import type { Config } from './config.js';

export function createLogger(config: Pick<Config, 'logLevel' | 'service' | 'version'>, destination?: DestinationStream): Logger {
  const options = {
    level: config.logLevel,
    base: { service: config.service, version: config.version },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
  };
  return destination ? pino(options, destination) : pino(options);
}
