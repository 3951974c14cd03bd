import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { parseDocument } from './load.ts';
import { computePlan } from './plan.ts';
import { Ref } from './resolve.ts';
import type { RemoteState } from './state.ts';
import type { ApiJson, AppJson, ContractJson, EnvironmentJson, TierJson } from '../wire.ts';

/** File + a Gatehouse state (as the API returns it) → plan, without any server. */
const T = '2026-11-27T06:00:00.000Z';
const provider = (id: string, name: string) => ({ id, name, kind: 'local' as const, config: {}, createdAt: T, updatedAt: T });
const staging: EnvironmentJson = {
  id: 'env_s', name: 'staging', description: 'pre-prod', defaultProviderId: 'prv_l', providerIds: ['prv_l'],
  settings: { credentialLifetimeDays: 90, alertThresholdsDays: [30, 7] }, createdAt: T, updatedAt: T,
};
const orders: ApiJson = {
  id: 'api_o', environmentId: 'env_s', name: 'orders', version: 'v1', basePath: '/orders', upstreamUrl: 'http://up.test',
  providerId: null, policies: [{ type: 'rate-limit', config: { windowSeconds: 60, requests: 10 } }], createdAt: T, updatedAt: T,
};
const gold: TierJson = { id: 'tier_g', apiId: 'api_o', name: 'gold', limit: { requests: 100, windowSeconds: 60 }, approval: 'manual', createdAt: T, updatedAt: T };
const silver: TierJson = { ...gold, id: 'tier_s', name: 'silver' };
const shop: AppJson = {
  id: 'app_s', environmentId: 'env_s', name: 'shop', description: '', ownerContacts: ['a@example.com'], ownerSubject: null,
  providerId: null, clientId: 'cli_x', registration: null, createdAt: T, updatedAt: T,
};
const contract = (state: ContractJson['state'], tierId = 'tier_g', id = 'ctr_1'): ContractJson => ({
  id, appId: 'app_s', apiId: 'api_o', tierId, state, requestedBy: 'tok_x', decidedBy: null, reason: null, createdAt: T, updatedAt: T,
});

function remote(over: Partial<RemoteState> = {}): RemoteState {
  return {
    providers: [provider('prv_l', 'local'), provider('prv_o', 'other')],
    environments: [staging],
    apis: [orders],
    tiersByApi: new Map([['api_o', [gold, silver]]]),
    apps: [shop],
    contractsByApp: new Map([['app_s', [contract('approved')]]]),
    ...over,
  };
}

const FILE = `
apiVersion: gatehouse/v1
environments:
  - name: staging
    description: pre-prod
    defaultProvider: local
    settings: { alertThresholdsDays: [7, 30, 7] }
apis:
  - name: orders
    environment: staging
    version: v1
    basePath: /orders
    upstreamUrl: http://up.test
    policies: [{ type: rate-limit, config: { requests: 10, windowSeconds: 60 } }]
tiers:
  - { name: gold, environment: staging, api: orders, limit: { requests: 100, windowSeconds: 60 } }
apps:
  - { name: shop, environment: staging, ownerContacts: [a@example.com] }
contracts:
  - { environment: staging, app: shop, api: orders, tier: gold }
`;

const plan = (text: string, state = remote()) => computePlan(parseDocument(text, 'g.yaml'), state);

describe('apply plan', () => {
  test('a file matching Gatehouse is unchanged throughout: key order, threshold order and omitted fields make no diff', () => {
    const { plan: p, problems } = plan(FILE);
    assert.deepEqual(problems, []);
    assert.deepEqual(p.items.map((i) => `${i.kind}:${i.action}`), ['environment:unchanged', 'api:unchanged', 'tier:unchanged', 'app:unchanged', 'contract:unchanged']);
    assert.ok(p.items.every((i) => i.writes.length === 0));
    assert.deepEqual(p.notInFile, [{ kind: 'tier', label: 'silver on orders v1 (staging)', id: 'tier_s' }]);
  });

  test('not in file: APIs and apps of declared environments, tiers of declared APIs, live contracts of declared apps', () => {
    const billing = { ...orders, id: 'api_b', name: 'billing', basePath: '/billing' };
    const other = { ...shop, id: 'app_o', name: 'other' };
    const state = remote({
      apis: [orders, billing], apps: [shop, other], tiersByApi: new Map([['api_o', [gold]], ['api_b', [gold]]]),
      contractsByApp: new Map([['app_s', [contract('approved'), { ...contract('approved', 'tier_g', 'ctr_b'), apiId: 'api_b' }, { ...contract('revoked', 'tier_g', 'ctr_r'), apiId: 'api_b' }]]]),
    });
    assert.deepEqual(plan(FILE, state).plan.notInFile, [
      { kind: 'api', label: 'billing v1 (staging)', id: 'api_b' },
      { kind: 'app', label: 'other (staging)', id: 'app_o' },
      { kind: 'contract', label: 'shop → billing v1 (staging) (approved)', id: 'ctr_b' },
    ]);
  });

  test('an update lists exactly the changed fields and patches only those', () => {
    const changed = FILE.replace('http://up.test', 'http://up2.test').replace('requests: 100', 'requests: 200').replace('description: pre-prod', 'description: staging');
    const { plan: p, problems } = plan(changed);
    assert.deepEqual(problems, []);
    const byKind = Object.fromEntries(p.items.map((i) => [i.kind, i]));
    assert.deepEqual(byKind.api!.changes, [{ field: 'upstreamUrl', from: 'http://up.test', to: 'http://up2.test' }]);
    assert.deepEqual(byKind.api!.writes, [{ method: 'PATCH', path: ['/v1/apis/', 'api_o'], body: { upstreamUrl: 'http://up2.test' } }]);
    assert.deepEqual(byKind.tier!.changes, [{ field: 'limit.requests', from: 100, to: 200 }]);
    assert.deepEqual(byKind.tier!.writes[0]!.body, { limit: { requests: 200, windowSeconds: 60 } });
    assert.deepEqual(byKind.environment!.writes[0]!.body, { description: 'staging' });
    assert.equal(byKind.app!.action, 'unchanged');
  });

  test('new items refer to new parents by Ref, in dependency order', () => {
    const { plan: p, problems } = plan(FILE.replaceAll('staging', 'prod').replace('basePath: /orders', 'basePath: /prod/orders'));
    assert.deepEqual(problems, []);
    assert.deepEqual(p.items.map((i) => `${i.kind}:${i.action}`), ['environment:create', 'api:create', 'tier:create', 'app:create', 'contract:create']);
    const [env, api, tier, , ctr] = p.items;
    assert.deepEqual(env!.writes[0]!.body.providerIds, undefined);
    assert.equal(env!.writes[0]!.body.defaultProviderId, 'prv_l');
    assert.deepEqual(env!.writes[0]!.body.settings, { alertThresholdsDays: [30, 7] });
    assert.ok(api!.writes[0]!.body.environmentId instanceof Ref);
    assert.equal((api!.writes[0]!.body.environmentId as Ref).key, env!.ref);
    assert.equal((tier!.writes[0]!.path[1] as Ref).key, api!.ref);
    assert.equal(ctr!.writes[0]!.approveIfRequested, true);
    assert.deepEqual(ctr!.changes, [{ field: 'tier', to: 'gold' }, { field: 'state', to: 'approved' }]);
    // staging is not in this file: reported, not touched.
    assert.deepEqual(p.notInFile, [{ kind: 'environment', label: 'staging', id: 'env_s' }]);
  });

  test('providers: the default counts as listed; a changed list shows names, sends ids', () => {
    const same = plan(FILE.replace('defaultProvider: local', 'defaultProvider: local\n    providers: [local]'));
    assert.equal(same.plan.items[0]!.action, 'unchanged');
    const more = plan(FILE.replace('defaultProvider: local', 'defaultProvider: local\n    providers: [other]'));
    assert.deepEqual(more.plan.items[0]!.changes, [{ field: 'providers', from: ['local'], to: ['local', 'other'] }]);
    assert.deepEqual(more.plan.items[0]!.writes[0]!.body, { providerIds: ['prv_l', 'prv_o'] });
  });

  test('a missing provider, environment or tier is a problem at its path, and nothing is planned for it', () => {
    const { problems } = plan(FILE.replace('defaultProvider: local', 'defaultProvider: nope').replace('tier: gold }', 'tier: platinum }').replace('environment: staging, ownerContacts', 'environment: qa, ownerContacts'));
    assert.deepEqual(problems.map((p) => `${p.path} ${p.code}`), [
      'environments.0.defaultProvider UNRESOLVED_REFERENCE', 'apps.0.environment UNRESOLVED_REFERENCE', 'contracts.0.tier UNRESOLVED_REFERENCE',
    ]);
    assert.match(problems[0]!.message, /no provider named "nope".*never creates them/);
  });

  test('fields the API cannot change are refused with what to do instead', () => {
    const appProvider = plan(FILE.replace('ownerContacts: [a@example.com] }', 'ownerContacts: [a@example.com], provider: other }'));
    assert.deepEqual(appProvider.problems.map((p) => `${p.path} ${p.code}`), ['apps.0.provider IMMUTABLE_FIELD']);
    assert.match(appProvider.problems[0]!.message, /provider cannot change; keep provider: local in the file, or delete the app \(gatehouse app delete app_s\)/);
    // Naming the provider the app already uses (through the environment's default) is no change.
    assert.deepEqual(plan(FILE.replace('ownerContacts: [a@example.com] }', 'ownerContacts: [a@example.com], provider: local }')).problems, []);

    const tier = plan(FILE.replace('tier: gold }', 'tier: silver }'));
    assert.deepEqual(tier.problems.map((p) => `${p.path} ${p.code}`), ['contracts.0.tier IMMUTABLE_FIELD']);
    assert.match(tier.problems[0]!.message, /approved on tier gold.*revoke it \(gatehouse contract revoke ctr_1\)/);
  });

  test('contracts: requested is approved; revoked is requested again, and the plan says so', () => {
    const requested = plan(FILE, remote({ contractsByApp: new Map([['app_s', [contract('requested')]]]) })).plan.items.at(-1)!;
    assert.equal(requested.action, 'update');
    assert.deepEqual(requested.changes, [{ field: 'state', from: 'requested', to: 'approved' }]);
    assert.deepEqual(requested.writes, [{ method: 'POST', path: ['/v1/contracts/', 'ctr_1', '/approve'], body: {} }]);

    const revoked = plan(FILE, remote({ contractsByApp: new Map([['app_s', [contract('revoked')]]]) })).plan.items.at(-1)!;
    assert.equal(revoked.action, 'create');
    assert.deepEqual(revoked.writes[0]!.body, { appId: 'app_s', apiId: 'api_o', tierId: 'tier_g' });
    assert.match(revoked.note!, /previous contract ctr_1 was revoked/);
  });

  test('an API named without a version must be unambiguous: the file\'s own APIs first, then Gatehouse\'s', () => {
    const v2 = { ...orders, id: 'api_2', version: 'v2', basePath: '/orders2' };
    assert.deepEqual(plan(FILE, remote({ apis: [orders, v2] })).problems, [], 'the file declares orders v1 only');
    const withoutApis = FILE.replace(/apis:[\s\S]*?tiers:/, 'tiers:');
    const { problems } = plan(withoutApis, remote({ apis: [orders, v2], tiersByApi: new Map([['api_o', [gold]], ['api_2', []]]) }));
    assert.deepEqual(problems.map((p) => `${p.path} ${p.code}`), ['tiers.0.api AMBIGUOUS_REFERENCE', 'contracts.0.api AMBIGUOUS_REFERENCE']);
    assert.match(problems[0]!.message, /versions v1, v2: add apiVersion/);
    assert.deepEqual(plan(withoutApis.replaceAll('api: orders,', 'api: orders, apiVersion: v1,'), remote({ apis: [orders, v2] })).problems, []);
  });

  test('base paths are checked against every other API before anything is written', () => {
    const other = { ...orders, id: 'api_x', environmentId: 'env_other', name: 'billing', basePath: '/orders/admin' };
    const { problems } = plan(FILE, remote({ apis: [orders, other] }));
    assert.deepEqual(problems.map((p) => `${p.path} ${p.code}`), ['apis.0.basePath BASE_PATH_CONFLICT']);
    assert.match(problems[0]!.message, /\/orders overlaps \/orders\/admin of API billing v1 \(api_x\)/);
  });
});
