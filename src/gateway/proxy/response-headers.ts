import type { IncomingHttpHeaders } from 'node:http';
import { connectionListed, isHopByHop } from './hop-by-hop.ts';

/** Upstream response headers minus hop-by-hop ones (and those the upstream's Connection header lists). */
export function downstreamResponseHeaders(upstream: IncomingHttpHeaders | Record<string, string | string[] | undefined>): Record<string, string | string[]> {
  const listed = connectionListed(upstream.connection);
  const out: Record<string, string | string[]> = {};
  for (const name in upstream) {
    const value = upstream[name];
    if (value === undefined || isHopByHop(name) || (listed !== null && listed.has(name))) continue;
    out[name] = value;
  }
  return out;
}
