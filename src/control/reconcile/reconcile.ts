import { ENTRA_ACTIVITY } from '../../core/audit-catalog.ts';
import { systemClock, type Clock } from '../../core/clock.ts';
import type { ClientApp } from '../../core/domain.ts';
import { GatehouseError, isGatehouseError } from '../../core/errors.ts';
import type { CredentialMetadata, IdentityProvider } from '../../core/ports/identity.ts';
import type { Repositories, Store } from '../../core/ports/store.ts';
import { audit, type Caller } from '../context.ts';
import { compare, inFlight, type Findings } from './compare.ts';
import { inventoryOf, mapLimit, type IdpClient } from './inventory.ts';
import { disambiguatedName, importCredentials, importedApp, reconcileCaller } from './records.ts';
import {
  emptyCounts, emptyDrift, type AppDriftItem, type CredentialDriftItem, type DriftKind, type OrphanItem,
  type ReconcileError, type ReconcileProgress, type ReconcileReport,
} from './report.ts';
import { loadStoreSide, type StoreSide } from './store-side.ts';

export interface ReconcileDeps {
  store: Store;
  /** The adapter of the provider being reconciled. */
  identity: IdentityProvider;
  clock?: Clock;
  onProgress?: (p: ReconcileProgress) => void;
  /** Audit actor (default 'reconcile'; the API passes the caller's token id). */
  actor?: string;
}

export interface ReconcileOptions {
  providerId: string;
  /** Repair what is safe; otherwise only report. */
  fix: boolean;
  /** Items kept per drift kind in the report (counts stay complete). Default 500. */
  maxItems?: number;
  /** Repairs per store transaction. Default 200. */
  batchSize?: number;
  /** IdP page size (Graph: at most 999). Default 999. */
  pageSize?: number;
}

/**
 * Compares what the platform owns in the IdP with the store, reports every drift and, with `fix`, repairs what is safe:
 * imports external credentials, marks credentials removed in the IdP as removed, adopts orphans that carry our
 * uniqueName, restores soft-deleted registrations when the adapter can. Each repair and its audit event commit in one
 * transaction (batched); a failed repair is reported in `errors` and retried by the next run.
 */
export async function reconcileProvider(deps: ReconcileDeps, options: ReconcileOptions): Promise<ReconcileReport> {
  const clock = deps.clock ?? systemClock;
  const progress = deps.onProgress ?? (() => {});
  const started = clock.now();
  const report: ReconcileReport = {
    providerId: options.providerId, fix: options.fix, startedAt: started, finishedAt: started, skipped: null,
    scanned: { idpClients: 0, idpCredentials: 0, storeApps: 0, storeCredentials: 0 },
    counts: emptyCounts(), repaired: emptyCounts(), drift: emptyDrift(), truncated: false, errors: [],
  };
  const caps = deps.identity.capabilities;
  if (!caps.registersClients || !caps.listOwnedClients) {
    report.skipped = `Provider kind ${deps.identity.kind} keeps no client registrations that Gatehouse can list; nothing to reconcile.`;
    report.finishedAt = clock.now();
    progress({ phase: 'done', done: 1, total: 1 });
    return report;
  }

  // The store is read first: anything written after this snapshot is at most reported once and fixed by the next run.
  progress({ phase: 'store', done: 0 });
  const side = await loadStoreSide(deps.store, options.providerId, (n) => progress({ phase: 'store', done: n }));
  progress({ phase: 'store', done: side.appsById.size, total: side.appsById.size });
  if (side.provider.kind !== deps.identity.kind) {
    throw new GatehouseError('PROVIDER_MISMATCH', `Provider ${side.provider.name} is of kind ${side.provider.kind}, but the adapter given is ${deps.identity.kind}.`);
  }

  const clients: IdpClient[] = [];
  progress({ phase: 'idp', done: 0 });
  for await (const page of inventoryOf(deps.identity).pages(options.pageSize ?? 999)) {
    clients.push(...page);
    progress({ phase: 'idp', done: clients.length });
  }
  progress({ phase: 'idp', done: clients.length, total: clients.length });

  const now = clock.now();
  progress({ phase: 'compare', done: 0, total: clients.length });
  const findings = compare(clients, side, now);
  progress({ phase: 'compare', done: clients.length, total: clients.length });
  report.scanned = {
    idpClients: findings.idpClients, idpCredentials: findings.idpCredentials,
    storeApps: side.appsById.size, storeCredentials: side.credentialCount,
  };

  const run = new Run(deps, options, report, side, findings, clock, reconcileCaller(deps.actor ?? 'reconcile'));
  await run.classifyAdoptions();
  await run.settleMissingApps();
  if (options.fix) await run.repair();
  run.fillReport();
  report.finishedAt = clock.now();
  progress({ phase: 'done', done: 1, total: 1 });
  return report;
}

type AdoptionPlan = Findings['orphansAdoptable'][number] & {
  environmentId?: string;
  name?: string;
  item: OrphanItem;
  /** Its credentials, reported under credentialsAdded and imported with the adoption. */
  credentials: (CredentialDriftItem & { ref: unknown })[];
};

class Run {
  private readonly adoptions: AdoptionPlan[] = [];
  private readonly missing: (AppDriftItem & { app: ClientApp; deletedInIdp: boolean })[] = [];
  private readonly credItems = new Map<DriftKind, (CredentialDriftItem & { ref: unknown })[]>();
  private fixDone = 0;
  private fixTotal = 0;

  constructor(
    private readonly deps: ReconcileDeps, private readonly options: ReconcileOptions, private readonly report: ReconcileReport,
    private readonly side: StoreSide, private readonly findings: Findings, private readonly clock: Clock, private readonly caller: Caller,
  ) {}

  /**
   * An orphan with our uniqueName whose app row is gone is re-created only when that is plainly right: the id is not
   * used elsewhere, Gatehouse never deleted that app on purpose (audit log), and its environment is known.
   */
  async classifyAdoptions(): Promise<void> {
    for (const o of this.findings.orphansAdoptable) {
      const item: OrphanItem = { ...orphanBase(o.client), appId: o.appId, adoption: o.target ? 'linked' : 'recreated', repaired: false };
      const now = this.clock.now();
      const credentials = o.client.credentials.filter((c) => !inFlight(c, now)).map((c) => ({
        ...credItem(o.appId, o.client.registration.clientId, c.keyId, c.kind, c.hint, c.expiresAt), repaired: false, ref: c,
      }));
      const plan: AdoptionPlan = { ...o, item, credentials };
      if (!o.target) {
        const reason = await this.recreationBlocker(plan);
        if (reason) {
          this.findings.orphans.push({ client: o.client, reason });
          continue;
        }
      }
      this.adoptions.push(plan);
      for (const c of credentials) this.pushCredential('credentialsAdded', c);
    }
  }

  private async recreationBlocker(plan: AdoptionPlan): Promise<string | null> {
    const store = this.deps.store;
    const elsewhere = await store.apps.get(plan.appId);
    if (elsewhere) return `Carries the uniqueName of ${plan.appId}, which uses another provider or environment.`;
    const deleted = await store.audit.list({ entityType: 'app', entityId: plan.appId, type: 'app.deleted' }, { limit: 1 });
    if (deleted.items.length > 0) {
      return `Left over from ${plan.appId}, deleted in Gatehouse at ${new Date(deleted.items[0]!.at).toISOString()}; delete it in the IdP.`;
    }
    const tagged = (plan.client.tags ?? []).map((t) => /^gatehouse:env:(env_[0-9a-z]{26})$/.exec(t)?.[1]).find((id) => id && this.side.environments.has(id));
    const environmentId = tagged ?? (this.side.environments.size === 1 ? [...this.side.environments.keys()][0] : undefined);
    if (!environmentId) return `Carries the uniqueName of ${plan.appId}, but no environment of this provider can be told from its tags.`;
    const names = this.side.namesByEnv.get(environmentId)!;
    let name = plan.client.registration.displayName.trim().slice(0, 100) || `imported ${plan.client.registration.clientId}`;
    if (names.has(name)) name = disambiguatedName(name, plan.client.registration.clientId);
    names.add(name);
    plan.environmentId = environmentId;
    plan.name = name;
    return null;
  }

  /** Tells soft-deleted, no-longer-owned and gone registrations apart (only for the few apps absent from the listing). */
  async settleMissingApps(): Promise<void> {
    const identity = this.deps.identity;
    for (const m of this.findings.appsMissing) {
      const reg = m.app.registration!;
      this.missing.push({
        app: m.app, deletedInIdp: m.deletedInIdp, appId: m.app.id, clientId: reg.clientId, objectId: reg.objectId!,
        storeName: m.app.name, state: m.deletedInIdp ? 'soft-deleted' : 'unknown', repaired: false,
      });
    }
    if (this.options.fix && identity.capabilities.restore && identity.restoreClient) return; // repair() restores or settles them
    await mapLimit(this.missing.filter((m) => m.state === 'unknown'), 8, async (m) => {
      try {
        if (await identity.getClient(m.objectId)) m.state = 'not-owned';
      } catch (err) {
        this.error('appsMissing', m.appId, err);
      }
    });
  }

  async repair(): Promise<void> {
    const f = this.findings;
    this.fixTotal = this.adoptions.length + this.missing.length + f.credentialsAdded.length + f.credentialsRemoved.length + f.credentialsChanged.length;
    this.progress();
    for (const plan of this.adoptions) await this.adopt(plan);
    await this.restoreMissing();
    const now = this.clock.now();
    const caller = this.caller;
    await this.batches('credentialsAdded', f.credentialsAdded, async (tx, x) => {
      return (await importCredentials(tx, caller, now, x.appId, [x.meta])).length > 0;
    });
    await this.batches('credentialsRemoved', f.credentialsRemoved, async (tx, x) => {
      const before = await tx.credentials.get(x.credential.id);
      if (!before || before.state === 'removed' || before.keyId !== x.credential.keyId) return false;
      const after = { ...before, state: 'removed' as const, removedAt: now, retireAt: null };
      await tx.credentials.update(after);
      await audit(tx, caller, now, {
        type: 'reconcile.repaired', entityType: 'credential', entityId: before.id, before, after: { ...after, repair: 'removed in the IdP' },
      });
      return true;
    });
    await this.batches('credentialsChanged', f.credentialsChanged, async (tx, x) => {
      const before = await tx.credentials.get(x.credential.id);
      if (!before || before.state === 'removed') return false;
      const after = { ...before, kind: x.meta.kind, expiresAt: x.meta.expiresAt };
      await tx.credentials.update(after);
      await audit(tx, caller, now, {
        type: 'reconcile.repaired', entityType: 'credential', entityId: before.id, before, after: { ...after, repair: 'changed in the IdP' },
      });
      return true;
    });
  }

  /** One transaction per adoption: the app row (linked or re-created), its credentials and their audit events. */
  private async adopt(plan: AdoptionPlan): Promise<void> {
    const now = this.clock.now();
    const reg = plan.client.registration;
    const live = plan.credentials.map((c) => c.ref as CredentialMetadata);
    try {
      const imported = await this.deps.store.transaction(async (tx) => {
        if (plan.target) {
          const before = await tx.apps.get(plan.target.id);
          if (!before || before.registration) return null;
          const after: ClientApp = {
            ...before, clientId: reg.clientId, updatedAt: now,
            registration: { clientId: reg.clientId, objectId: reg.objectId, uniqueName: reg.uniqueName },
          };
          await tx.apps.update(after);
          await audit(tx, this.caller, now, {
            type: 'reconcile.repaired', entityType: 'app', entityId: before.id, before, after: { ...after, repair: 'adopted registration' },
          });
        } else {
          if (await tx.apps.get(plan.appId)) return null;
          const app = importedApp({
            id: plan.appId, environmentId: plan.environmentId!, providerId: this.options.providerId, name: plan.name!,
            clientId: reg.clientId, objectId: reg.objectId, uniqueName: reg.uniqueName, now,
            description: `Adopted by reconcile from the IdP registration ${reg.clientId}.`,
          });
          await tx.apps.insert(app);
          await audit(tx, this.caller, now, { type: 'app.imported', entityType: 'app', entityId: app.id, before: null, after: { ...app, source: 'reconcile' } });
        }
        return importCredentials(tx, this.caller, now, plan.appId, live);
      });
      if (imported) {
        plan.item.repaired = true;
        this.report.repaired.orphansAdoptable++;
        for (const c of imported) {
          const item = plan.credentials.find((x) => x.keyId === c.keyId);
          if (item) Object.assign(item, { credentialId: c.id, repaired: true });
          this.report.repaired.credentialsAdded++;
        }
      }
    } catch (err) {
      this.error('orphansAdoptable', reg.clientId, err);
    }
    this.step();
  }

  private async restoreMissing(): Promise<void> {
    const identity = this.deps.identity;
    const canRestore = identity.capabilities.restore && typeof identity.restoreClient === 'function';
    for (const m of this.missing) {
      if (!canRestore) {
        this.step();
        continue;
      }
      try {
        await identity.restoreClient!(m.objectId);
        const now = this.clock.now();
        await this.deps.store.transaction(async (tx) => {
          await audit(tx, this.caller, now, {
            type: 'reconcile.repaired', entityType: 'app', entityId: m.appId,
            before: { registration: m.app.registration, idp: m.state === 'soft-deleted' ? 'soft-deleted' : 'absent' },
            after: { registration: m.app.registration, idp: 'restored', repair: 'restored in the IdP' },
            idpActivity: identity.kind === 'entra' ? ENTRA_ACTIVITY.restoreApplication : 'restore client',
          });
        });
        m.state = 'restored';
        m.repaired = true;
        this.report.repaired.appsMissing++;
      } catch (err) {
        if (isGatehouseError(err) && err.code === 'IDP_UNAVAILABLE') this.error('appsMissing', m.appId, err);
        else {
          try {
            m.state = (await identity.getClient(m.objectId)) ? 'not-owned' : 'gone';
          } catch (e) {
            this.error('appsMissing', m.appId, e);
          }
        }
      }
      this.step();
    }
  }

  /**
   * Applies `apply` to each finding, `batchSize` per transaction. A batch that fails is retried one finding per
   * transaction, so one bad row costs only its own repair.
   */
  private async batches<T extends { appId: string; clientId: string }>(
    kind: DriftKind, items: T[], apply: (tx: Repositories, item: T) => Promise<boolean>,
  ): Promise<void> {
    const size = Math.max(1, this.options.batchSize ?? 200);
    const done = new Set<T>();
    const runBatch = async (batch: T[]) => {
      const applied: T[] = [];
      await this.deps.store.transaction(async (tx) => {
        for (const item of batch) if (await apply(tx, item)) applied.push(item);
      });
      for (const item of applied) done.add(item);
    };
    for (let i = 0; i < items.length; i += size) {
      const batch = items.slice(i, i + size);
      try {
        await runBatch(batch);
      } catch {
        for (const item of batch) {
          try {
            await runBatch([item]);
          } catch (err) {
            this.error(kind, item.clientId, err);
          }
        }
      }
      this.step(batch.length);
    }
    this.report.repaired[kind] += done.size;
    this.repairedRefs.set(kind, done as Set<unknown>);
  }

  private readonly repairedRefs = new Map<DriftKind, Set<unknown>>();

  /** Builds the report's counts and (capped) item lists from the findings and what was repaired. */
  fillReport(): void {
    const f = this.findings;
    const r = this.report;
    const repairedOf = (kind: DriftKind) => this.repairedRefs.get(kind) ?? new Set<unknown>();
    for (const x of f.credentialsAdded) {
      this.pushCredential('credentialsAdded', { ...credItem(x.appId, x.clientId, x.meta.keyId, x.meta.kind, x.meta.hint, x.meta.expiresAt), repaired: repairedOf('credentialsAdded').has(x), ref: x });
    }
    for (const x of f.credentialsRemoved) {
      const c = x.credential;
      this.pushCredential('credentialsRemoved', { ...credItem(x.appId, x.clientId, c.keyId, c.kind, c.hint, c.expiresAt), credentialId: c.id, repaired: repairedOf('credentialsRemoved').has(x), ref: x });
    }
    for (const x of f.credentialsChanged) {
      const c = x.credential;
      this.pushCredential('credentialsChanged', {
        ...credItem(x.appId, x.clientId, c.keyId, x.meta.kind, c.hint, x.meta.expiresAt), credentialId: c.id,
        idp: { expiresAt: x.meta.expiresAt }, store: { expiresAt: c.expiresAt }, repaired: repairedOf('credentialsChanged').has(x), ref: x,
      });
    }
    for (const x of f.credentialsLingering) {
      const c = x.credential;
      this.pushCredential('credentialsLingering', { ...credItem(x.appId, x.clientId, c.keyId, c.kind, c.hint, x.meta.expiresAt), credentialId: c.id, repaired: false, ref: x });
    }
    for (const [kind, items] of this.credItems) {
      r.counts[kind] = items.length;
      (r.drift[kind as 'credentialsAdded']) = this.cap(items.map(({ ref: _ref, ...item }) => item));
    }
    r.counts.appsChanged = f.appsChanged.length;
    r.drift.appsChanged = this.cap(f.appsChanged.map(({ app, client }) => ({
      appId: app.id, clientId: client.registration.clientId, objectId: client.registration.objectId,
      storeName: app.name, idpName: client.registration.displayName, repaired: false,
    })));
    r.counts.appsMissing = this.missing.length;
    r.drift.appsMissing = this.cap(this.missing.map(({ app: _a, deletedInIdp: _d, ...item }) => item));
    r.counts.orphansAdoptable = this.adoptions.length;
    r.drift.orphansAdoptable = this.cap(this.adoptions.map((p) => p.item));
    r.counts.orphans = f.orphans.length;
    r.drift.orphans = this.cap(f.orphans.map((o) => ({ ...orphanBase(o.client), reason: o.reason, repaired: false })));
  }

  private pushCredential(kind: DriftKind, item: CredentialDriftItem & { ref: unknown }): void {
    const list = this.credItems.get(kind) ?? [];
    list.push(item);
    this.credItems.set(kind, list);
  }

  private cap<T>(items: T[]): T[] {
    const max = this.options.maxItems ?? 500;
    if (items.length <= max) return items;
    this.report.truncated = true;
    return items.slice(0, max);
  }

  private error(kind: DriftKind, target: string, err: unknown): void {
    const e: ReconcileError = isGatehouseError(err)
      ? { kind, target, code: err.code, message: err.message }
      : { kind, target, code: 'INTERNAL', message: 'Unexpected error during reconcile; see the server log.' };
    this.report.errors.push(e);
  }

  private step(n = 1): void {
    this.fixDone += n;
    this.progress();
  }

  private progress(): void {
    this.deps.onProgress?.({ phase: 'fix', done: this.fixDone, total: this.fixTotal });
  }
}

function orphanBase(client: IdpClient): Omit<OrphanItem, 'repaired'> {
  const r = client.registration;
  return { clientId: r.clientId, objectId: r.objectId, displayName: r.displayName, uniqueName: r.uniqueName };
}

function credItem(appId: string, clientId: string, keyId: string, credentialKind: 'secret' | 'certificate', hint: string | null, expiresAt: number | null) {
  return { appId, clientId, keyId, credentialKind, hint, expiresAt };
}
