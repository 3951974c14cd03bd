import type { IncomingMessage } from 'node:http';
import { connectionListed, isHopByHop } from './hop-by-hop.ts';

export interface ForwardingFacts {
  requestId: string;
  /** Drop `Authorization`: it carried client credentials the gateway consumed. */
  stripAuthorization: boolean;
  remoteAddress: string | undefined;
  /** The authenticated caller, passed upstream as X-Gatehouse-Client-Id / X-Gatehouse-App-Id (RequestContext has both). */
  clientId?: string | null;
  app?: { id: string } | null;
}

/**
 * Headers sent upstream, as a flat [name, value, …] list built in one pass over the raw headers: hop-by-hop
 * headers, `host`, `expect` and the gateway's own credential headers are dropped; X-Forwarded-For is appended
 * to, X-Forwarded-Proto/Host are set from what this gateway saw (earlier values are not trusted), and
 * X-Request-Id carries the gateway's request id.
 */
export function upstreamRequestHeaders(req: IncomingMessage, facts: ForwardingFacts): string[] {
  const raw = req.rawHeaders;
  const listed = connectionListed(req.headers.connection);
  const out: string[] = [];
  let forwardedFor: string | null = null;
  let host = '';
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    const lower = name.toLowerCase();
    switch (lower) {
      case 'host': host = raw[i + 1]!; continue;
      case 'client_id': case 'client_secret': case 'expect': case 'x-request-id':
      case 'x-forwarded-proto': case 'x-forwarded-host':
      case 'x-gatehouse-app-id': case 'x-gatehouse-client-id': // only the gateway may assert these
        continue;
      case 'x-forwarded-for': forwardedFor = forwardedFor === null ? raw[i + 1]! : forwardedFor + ', ' + raw[i + 1]!; continue;
      case 'authorization': if (facts.stripAuthorization) continue; break;
      default:
        if (isHopByHop(lower) || (listed !== null && listed.has(lower))) continue;
    }
    out.push(name, raw[i + 1]!);
  }
  const peer = facts.remoteAddress ?? '';
  out.push(
    'x-forwarded-for', forwardedFor === null ? peer : forwardedFor + ', ' + peer,
    'x-forwarded-proto', 'encrypted' in req.socket ? 'https' : 'http',
    'x-forwarded-host', host,
    'x-request-id', facts.requestId,
  );
  if (facts.app) out.push('x-gatehouse-app-id', facts.app.id);
  if (facts.clientId) out.push('x-gatehouse-client-id', facts.clientId);
  return out;
}
