import { GatehouseError } from '../../core/errors.ts';
import { isStaff, type Caller } from '../context.ts';
import type { LifecycleDeps } from './deps.ts';
import { listCredentialInventory, type InventoryItem } from './inventory.ts';
import { parseIsoDuration } from './iso-duration.ts';
import { extendGrace, rotateCredential, type RotationInput, type RotationResult } from './rotation.ts';
import { fetchSecretDelivery, type FetchedSecret } from './secret-delivery.ts';
import { DEFAULT_UNUSED_DAYS, staleClientReport, type StaleReport } from './stale-report.ts';
import { finishRotation } from './sweeper.ts';
import { DAY_MS } from './thresholds.ts';

export interface InventoryParams {
  /** ISO 8601 duration, e.g. `P30D` (query parameter `expiringWithin`). */
  expiringWithin?: string;
  environmentId?: string;
  ownerType?: 'app' | 'provider';
  includeRemoved?: boolean;
}

/**
 * The lifecycle operations as the management API calls them: caller-aware (consumers see and act on their own
 * apps only, like every other service) and taking wire-level parameters (ISO durations).
 */
export class LifecycleService {
  constructor(private readonly deps: LifecycleDeps) {}

  /** `GET /v1/credentials`. Consumers get their own apps' credentials; providers' credentials are staff-only. */
  async inventory(caller: Caller, params: InventoryParams = {}): Promise<InventoryItem[]> {
    const items = await listCredentialInventory(this.deps, {
      ...(params.expiringWithin !== undefined ? { expiringWithinMs: parseIsoDuration(params.expiringWithin, 'expiringWithin') } : {}),
      ...(params.environmentId ? { environmentId: params.environmentId } : {}),
      ...(params.ownerType ? { ownerType: params.ownerType } : {}),
      ...(params.includeRemoved ? { includeRemoved: true } : {}),
    });
    if (isStaff(caller)) return items;
    const own = new Set<string>();
    for (const item of items) {
      if (item.owner.type !== 'app' || own.has(item.owner.id)) continue;
      const app = await this.deps.store.apps.get(item.owner.id);
      if (app?.ownerSubject === caller.subject) own.add(app.id);
    }
    return items.filter((i) => i.owner.type === 'app' && own.has(i.owner.id));
  }

  /** `POST /v1/apps/{appId}/credentials/rotate`. */
  async rotate(caller: Caller, appId: string, body: Omit<RotationInput, 'appId'> = {}): Promise<RotationResult> {
    return rotateCredential(this.deps, caller, { ...body, appId });
  }

  /** `POST /v1/apps/{appId}/credentials/{credentialId}/extend-grace` (admin, operator: the route checks the role). */
  async extendGrace(caller: Caller, appId: string, credentialId: string, days: number) {
    return extendGrace(this.deps, caller, { appId, credentialId, days });
  }

  /** `POST /v1/credentials/{credentialId}/finish-rotation`. */
  async finishRotation(caller: Caller, credentialId: string) {
    return finishRotation(this.deps, caller, credentialId);
  }

  /** `GET /v1/deliveries/{id}?key=…` — the link is the credential: no API token needed. */
  async fetchDelivery(id: string, key: string): Promise<FetchedSecret & { clientId: string | null }> {
    const fetched = await fetchSecretDelivery(this.deps, id, key);
    const app = await this.deps.store.apps.get(fetched.appId);
    return { ...fetched, clientId: app?.clientId ?? null };
  }

  /** `GET /v1/reports/stale-clients?unusedFor=P90D` (staff). */
  async staleReport(caller: Caller, params: { unusedFor?: string; environmentId?: string } = {}): Promise<StaleReport> {
    if (!isStaff(caller)) throw new GatehouseError('FORBIDDEN', 'The stale-client report is for admin, operator and viewer tokens.', { role: caller.role });
    const unusedDays = params.unusedFor === undefined ? DEFAULT_UNUSED_DAYS : parseIsoDuration(params.unusedFor, 'unusedFor') / DAY_MS;
    if (!Number.isInteger(unusedDays)) {
      throw new GatehouseError('VALIDATION_FAILED', 'unusedFor: must be whole days (e.g. P90D).', { errors: [{ path: 'unusedFor', message: 'whole days' }] });
    }
    return staleClientReport(this.deps, { unusedDays, ...(params.environmentId ? { environmentId: params.environmentId } : {}) });
  }
}
