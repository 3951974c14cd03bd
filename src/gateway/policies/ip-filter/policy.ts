import { BlockList, isIP } from 'node:net';
import type { Denial } from '../../pipeline/denial.ts';
import type { PolicyFactory, PolicyHandler } from '../../pipeline/policy.ts';
import type { RequestContext } from '../../pipeline/context.ts';
import { clientAddress } from './client-address.ts';
import { ipFilterConfigSchema, parseCidr, type IpFilterConfig } from './config.ts';

const NOT_ALLOWED: Denial = Object.freeze({ status: 403, reason: 'IP_NOT_ALLOWED', description: 'Calls from this address are not allowed.' });
const UNKNOWN_ADDRESS: Denial = Object.freeze({
  status: 403, reason: 'IP_NOT_ALLOWED', description: 'Calls from this address are not allowed.', logDetail: 'client address unreadable',
});

function blockListOf(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const cidr = parseCidr(entry)!;
    list.addSubnet(cidr.address, cidr.prefix, cidr.family);
  }
  return list;
}

/**
 * `ip-filter`: allow and deny lists of IPv4/IPv6 addresses and CIDRs; deny wins. Needs nothing at request time.
 * Runs in the authenticate phase (listed first, it refuses before any token work); it does not identify the
 * caller, so an API still needs an authenticating policy.
 */
export const ipFilterPolicy: PolicyFactory<IpFilterConfig> = {
  type: 'ip-filter',
  phase: 'authenticate',
  schema: ipFilterConfigSchema,
  create(config): PolicyHandler {
    const allow = config.allow.length ? blockListOf(config.allow) : null;
    const deny = blockListOf(config.deny);
    const hops = config.trustedProxyHops;
    return (ctx: RequestContext): Denial | undefined => {
      const address = clientAddress(ctx.req, hops);
      if (address === null) return UNKNOWN_ADDRESS;
      const family = isIP(address) === 4 ? 'ipv4' : 'ipv6';
      if (deny.check(address, family)) return NOT_ALLOWED;
      if (allow !== null && !allow.check(address, family)) return NOT_ALLOWED;
      return undefined;
    };
  },
};
