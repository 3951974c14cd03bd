import type { Clock } from '../core/clock.ts';
import type { Provider } from '../core/domain.ts';
import { GatehouseError } from '../core/errors.ts';
import type { IdentityProvider } from '../core/ports/identity.ts';
import { createIdentityProvider } from '../identity/factory.ts';
import type { Vault } from '../platform/vault.ts';

/** The adapter that drives a stored provider (check, reconcile, import). */
export type IdentityFor = (provider: Provider) => IdentityProvider | Promise<IdentityProvider>;

/** Default: the identity factory, decrypting the provider's credential with the server's vault. */
export function defaultIdentityFor(deps: { vault?: Vault; clock: Clock }): IdentityFor {
  return (provider) => {
    if (provider.kind !== 'local' && !deps.vault) {
      throw new GatehouseError('CONFLICT', `This server was started without a master key, so it cannot use provider ${provider.name}'s credential.`);
    }
    return createIdentityProvider(provider, { vault: deps.vault ?? NO_VAULT, clock: deps.clock });
  };
}

/** Only reached by `local`, which keeps no credential. */
const NO_VAULT: Vault = {
  keyId: 'none',
  encrypt: () => { throw new GatehouseError('INTERNAL', 'No master key.'); },
  decrypt: () => { throw new GatehouseError('INTERNAL', 'No master key.'); },
};
