import { isIP } from 'node:net';
import { z } from 'zod';

/** `10.0.0.0/8`, `2001:db8::/32`, or a bare address (a /32 or /128). */
const cidr = z.string().refine((value) => parseCidr(value) !== null, { message: 'not an IPv4/IPv6 address or CIDR' });

/**
 * `ip-filter` config. A call is refused when its client address is in `deny`, or when `allow` is non-empty and the
 * address is not in it. The client address is the TCP peer, unless `trustedProxyHops` proxies in front of the
 * gateway append to X-Forwarded-For: then it is the entry that many hops back from the peer.
 */
export const ipFilterConfigSchema = z
  .object({
    allow: z.array(cidr).default([]),
    deny: z.array(cidr).default([]),
    /** Proxies between the client and the gateway that append to X-Forwarded-For (0 = trust no header). */
    trustedProxyHops: z.number().int().min(0).max(10).default(0),
  })
  .strict()
  .refine((c) => c.allow.length + c.deny.length > 0, { message: 'give at least one allow or deny entry' });

export type IpFilterConfig = z.output<typeof ipFilterConfigSchema>;

export interface Cidr {
  address: string;
  prefix: number;
  family: 'ipv4' | 'ipv6';
}

export function parseCidr(value: string): Cidr | null {
  const [address, prefixText, extra] = value.trim().split('/');
  if (extra !== undefined || !address) return null;
  const version = isIP(address);
  if (version === 0) return null;
  const max = version === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? max : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
  if (!(prefix >= 0 && prefix <= max)) return null;
  return { address, prefix, family: version === 4 ? 'ipv4' : 'ipv6' };
}
