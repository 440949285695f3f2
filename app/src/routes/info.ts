// What is running: service, version, git revision and the image digest it was deployed from.
import Router from '@koa/router';
import type { Config } from '../config.js';
import type { AppState } from '../state.js';

export function infoRoutes(config: Config): Router<AppState> {
  const router = new Router<AppState>();
  const info = {
    service: config.service,
    version: config.version,
    revision: config.revision,
    imageDigest: config.imageDigest,
  };
  router.get('/', (ctx) => {
    ctx.body = info;
  });
  return router;
}
