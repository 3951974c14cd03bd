import type { IncomingMessage } from 'node:http';
import type { ClientApp } from '../../core/domain.ts';
import type { CompiledApi, ContractGrant } from '../snapshot/snapshot.ts';
import type { RateLimitOutcome } from '../rate-limit/store.ts';

/**
 * Per-request state handed from step to step. One object per request, created with every field present so
 * its shape stays monomorphic on the hot path.
 */
export class RequestContext {
  /** Set by an authenticating policy. */
  clientId: string | null = null;
  /** The credential that authenticated the call, when the gateway checked it itself (client-id): its last use. */
  credentialId: string | null = null;
  /** Set by an authenticating policy or by the contract check. */
  app: ClientApp | null = null;
  /** Set by the contract check. */
  grant: ContractGrant | null = null;
  /** Rate limits applied to this call, for the RateLimit headers. */
  rateLimits: RateLimitOutcome[] | null = null;
  /** An authenticating policy read client credentials from `Authorization`: do not forward it. */
  stripAuthorization = false;
  /** Peer address, read at arrival (the socket may be gone by the time usage is recorded). */
  readonly remoteAddress: string | undefined;

  constructor(
    readonly req: IncomingMessage,
    readonly api: CompiledApi,
    readonly requestId: string,
    /** Request path after the API's base path, including the query string ('' or starting with '/' or '?'). */
    readonly rest: string,
    /** Clock time at arrival, epoch ms (rate-limit windows, secret expiry, usage minute). */
    readonly now: number,
    /** performance.now() at arrival, for latency. */
    readonly startedAt: number,
  ) {
    this.remoteAddress = req.socket?.remoteAddress;
  }

  /** Records a rate-limit outcome for the response headers. */
  addRateLimit(outcome: RateLimitOutcome): void {
    (this.rateLimits ??= []).push(outcome);
  }
}
