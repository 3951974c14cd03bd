import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import type { RequestContext } from '../../pipeline/context.ts';
import type { PolicyDeps } from '../../pipeline/policy.ts';
import { ipFilterConfigSchema } from './config.ts';
import { clientAddress } from './client-address.ts';
import { ipFilterPolicy } from './policy.ts';

const req = (peer: string, ...forwardedFor: string[]) =>
  ({ socket: { remoteAddress: peer }, rawHeaders: forwardedFor.flatMap((v) => ['X-Forwarded-For', v]) }) as unknown as IncomingMessage;

function decide(config: unknown, request: IncomingMessage): string {
  const handler = ipFilterPolicy.create(ipFilterConfigSchema.parse(config), {} as PolicyDeps);
  const denial = handler({ req: request } as RequestContext) as { reason: string } | undefined;
  return denial?.reason ?? 'pass';
}

test('allow list: IPv4 and IPv6 CIDRs and single addresses; everything else is refused', () => {
  const config = { allow: ['10.0.0.0/8', '2001:db8::/32', '192.0.2.7'] };
  assert.equal(decide(config, req('10.200.3.4')), 'pass');
  assert.equal(decide(config, req('::ffff:10.1.1.1')), 'pass', 'IPv4-mapped IPv6 peer');
  assert.equal(decide(config, req('2001:db8:1::5')), 'pass');
  assert.equal(decide(config, req('192.0.2.7')), 'pass');
  assert.equal(decide(config, req('192.0.2.8')), 'IP_NOT_ALLOWED');
  assert.equal(decide(config, req('11.0.0.1')), 'IP_NOT_ALLOWED');
  assert.equal(decide(config, req('2001:db9::1')), 'IP_NOT_ALLOWED');
});

test('deny wins over allow; deny-only lists let the rest through', () => {
  assert.equal(decide({ allow: ['10.0.0.0/8'], deny: ['10.6.0.0/16'] }, req('10.6.1.1')), 'IP_NOT_ALLOWED');
  assert.equal(decide({ deny: ['203.0.113.0/24', 'fe80::/10'] }, req('203.0.113.9')), 'IP_NOT_ALLOWED');
  assert.equal(decide({ deny: ['203.0.113.0/24', 'fe80::/10'] }, req('fe80::1%eth0')), 'IP_NOT_ALLOWED');
  assert.equal(decide({ deny: ['203.0.113.0/24'] }, req('198.51.100.1')), 'pass');
});

test('X-Forwarded-For is ignored unless proxy hops are trusted', () => {
  const spoofed = req('203.0.113.9', '10.0.0.1');
  assert.equal(decide({ allow: ['10.0.0.0/8'] }, spoofed), 'IP_NOT_ALLOWED');
  assert.equal(clientAddress(spoofed, 0), '203.0.113.9');
});

test('with N trusted hops, the client is N entries back from the peer; client-written entries are not trusted', () => {
  // client 198.51.100.7 forged "10.0.0.1"; proxy A appended the client address; proxy B (the peer) appended A's.
  const viaTwoProxies = req('172.16.0.2', '10.0.0.1, 198.51.100.7', '172.16.0.1');
  assert.equal(clientAddress(viaTwoProxies, 2), '198.51.100.7');
  assert.equal(clientAddress(viaTwoProxies, 1), '172.16.0.1');
  assert.equal(decide({ allow: ['10.0.0.0/8'], trustedProxyHops: 2 }, viaTwoProxies), 'IP_NOT_ALLOWED');
  assert.equal(decide({ allow: ['198.51.100.0/24'], trustedProxyHops: 2 }, viaTwoProxies), 'pass');
  assert.equal(clientAddress(req('172.16.0.2'), 3), '172.16.0.2', 'fewer entries than hops: the leftmost');
});

test('an unreadable forwarded address is refused (fail closed), even on a deny-only list', () => {
  assert.equal(decide({ deny: ['203.0.113.0/24'], trustedProxyHops: 1 }, req('172.16.0.2', 'not-an-ip')), 'IP_NOT_ALLOWED');
  assert.equal(clientAddress(req('172.16.0.2', '[2001:db8::1]:443'), 1), '2001:db8::1');
  assert.equal(clientAddress(req('172.16.0.2', '198.51.100.7:5000'), 1), '198.51.100.7');
});

test('config: bad CIDRs and empty lists are rejected', () => {
  for (const bad of [{ allow: ['10.0.0.0/33'] }, { allow: ['10.0.0/8'] }, { deny: ['::/129'] }, { deny: ['x'] }, {}, { allow: [], deny: [] }]) {
    assert.equal(ipFilterConfigSchema.safeParse(bad).success, false, JSON.stringify(bad));
  }
  assert.equal(ipFilterConfigSchema.safeParse({ allow: ['0.0.0.0/0', '::/0'] }).success, true);
});
