import type { Caller } from '../control/context.ts';
import type { Logger } from '../platform/logger.ts';

/** Per-request values the middleware chain sets for handlers. */
export interface AppEnv {
  Variables: {
    requestId: string;
    logger: Logger;
    /** Set by the auth middleware on every /v1 route except the OpenAPI document. */
    caller: Caller;
  };
}
