import type { Clock } from '../../core/clock.ts';
import { systemClock } from '../../core/clock.ts';
import { GatehouseError } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import type { CheckReport, IdentityCapabilities, IdentityProvider, IssuedSecret, TokenIssuers } from '../../core/ports/identity.ts';
import { generateSecret, secretHint } from '../../core/secrets.ts';

/**
 * The `local` provider: Gatehouse itself is the registry. There are no IdP objects, so every registration,
 * certificate and role operation is declared unsupported; secrets are generated here and checked by the gateway
 * against their hash (client-id enforcement), and no token issuer exists.
 */
export class LocalIdentityProvider implements IdentityProvider {
  readonly kind = 'local' as const;
  readonly capabilities: IdentityCapabilities = {
    registersClients: false, softDelete: false, restore: false, secrets: true, certificates: false,
    listOwnedClients: false, readCredentials: false, resourceApps: false, appRoles: false,
  };

  constructor(private readonly clock: Clock = systemClock) {}

  async loadCapabilities(): Promise<IdentityCapabilities> {
    return this.capabilities;
  }

  async addSecret(_ownerId: string, input: { expiresAt: number }): Promise<IssuedSecret> {
    const now = this.clock.now();
    if (!(input.expiresAt > now)) throw new GatehouseError('VALIDATION_FAILED', 'A secret must expire in the future.');
    const secret = generateSecret('ghs_');
    return { keyId: newId('credential', now), secret, hint: secretHint(secret), createdAt: now, expiresAt: input.expiresAt };
  }

  /** The gateway forgets a local secret when its credential row is removed; nothing to do outside the store. */
  async removeSecret(): Promise<void> {}

  describeTokenIssuers(): TokenIssuers {
    return { issuers: [], audiences: [], clientIdClaims: [], tenantId: null, scope: null, tokenEndpoint: null };
  }

  async check(): Promise<CheckReport> {
    return {
      healthy: true, permissions: [], credentialExpiresAt: null, checkedAt: this.clock.now(),
      findings: [{ check: 'local', severity: 'ok', message: 'The local provider needs no external identity provider.' }],
    };
  }

  upsertClient = unsupported('register clients');
  ensureClientPrincipal = unsupported('create principals');
  getClient = unsupported('read client registrations');
  deleteClient = unsupported('delete client registrations');
  purgeClient = unsupported('purge client registrations');
  addCertificate = unsupported('add certificates');
  removeCertificate = unsupported('remove certificates');
  readCredentials = unsupported('read IdP credentials');
  listOwnedClients = unsupported('list owned clients');
  ensureResourceApp = unsupported('create resource apps');
  grantAppRole = unsupported('grant app roles');
  revokeAppRole = unsupported('revoke app roles');
  listAppRoleGrants = unsupported('read app role assignments');
}

function unsupported(what: string): () => Promise<never> {
  return async () => {
    throw new GatehouseError('IDP_REJECTED', `The local provider cannot ${what}: it has no identity provider behind it.`,
      { idpCode: 'NOT_SUPPORTED', hint: 'Use an entra or oidc-dcr provider for IdP-registered clients.' });
  };
}
