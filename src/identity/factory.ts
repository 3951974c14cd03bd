import type { Clock } from '../core/clock.ts';
import type { Provider } from '../core/domain.ts';
import { GatehouseError } from '../core/errors.ts';
import type { IdentityProvider } from '../core/ports/identity.ts';
import type { Vault } from '../platform/vault.ts';
import type { RetryPolicy } from './entra/backoff.ts';
import { EntraIdentityProvider } from './entra/adapter.ts';
import { parseEntraConfig, type EntraPlatformCredential } from './entra/config.ts';
import { LocalIdentityProvider } from './local/adapter.ts';

export interface IdentityFactoryOptions {
  vault: Vault;
  clock?: Clock;
  retry?: Partial<RetryPolicy>;
  sleep?: (ms: number) => Promise<void>;
}

/** Builds the adapter for a stored provider, decrypting its platform credential with the vault. */
export function createIdentityProvider(provider: Provider, options: IdentityFactoryOptions): IdentityProvider {
  switch (provider.kind) {
    case 'local':
      return new LocalIdentityProvider(options.clock);
    case 'entra': {
      if (!provider.secretCiphertext) {
        throw new GatehouseError('VALIDATION_FAILED', `Provider ${provider.name} has no credential; set its client secret or certificate.`);
      }
      const credential = JSON.parse(options.vault.decrypt(provider.secretCiphertext, provider.id)) as EntraPlatformCredential;
      return new EntraIdentityProvider({
        config: parseEntraConfig(provider.config), credential, providerLabel: provider.name,
        ...(options.clock ? { clock: options.clock } : {}),
        ...(options.retry ? { retry: options.retry } : {}),
        ...(options.sleep ? { sleep: options.sleep } : {}),
      });
    }
    default:
      throw new GatehouseError('VALIDATION_FAILED', `Provider kind ${provider.kind} has no adapter yet.`);
  }
}

/**
 * Validates and encrypts an Entra platform credential for Provider.secretCiphertext. The provider id is bound as
 * context, so the ciphertext only decrypts on its own row.
 */
export function sealEntraCredential(vault: Vault, providerId: string, raw: Record<string, unknown>): string {
  let credential: EntraPlatformCredential;
  if (typeof raw.clientSecret === 'string' && raw.clientSecret.length >= 8) {
    credential = { type: 'secret', clientSecret: raw.clientSecret };
  } else if (typeof raw.certificatePem === 'string' && typeof raw.privateKeyPem === 'string'
    && raw.certificatePem.includes('BEGIN CERTIFICATE') && raw.privateKeyPem.includes('PRIVATE KEY')) {
    credential = { type: 'certificate', certificatePem: raw.certificatePem, privateKeyPem: raw.privateKeyPem };
  } else {
    throw new GatehouseError('VALIDATION_FAILED',
      'An Entra provider needs clientSecret (the secret Value), or certificatePem and privateKeyPem.', { field: 'credential' });
  }
  return vault.encrypt(JSON.stringify(credential), providerId);
}
