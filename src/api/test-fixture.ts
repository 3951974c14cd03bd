import { ManualClock } from '../core/clock.ts';
import type { Api, ClientApp, Environment, Provider, Tier } from '../core/domain.ts';
import type { Store } from '../core/ports/store.ts';
import { SYSTEM_CALLER, createServices, type Services } from '../control/index.ts';
import type { LifecycleStore } from '../core/ports/lifecycle.ts';
import { LifecycleService } from '../control/lifecycle/index.ts';
import { openStore } from '../store/index.ts';
import { openLifecycleStore } from '../store/lifecycle/index.ts';
import { createManagementApi } from './index.ts';

/**
 * A management API over an in-memory SQLite store, with one token per role and a small seeded world:
 * a local provider, an environment, an API with an auto and a manual tier, and one app for each of two consumers.
 * Test support only.
 */
export interface Fixture {
  store: Store;
  services: Services;
  lifecycle: LifecycleService;
  lifecycleStore: LifecycleStore;
  clock: ManualClock;
  app: ReturnType<typeof createManagementApi>;
  tokens: { admin: string; operator: string; viewer: string; consumerA: string; consumerB: string };
  world: { provider: Provider; env: Environment; api: Api; autoTier: Tier; manualTier: Tier; appA: ClientApp; appB: ClientApp };
  call(token: string | null, method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Reply>;
  /** Counters that any state change moves: compare before/after a refused request. */
  snapshot(): Promise<{ changes: number; auditEvents: number }>;
  close(): Promise<void>;
}

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

export async function createFixture(): Promise<Fixture> {
  const clock = new ManualClock(Date.UTC(2026, 10, 27, 6, 0, 0));
  const store = await openStore({ url: 'sqlite::memory:', clock });
  const services = createServices({ store, clock });
  const lifecycleStore = await openLifecycleStore(store);
  const lifecycle = new LifecycleService({ store, clock, lifecycleStore });
  const app = createManagementApi({ store, services, clock, lifecycle, publicUrl: 'https://gatehouse.test' });
  const sys = SYSTEM_CALLER;
  const issue = async (name: string, role: 'admin' | 'operator' | 'viewer' | 'consumer', subject?: string) =>
    (await services.tokens.create(sys, { name, role, subject })).secret;
  const tokens = {
    admin: await issue('admin', 'admin'),
    operator: await issue('operator', 'operator'),
    viewer: await issue('viewer', 'viewer'),
    consumerA: await issue('consumer-a', 'consumer', 'team-a'),
    consumerB: await issue('consumer-b', 'consumer', 'team-b'),
  };
  const provider = await services.providers.create(sys, { name: 'local', kind: 'local' });
  const env = await services.environments.create(sys, { name: 'sandbox', defaultProviderId: provider.id });
  const api = await services.apis.create(sys, { environmentId: env.id, name: 'orders', version: 'v1', basePath: '/orders/v1', upstreamUrl: 'http://127.0.0.1:9/orders' });
  const autoTier = await services.tiers.create(sys, api.id, { name: 'free', limit: { requests: 10, windowSeconds: 60 }, approval: 'auto' });
  const manualTier = await services.tiers.create(sys, api.id, { name: 'gold', limit: { requests: 1000, windowSeconds: 60 } });
  const appA = await services.apps.create({ actor: 'system', role: 'consumer', subject: 'team-a' }, { environmentId: env.id, name: 'app-a' });
  const appB = await services.apps.create({ actor: 'system', role: 'consumer', subject: 'team-b' }, { environmentId: env.id, name: 'app-b' });

  const call: Fixture['call'] = async (token, method, path, body, headers = {}) => {
    const h: Record<string, string> = { ...headers };
    if (token) h.authorization = `Bearer ${token}`;
    if (body !== undefined && !('content-type' in h)) h['content-type'] = 'application/json';
    const res = await app.request(path, { method, headers: h, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
    const text = await res.text();
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    return { status: res.status, headers: res.headers, text, json };
  };

  return {
    store, services, lifecycle, lifecycleStore, clock, app, tokens,
    world: { provider, env, api, autoTier, manualTier, appA, appB },
    call,
    snapshot: async () => ({ changes: await store.changeCounter(), auditEvents: (await allAudit(store)).length }),
    close: () => store.close(),
  };
}

export async function allAudit(store: Store) {
  const events = [];
  let cursor: string | null = null;
  do {
    const page = await store.audit.list({}, { limit: 500, cursor });
    events.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return events;
}
