import { Gauge, type Registry } from 'prom-client';
import type { InventoryItem } from './inventory.ts';

export const CREDENTIAL_EXPIRY_METRIC = 'gatehouse_credential_expiry_timestamp_seconds';

/**
 * `gatehouse_credential_expiry_timestamp_seconds{environment,app,key_id}`: expiry of every active or retiring
 * credential that expires, read from the store at scrape time (so it is never stale and needs no timer).
 * Labels use names, as dashboards show them. A provider's own credential appears as app="provider:<name>", once per
 * environment that uses the provider (environment="" when none does). Alert with e.g.
 * `gatehouse_credential_expiry_timestamp_seconds - time() < 14 * 86400`.
 * Usage: `registerCredentialExpiryGauge(registry, () => listCredentialInventory({ store, clock }))`.
 */
export function registerCredentialExpiryGauge(registry: Registry, source: () => Promise<InventoryItem[]>): Gauge<'environment' | 'app' | 'key_id'> {
  return new Gauge({
    name: CREDENTIAL_EXPIRY_METRIC,
    help: 'Expiry time of each tracked client or provider credential, in unix seconds.',
    labelNames: ['environment', 'app', 'key_id'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const item of await source()) {
        if (item.credential.expiresAt === null) continue;
        const app = item.owner.type === 'app' ? (item.owner.name ?? item.owner.id) : `provider:${item.owner.name ?? item.owner.id}`;
        const envNames = item.environments.length ? item.environments.map((e) => e.name) : [''];
        for (const environment of envNames) {
          this.set({ environment, app, key_id: item.credential.keyId }, item.credential.expiresAt / 1000);
        }
      }
    },
  });
}
