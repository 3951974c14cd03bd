import type { Provider } from '../../core/domain.ts';
import { isGatehouseError } from '../../core/errors.ts';
import { DAY_MS, listAll, type Caller } from '../context.ts';
import {
  finishProviderRetirements, rotateProviderCredential, syncProviderCredentials,
  type ProviderCredentialDeps, type ProviderRotationReport,
} from './provider-credential.ts';

/** Roll the provider's credential when it expires within this many days (provider.config.rotateWithinDays overrides). */
export const DEFAULT_PROVIDER_ROTATE_WITHIN_DAYS = 30;
/** Reading the platform app's own application costs Graph calls: at most this often per provider. */
export const DEFAULT_PROVIDER_SYNC_INTERVAL_MS = 6 * 3_600_000;

export const PROVIDER_ROTATION_CALLER: Caller = { actor: 'system:lifecycle', role: 'admin', subject: 'system' };

export interface ProviderPhaseDeps extends ProviderCredentialDeps {
  syncIntervalMs?: number;
  /** Last sync per provider id; keep one map per process (the phase runs on the lease holder only). */
  lastSync?: Map<string, number>;
}

export interface ProviderPhaseItem {
  providerId: string;
  synced: boolean;
  retired: number;
  rotated?: ProviderRotationReport;
  /** Why nothing was rolled although the credential is due (e.g. NotOwnerOfSelf), with what to do. */
  skipped?: { code: string; message: string; hint?: string };
  /** A step that failed (IdP unavailable…): tried again on the next tick. */
  error?: { step: 'sync' | 'retire' | 'rotate'; code: string };
}

export interface ProviderPhaseReport { providers: ProviderPhaseItem[] }

/**
 * One lifecycle tick for every Entra provider: finish overlaps that ended (remove the replaced credential in Entra),
 * re-read its own credentials (at most every `syncIntervalMs`), and — when `config.autoRotate` is true — roll the
 * credential in use once it expires within `config.rotateWithinDays` (default 30) days. Never throws for one
 * provider's failure; the report and the log say what happened.
 */
export async function providerRotationPhase(deps: ProviderPhaseDeps): Promise<ProviderPhaseReport> {
  const providers = await listAll((pg) => deps.store.providers.list({ kind: 'entra' }, pg));
  const report: ProviderPhaseReport = { providers: [] };
  for (const provider of providers) report.providers.push(await oneProvider(deps, provider));
  return report;
}

async function oneProvider(deps: ProviderPhaseDeps, provider: Provider): Promise<ProviderPhaseItem> {
  const item: ProviderPhaseItem = { providerId: provider.id, synced: false, retired: 0 };
  const caller = PROVIDER_ROTATION_CALLER;
  const step = async (name: 'sync' | 'retire' | 'rotate', fn: () => Promise<void>): Promise<boolean> => {
    try {
      await fn();
      return true;
    } catch (err) {
      const code = isGatehouseError(err) ? err.code : 'INTERNAL';
      item.error ??= { step: name, code };
      deps.logger?.warn({ err, providerId: provider.id, step: name }, 'provider credential step failed; will retry');
      return false;
    }
  };
  if (!provider.secretCiphertext) return item;

  await step('retire', async () => { item.retired = await finishProviderRetirements(deps, provider.id, caller); });

  const now = deps.clock.now();
  const last = deps.lastSync?.get(provider.id);
  if (last === undefined || now - last >= (deps.syncIntervalMs ?? DEFAULT_PROVIDER_SYNC_INTERVAL_MS)) {
    item.synced = await step('sync', async () => { await syncProviderCredentials(deps, provider.id, caller); });
    if (item.synced) deps.lastSync?.set(provider.id, now);
  }

  if (provider.config.autoRotate !== true) return item;
  const withinDays = typeof provider.config.rotateWithinDays === 'number' ? provider.config.rotateWithinDays : DEFAULT_PROVIDER_ROTATE_WITHIN_DAYS;
  const expiresAt = await inUseExpiry(deps, provider);
  if (expiresAt === null || expiresAt - now > withinDays * DAY_MS) return item;
  try {
    item.rotated = await rotateProviderCredential(deps, caller, provider.id);
    deps.lastSync?.delete(provider.id);
  } catch (err) {
    if (isGatehouseError(err) && (err.code === 'IDP_REJECTED' || err.code === 'CONFLICT')) {
      item.skipped = { code: typeof err.extras.idpCode === 'string' ? err.extras.idpCode : err.code, message: err.message,
        ...(typeof err.extras.hint === 'string' ? { hint: err.extras.hint } : {}) };
      deps.logger?.warn({ providerId: provider.id, code: item.skipped.code }, 'provider credential due but not rotated');
    } else {
      item.error ??= { step: 'rotate', code: isGatehouseError(err) ? err.code : 'INTERNAL' };
      deps.logger?.warn({ err, providerId: provider.id }, 'provider credential rotation failed; will retry');
    }
  }
  return item;
}

/** Expiry of the credential in use: the newest active credential Gatehouse put there (origin 'gatehouse'). */
async function inUseExpiry(deps: ProviderPhaseDeps, provider: Provider): Promise<number | null> {
  const rows = await listAll((pg) => deps.store.credentials.list({ ownerType: 'provider', ownerId: provider.id, states: ['active'] }, pg));
  const ours = rows.filter((r) => r.origin === 'gatehouse' && r.expiresAt !== null);
  if (ours.length === 0) return null;
  return Math.max(...ours.map((r) => r.expiresAt!));
}
