// Entry point: validate config, start, and stop cleanly on SIGTERM/SIGINT.
import { readFileSync } from 'node:fs';
import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { startServer } from './server.js';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

let config;
try {
  config = loadConfig(process.env, { version: pkg.version });
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  process.stderr.write(`koa-service: ${err.message}\n`);
  process.exit(2);
}

const logger = createLogger(config);
const running = await startServer(config, logger);

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    void running.shutdown(signal).then((drained) => process.exit(drained ? 0 : 1));
  });
}
process.on('unhandledRejection', (reason) => {
  logger.fatal({ err: reason }, 'unhandled rejection');
  process.exit(1);
});
