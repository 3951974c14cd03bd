import type { Store } from '../../core/ports/store.ts';
import type { Clock } from '../../core/clock.ts';
import type { Vault } from '../../platform/vault.ts';

/**
 * One-time delivery of a secret produced by a job.
 *
 * The IdP shows a new secret once, inside a job that may run after the request that caused it (or be resumed after
 * a crash), so the job cannot simply return it. It seals the secret with the vault (AES-256-GCM, bound to the job id)
 * into `job.progress.delivery`. `claimOnboardingSecret` decrypts it and deletes it in the same transaction: the first
 * claim gets the secret, every later claim gets null. An unclaimed delivery expires after `deliveryTtlMs` and is
 * wiped by the next claim attempt or `expireDeliveries`. After that, Gatehouse holds no copy; only the IdP can
 * verify the secret.
 */
export interface DeliveredSecret {
  secret: string;
  keyId: string;
  clientId: string;
  expiresAt: number;
}

export function sealDelivery(vault: Vault, jobId: string, secret: DeliveredSecret): string {
  return vault.encrypt(JSON.stringify(secret), `delivery:${jobId}`);
}

export type ClaimOutcome =
  | { status: 'delivered'; secret: DeliveredSecret }
  | { status: 'pending' }
  | { status: 'gone'; reason: 'claimed' | 'expired' | 'failed' | 'no-secret' }
  | { status: 'not-found' };

export async function claimOnboardingSecret(deps: { store: Store; vault: Vault; clock: Clock }, jobId: string): Promise<ClaimOutcome> {
  return deps.store.transaction(async (tx) => {
    const job = await tx.jobs.get(jobId);
    if (!job) return { status: 'not-found' };
    const p = job.progress;
    if (typeof p.delivery === 'string') {
      const expired = typeof p.deliveryExpiresAt === 'number' && p.deliveryExpiresAt <= deps.clock.now();
      await tx.jobs.update({
        ...job, progress: { ...p, delivery: null, ...(expired ? { deliveryExpired: deps.clock.now() } : { deliveredAt: deps.clock.now() }) },
        updatedAt: deps.clock.now(),
      });
      if (expired) return { status: 'gone', reason: 'expired' };
      return { status: 'delivered', secret: JSON.parse(deps.vault.decrypt(p.delivery, `delivery:${jobId}`)) as DeliveredSecret };
    }
    if (p.deliveredAt) return { status: 'gone', reason: 'claimed' };
    if (p.deliveryExpired) return { status: 'gone', reason: 'expired' };
    if (job.state === 'failed') return { status: 'gone', reason: 'failed' };
    if (job.state === 'succeeded') return { status: 'gone', reason: 'no-secret' };
    return { status: 'pending' };
  });
}

/**
 * Waits until the job's secret is claimable (or the job ended), then claims it. For request handlers that want to
 * answer with the secret directly when onboarding is quick; on timeout the caller answers 202 with the job id.
 */
export async function awaitOnboardingSecret(
  deps: { store: Store; vault: Vault; clock: Clock },
  jobId: string,
  options: { timeoutMs?: number; pollMs?: number } = {},
): Promise<ClaimOutcome> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  for (;;) {
    const outcome = await claimOnboardingSecret(deps, jobId);
    if (outcome.status !== 'pending' || Date.now() >= deadline) return outcome;
    await new Promise((r) => setTimeout(r, options.pollMs ?? 100));
  }
}
