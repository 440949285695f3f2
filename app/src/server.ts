// Runs the app on a port and shuts it down gracefully: readiness fails first, then the listener
// closes, in-flight requests finish (up to the timeout) and idle keep-alive sockets are closed.
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { createApp } from './app.js';
import type { Config } from './config.js';
import { Lifecycle } from './lifecycle.js';

export interface RunningServer {
  server: Server;
  lifecycle: Lifecycle;
  port: number;
  /** Resolves true when every in-flight request finished, false when the timeout cut them off. */
  shutdown(reason: string): Promise<boolean>;
}

export async function startServer(config: Config, logger: Logger): Promise<RunningServer> {
  const lifecycle = new Lifecycle();
  const app = createApp({ config, logger, lifecycle });
  const server = createServer(app.callback());
  server.keepAliveTimeout = 65_000; // longer than common load-balancer idle timeouts
  server.headersTimeout = 66_000;
  server.requestTimeout = 30_000;

  server.listen(config.port, config.host);
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  lifecycle.markReady();
  logger.info({ host: config.host, port }, 'listening');

  let closing: Promise<boolean> | undefined;
  const shutdown = (reason: string): Promise<boolean> => {
    closing ??= (async () => {
      lifecycle.markShuttingDown();
      logger.info({ reason, delayMs: config.shutdownDelayMs, timeoutMs: config.shutdownTimeoutMs }, 'shutting down');
      if (config.shutdownDelayMs > 0) await sleep(config.shutdownDelayMs);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), config.shutdownTimeoutMs);
      });
      const drained = await Promise.race([closed.then(() => true as const), timedOut]);
      clearTimeout(timer);
      if (!drained) {
        logger.warn('shutdown timeout reached; closing remaining connections');
        server.closeAllConnections();
      }
      logger.info({ drained }, 'stopped');
      return drained;
    })();
    return closing;
  };

  return { server, lifecycle, port, shutdown };
}
