import type { Provider } from '../../core/domain.ts';
import { GatehouseError } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import type { IdentityProvider } from '../../core/ports/identity.ts';
import { generateSecret, secretHint } from '../../core/secrets.ts';
import type { Clock } from '../../core/clock.ts';

/**
 * Where rotation adds and removes secrets: the slice of the identity port it needs. For `local`, Gatehouse itself
 * (built in below); for an IdP, the provider's adapter (Entra: addPassword/removePassword on the application
 * object), injected through `LifecycleDeps.secretBackendFor`.
 */
export type SecretBackend = Pick<IdentityProvider, 'addSecret' | 'removeSecret'>;

/** Local secrets: generated here, checked by the gateway against their hash; removal is the credential row's state. */
export function localSecretBackend(clock: Clock): SecretBackend {
  return {
    async addSecret(_objectId, input) {
      const secret = generateSecret();
      const now = clock.now();
      return { keyId: newId('credential', now), secret, hint: secretHint(secret), createdAt: now, expiresAt: input.expiresAt };
    },
    async removeSecret() {},
  };
}

export async function resolveSecretBackend(
  provider: Provider, secretBackendFor: ((provider: Provider) => SecretBackend | Promise<SecretBackend>) | undefined, clock: Clock,
): Promise<SecretBackend> {
  if (provider.kind === 'local') return localSecretBackend(clock);
  const injected = secretBackendFor ? await secretBackendFor(provider) : undefined;
  if (injected) return injected;
  throw new GatehouseError('CONFLICT', `Rotation for ${provider.kind} providers is not available in this build (provider ${provider.name}).`, { providerKind: provider.kind });
}
