import { ENTRA_ACTIVITY } from '../../core/audit-catalog.ts';
import type { ClientApp, Credential } from '../../core/domain.ts';
import { newId } from '../../core/ids.ts';
import type { IdentityProvider } from '../../core/ports/identity.ts';
import { audit } from '../context.ts';
import type { JobContext, JobHandler } from '../jobs/types.ts';
import { JOB_CALLER, providerOfApp, type OnboardingDeps } from './deps.ts';
import { sealDelivery } from './delivery.ts';
import { uniqueNameForApp } from './names.ts';
import { syncAppRoles } from './roles.ts';

export const ONBOARD_JOB = 'idp.onboard';

const DAY = 86_400_000;

/** Steps recorded in job.progress; a resumed job skips every step already there. */
export interface OnboardProgress {
  application?: { clientId: string; objectId: string };
  principal?: { principalId: string };
  secret?: { credentialId: string; keyId: string; hint: string; expiresAt: number };
  /** The one-time delivery of the secret (vault ciphertext), removed when claimed. */
  delivery?: string | null;
  deliveryExpiresAt?: number;
}

export interface OnboardResult {
  appId: string;
  clientId: string;
  objectId: string;
  keyId: string;
  hint: string;
  expiresAt: number;
  /** The job id to claim the secret with (`claimOnboardingSecret`). */
  deliveryJobId: string;
  [key: string]: unknown;
}

/**
 * Onboarding of one client app into its IdP (payload `{ appId }`):
 * application (upsert by uniqueName) → service principal → secret with explicit expiry → app roles for its
 * approved contracts. Each step commits its IdP result, the app/credential rows it changes and its audit event
 * (with the Entra activity name) in one transaction.
 */
export function onboardHandler(deps: OnboardingDeps): JobHandler {
  return {
    type: ONBOARD_JOB,
    async run(ctx) {
      const appId = String(ctx.job.payload.appId);
      const loaded = await deps.store.transaction(async (tx) => {
        const app = await tx.apps.get(appId);
        return app ? { app, ...(await providerOfApp(tx, app)) } : null;
      });
      const p = ctx.progress as OnboardProgress;
      if (!loaded) {
        // The app was deleted while we waited: undo whatever an earlier attempt created.
        if (p.application) await compensate(deps, ctx, null);
        return { skipped: 'app deleted' };
      }
      const { app, env, provider } = loaded;
      const idp = deps.identityFor(provider);
      if (!idp.capabilities.registersClients) return { skipped: `provider ${provider.kind} registers no clients` };

      if (!p.application) {
        const { registration, created } = await idp.upsertClient({
          uniqueName: uniqueNameForApp(app.id), displayName: app.name,
          description: `Gatehouse client app ${app.id} (environment ${env.name})`,
          tags: ['gatehouse', `gatehouse:env:${env.id}`],
        });
        await ctx.commit({ application: { clientId: registration.clientId, objectId: registration.objectId } }, async (tx) => {
          const before = await tx.apps.get(app.id);
          if (!before) return;
          const after: ClientApp = {
            ...before, clientId: registration.clientId, updatedAt: deps.clock.now(),
            registration: { clientId: registration.clientId, objectId: registration.objectId, uniqueName: registration.uniqueName },
          };
          await tx.apps.update(after);
          await audit(tx, JOB_CALLER, deps.clock.now(), {
            type: 'app.registered', entityType: 'app', entityId: app.id, before, after,
            idpActivity: created ? ENTRA_ACTIVITY.createApplication : ENTRA_ACTIVITY.updateApplication,
          });
        });
      }
      const application = p.application!;

      if (!p.principal) {
        const sp = await idp.ensureClientPrincipal(application.clientId);
        await ctx.commit({ principal: { principalId: sp.principalId } }, async (tx) => {
          if (!sp.created) return;
          await audit(tx, JOB_CALLER, deps.clock.now(), {
            type: 'app.registered', entityType: 'app', entityId: app.id, before: null,
            after: { clientId: application.clientId, servicePrincipalId: sp.principalId }, idpActivity: ENTRA_ACTIVITY.addServicePrincipal,
          });
        });
      }

      if (!p.secret) await addFirstSecret(deps, ctx, idp, app, env.settings.credentialLifetimeDays);

      await syncAppRoles(deps, ctx, idp, app, provider, p.principal!.principalId);

      const s = p.secret!;
      const result: OnboardResult = {
        appId: app.id, clientId: application.clientId, objectId: application.objectId,
        keyId: s.keyId, hint: s.hint, expiresAt: s.expiresAt, deliveryJobId: ctx.job.id,
      };
      return result;
    },

    async onGiveUp(ctx) {
      await compensate(deps, ctx, ctx.progress as OnboardProgress);
    },
  };
}

async function addFirstSecret(deps: OnboardingDeps, ctx: JobContext, idp: IdentityProvider, app: ClientApp, lifetimeDays: number) {
  const p = ctx.progress as OnboardProgress;
  const { objectId } = p.application!;
  // A label unique to this job: a crash after addPassword but before the commit leaves a secret nobody received;
  // the resumed attempt finds it by this label and removes it before adding the one it will deliver.
  const label = `gatehouse ${ctx.job.id}`;
  if (ctx.job.attempts > 1 && 'removeDuplicateSecrets' in idp) {
    await (idp as IdentityProvider & { removeDuplicateSecrets(o: string, l: string, k: string | null): Promise<string[]> })
      .removeDuplicateSecrets(objectId, label, null);
  }
  const now = deps.clock.now();
  const issued = await idp.addSecret(objectId, { displayName: label, expiresAt: now + (lifetimeDays || 180) * DAY });
  const credential: Credential = {
    id: newId('credential', now), ownerType: 'app', ownerId: app.id, kind: 'secret', keyId: issued.keyId, hint: issued.hint,
    secretHash: null, origin: 'gatehouse', state: 'active', createdAt: issued.createdAt, expiresAt: issued.expiresAt,
    retireAt: null, removedAt: null, lastUsedAt: null,
  };
  const ttl = deps.deliveryTtlMs ?? 86_400_000;
  // If this attempt cannot record the secret (lease lost to a newer attempt, store down), nobody will ever receive
  // it: remove it from the IdP before giving up the attempt, so no unknown secret stays on the app.
  const record = () => ctx.commit({
    secret: { credentialId: credential.id, keyId: issued.keyId, hint: issued.hint, expiresAt: issued.expiresAt },
    delivery: sealDelivery(deps.vault, ctx.job.id, { secret: issued.secret, keyId: issued.keyId, clientId: p.application!.clientId, expiresAt: issued.expiresAt }),
    deliveryExpiresAt: now + ttl,
  }, async (tx) => {
    await tx.credentials.insert(credential);
    await audit(tx, JOB_CALLER, now, {
      type: 'credential.added', entityType: 'credential', entityId: credential.id, before: null, after: credential,
      idpActivity: ENTRA_ACTIVITY.addPassword,
    });
  });
  try {
    await record();
  } catch (e) {
    await idp.removeSecret(objectId, issued.keyId).catch(() => {});
    throw e;
  }
}

/**
 * Undo an onboarding that gives up: delete and purge the IdP application so no orphan remains, and clear the
 * app's registration. If this fails too, the failed job keeps `progress.application` for the reconciler.
 */
async function compensate(deps: OnboardingDeps, ctx: JobContext, progress: OnboardProgress | null) {
  const p = progress ?? (ctx.progress as OnboardProgress);
  if (!p.application) return;
  const appId = String(ctx.job.payload.appId);
  const providerId = String(ctx.job.payload.providerId ?? '');
  const provider = await deps.store.transaction(async (tx) => {
    if (providerId) return tx.providers.get(providerId);
    const app = await tx.apps.get(appId);
    return app ? (await providerOfApp(tx, app)).provider : null;
  });
  if (!provider) return;
  const idp = deps.identityFor(provider);
  await idp.deleteClient(p.application.objectId);
  await ctx.commit({ compensated: 'deleted' }, async (tx) => {
    const app = await tx.apps.get(appId);
    if (app && app.registration?.objectId === p.application!.objectId) {
      const after: ClientApp = { ...app, registration: null, clientId: null, updatedAt: deps.clock.now() };
      await tx.apps.update(after);
    }
    if (p.secret) {
      const cred = await tx.credentials.get(p.secret.credentialId);
      if (cred) await tx.credentials.update({ ...cred, state: 'removed', removedAt: deps.clock.now() });
    }
    await audit(tx, JOB_CALLER, deps.clock.now(), {
      type: 'app.unregistered', entityType: 'app', entityId: appId, before: p.application!, after: null,
      idpActivity: ENTRA_ACTIVITY.deleteApplication,
    });
  });
  // Replication may not show the deleted item yet; then the reconciler purges it later (Entra itself after 30 days).
  const purged = await idp.purgeClient(p.application.objectId).then(() => true, () => false);
  if (!purged) return;
  await ctx.commit({ compensated: 'purged', delivery: null }, async (tx) => {
    await audit(tx, JOB_CALLER, deps.clock.now(), {
      type: 'app.purged', entityType: 'app', entityId: appId, before: p.application!, after: null,
      idpActivity: ENTRA_ACTIVITY.hardDeleteApplication,
    });
  });
}

