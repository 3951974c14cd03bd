/**
 * Hop-by-hop headers (RFC 9110 §7.6.1) belong to one connection and are never forwarded, in either direction,
 * along with every header the `Connection` header names. `expect` is handled by node's server (100-continue)
 * and undici refuses it; `host` is set by undici from the upstream origin.
 */
const ALWAYS_DROPPED = new Set([
  'connection', 'keep-alive', 'te', 'trailer', 'transfer-encoding', 'upgrade',
  'proxy-connection', 'proxy-authorization', 'proxy-authenticate', 'proxy-authentication-info',
]);

export function isHopByHop(lowerName: string): boolean {
  return ALWAYS_DROPPED.has(lowerName) || lowerName.startsWith('proxy-');
}

const NO_LISTED = new Set(['keep-alive', 'close', '']);

/** Header names listed in a Connection header value (lowercase), or null when there are none. */
export function connectionListed(connection: string | string[] | undefined): Set<string> | null {
  if (connection === undefined) return null;
  const value = Array.isArray(connection) ? connection.join(',') : connection;
  if (value.length <= 10 && NO_LISTED.has(value.toLowerCase())) return null; // the usual case, without splitting
  let listed: Set<string> | null = null;
  for (const token of value.split(',')) {
    const name = token.trim().toLowerCase();
    if (!name || name === 'close' || name === 'keep-alive') continue;
    (listed ??= new Set()).add(name);
  }
  return listed;
}
