import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Clock } from '../../core/clock.ts';
import type { LifecycleStore } from '../../core/ports/lifecycle.ts';
import type { Store } from '../../core/ports/store.ts';
import type { NotificationChannel } from '../../notify/channel.ts';
import type { Logger } from '../../platform/logger.ts';
import { pickLifecycleDeps, type LifecycleDeps } from './deps.ts';
import { deliverDueAlerts, planExpiryAlerts, type DeliveryReport, type PlanReport } from './expiry-watch.ts';
import { sweepRetiringCredentials, type SweepReport } from './sweeper.ts';
import { scheduledRotationPhase, type ScheduledRotationReport } from './scheduled-rotation.ts';
import { planRetirementWarnings, type RetirementWatchReport } from './retirement-watch.ts';
import type { RotationNoticeDeps } from './rotation-notice.ts';
import { providerRotationPhase, type ProviderPhaseDeps, type ProviderPhaseReport } from './provider-credential-phase.ts';
import { credentialActivityPhase, type CredentialActivityDeps, type CredentialActivityReport } from './credential-activity.ts';
import { scheduleReconciles, type ReconcileScheduleOptions, type ReconcileScheduleReport } from '../reconcile/schedule.ts';

export const LIFECYCLE_LEASE = 'lifecycle-scheduler';

export interface LifecycleSchedulerOptions {
  store: Store;
  lifecycleStore: LifecycleStore;
  clock: Clock;
  channels: NotificationChannel[];
  /** Time between ticks (default 60 s). 0 = no timer: the caller drives `tick()` (tests, cron-style use). */
  intervalMs?: number;
  /** How long a tick's lease lasts (default 3 × interval, at least 30 s): the holder renews it every tick. */
  leaseTtlMs?: number;
  /** This node's name in the lease (default host:pid:random). */
  owner?: string;
  /** IdP adapters for rotation's sweeper (see LifecycleDeps.secretBackendFor). */
  secretBackendFor?: LifecycleDeps['secretBackendFor'];
  /** When given, each tick also syncs and (with provider.config.autoRotate) rolls the providers' own credentials. */
  providerCredentials?: Omit<ProviderPhaseDeps, 'lastSync'>;
  /** When given, each tick enqueues a reconcile job for every provider whose last run is older than the interval. */
  reconcile?: Pick<ReconcileScheduleOptions, 'intervalMs' | 'fix'>;
  /** When given, each tick reads the IdP's credential sign-in report (at most every 6 h per provider) into last use. */
  credentialActivity?: Omit<CredentialActivityDeps, 'lastSync'>;
  /** How scheduled rotation tells app owners (see LifecycleDeps.rotationNotices); without it, scheduled rotation skips every app. */
  rotationNotices?: RotationNoticeDeps;
  logger?: Logger;
}

export interface TickReport {
  /** False when another node holds the lease (or a tick was already running here). */
  ran: boolean;
  plan?: PlanReport;
  retirementWatch?: RetirementWatchReport;
  delivery?: DeliveryReport;
  sweep?: SweepReport;
  scheduledRotation?: ScheduledRotationReport;
  providerCredentials?: ProviderPhaseReport;
  reconcile?: ReconcileScheduleReport;
  credentialActivity?: CredentialActivityReport;
  purgedDeliveries?: number;
  /** Phases that failed this tick (details in the log); the next tick tries them again. */
  errors: string[];
}

export interface LifecycleScheduler {
  readonly owner: string;
  /** Runs one tick now (under the lease). */
  tick(): Promise<TickReport>;
  /** Stops the timer, waits for a running tick, and releases the lease so another node takes over at once. */
  stop(): Promise<void>;
}

/**
 * Runs the credential lifecycle periodically on exactly one node: expiry alerts (plan + deliver), the rotation
 * sweeper, and purging of expired delivery links. Every node may start it; each tick first takes the lease
 * (compare-and-set row, plus pg_try_advisory_lock on PostgreSQL), and the holder keeps it by renewing it each tick.
 */
export function startLifecycleScheduler(options: LifecycleSchedulerOptions): LifecycleScheduler {
  const intervalMs = options.intervalMs ?? 60_000;
  const leaseTtlMs = options.leaseTtlMs ?? Math.max(3 * intervalMs, 30_000);
  const owner = options.owner ?? `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  const deps = pickLifecycleDeps(options);
  const lastSync = new Map();
  const lastActivitySync = new Map();
  const channelNames = options.channels.map((c) => c.name);
  let running: Promise<TickReport> | null = null;
  let stopped = false;

  /** Renews the lease between phases, so a slow phase (an SMTP server that times out) cannot outlive it unnoticed. */
  const stillHeld = async () => (await options.lifecycleStore.acquireLease(LIFECYCLE_LEASE, owner, options.clock.now(), leaseTtlMs)) !== null;

  /** Phases are independent: one failing (store hiccup, a bad row) is logged and the others still run. */
  async function phase<T>(report: TickReport, name: string, fn: () => Promise<T>): Promise<T | undefined> {
    try {
      return await fn();
    } catch (error) {
      report.errors.push(name);
      options.logger?.error({ err: error, phase: name }, 'lifecycle phase failed');
      return undefined;
    }
  }

  async function work(): Promise<TickReport> {
    const report: TickReport = { ran: true, errors: [] };
    // Rotation first: a secret rotated at a threshold gets its rotation notice, not also an alert to rotate it, and
    // the notice goes out in this tick's delivery.
    report.scheduledRotation = await phase(report, 'scheduled-rotation', () => scheduledRotationPhase(deps));
    // Before delivery, so a "retiring secret still in use" warning goes out in the tick that plans it.
    report.retirementWatch = await phase(report, 'retirement-watch', () => planRetirementWarnings(deps, channelNames));
    report.plan = await phase(report, 'plan', () => planExpiryAlerts(deps, channelNames));
    if (!(await stillHeld())) return report;
    report.delivery = await phase(report, 'deliver', () => deliverDueAlerts(deps, options.channels));
    if (!(await stillHeld())) return report;
    if (options.providerCredentials) {
      const providerDeps = options.providerCredentials;
      report.providerCredentials = await phase(report, 'provider-credentials', () => providerRotationPhase({ ...providerDeps, lastSync }));
    }
    if (options.reconcile) {
      const schedule = { store: options.store, clock: options.clock, ...options.reconcile };
      report.reconcile = await phase(report, 'reconcile', () => scheduleReconciles(schedule));
    }
    report.sweep = await phase(report, 'sweep', () => sweepRetiringCredentials(deps));
    report.purgedDeliveries = await phase(report, 'purge', () => options.lifecycleStore.purgeExpiredSecretDeliveries(options.clock.now()));
    // Last: reading a large tenant's report pages slowly (Graph's reporting throttle), so it renews the lease first
    // and cannot delay alerts or rotations.
    if (options.credentialActivity && (await stillHeld())) {
      const activityDeps = options.credentialActivity;
      report.credentialActivity = await phase(report, 'credential-activity', () => credentialActivityPhase({ ...activityDeps, lastSync: lastActivitySync }));
    }
    return report;
  }

  function tick(): Promise<TickReport> {
    if (stopped || running) return Promise.resolve({ ran: false, errors: [] });
    running = options.lifecycleStore
      .runExclusive(LIFECYCLE_LEASE, owner, options.clock.now(), leaseTtlMs, work)
      .then((r) => (r.ran ? r.result : { ran: false, errors: [] }))
      .finally(() => {
        running = null;
      });
    return running;
  }

  const timer = intervalMs > 0
    ? setInterval(() => {
        tick().catch((error: unknown) => options.logger?.error({ err: error }, 'lifecycle tick failed'));
      }, intervalMs)
    : null;
  timer?.unref();

  return {
    owner,
    tick,
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      await running?.catch(() => {});
      await options.lifecycleStore.releaseLease(LIFECYCLE_LEASE, owner).catch(() => {});
    },
  };
}
