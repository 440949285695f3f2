// What the middleware chain puts on ctx.state for the handlers after it.
import type { Logger } from 'pino';
import type { ParameterizedContext } from 'koa';

export interface AppState {
  requestId: string;
  log: Logger;
}

export type AppContext = ParameterizedContext<AppState>;
