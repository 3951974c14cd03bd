import type { RequestContext } from './context.ts';
import { deny, type Denial } from './denial.ts';

const UNIDENTIFIED = deny('MISSING_CREDENTIALS', 'No client credentials were presented.');

/**
 * Guard after the authenticate policies: if none of them identified the caller, refuse. Authenticating policies
 * deny on their own; this only catches a policy that continued without setting `ctx.clientId` (fail closed).
 */
export function requireIdentity(ctx: RequestContext): Denial | undefined {
  return ctx.clientId === null ? UNIDENTIFIED : undefined;
}
