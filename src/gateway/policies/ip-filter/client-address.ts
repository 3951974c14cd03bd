import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

/**
 * The caller's address. With `trustedProxyHops` = 0 it is the TCP peer and X-Forwarded-For is ignored (anyone can
 * write it). With N trusted proxies, each appending the address it saw, the client is the entry N-1 places left
 * of the rightmost X-Forwarded-For entry (the peer being the last proxy); entries further left were written by
 * the client and are not trusted. With fewer entries than hops, the leftmost one is taken.
 * Returns null when the chosen entry is not an IP address (the filter then refuses: fail closed).
 */
export function clientAddress(req: IncomingMessage, trustedProxyHops: number): string | null {
  const peer = req.socket.remoteAddress ?? '';
  if (trustedProxyHops === 0) return normalise(peer);
  const forwarded: string[] = [];
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i]!.toLowerCase() !== 'x-forwarded-for') continue;
    for (const part of raw[i + 1]!.split(',')) forwarded.push(part.trim());
  }
  const chain = [...forwarded, peer]; // oldest first; the peer is the last hop
  const chosen = chain[Math.max(0, chain.length - 1 - trustedProxyHops)]!;
  return normalise(chosen);
}

/** `::ffff:10.1.2.3` → `10.1.2.3`; strips a zone id and brackets/port forms proxies sometimes write. */
export function normalise(address: string): string | null {
  let a = address.trim();
  if (a.startsWith('[')) a = a.slice(1, a.indexOf(']') > 0 ? a.indexOf(']') : undefined);
  else if (/^\d+\.\d+\.\d+\.\d+:\d+$/.test(a)) a = a.slice(0, a.lastIndexOf(':'));
  const zone = a.indexOf('%');
  if (zone > 0) a = a.slice(0, zone);
  if (/^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(a)) a = a.slice(7);
  return isIP(a) === 0 ? null : a.toLowerCase();
}
