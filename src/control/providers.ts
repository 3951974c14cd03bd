import type { Provider, ProviderKind } from '../core/domain.ts';
import { GatehouseError } from '../core/errors.ts';
import { newId } from '../core/ids.ts';
import type { Page, PageRequest, ProviderFilter, Repositories } from '../core/ports/store.ts';
import { anyMatch, audit, listAll, mustGet, type Caller, type ServiceDeps, unchanged } from './context.ts';
import { fieldErrors } from './field-errors.ts';
import { providerConfigSchema, supportedProviderKinds } from './provider-kinds.ts';
import { sealEntraCredential } from '../identity/factory.ts';
import type { Vault } from '../platform/vault.ts';

/**
 * The platform's own credential at the IdP (Entra: the platform app's client secret, or certificate and key).
 * Never part of `config`: it is encrypted with the vault into Provider.secretCiphertext, bound to the provider id,
 * and never returned or audited.
 */
export type ProviderCredentialInput = { clientSecret: string } | { certificatePem: string; privateKeyPem: string };

export interface ProviderInput {
  name: string;
  kind: ProviderKind;
  config?: Record<string, unknown>;
  credential?: ProviderCredentialInput;
}

export interface ProviderPatch {
  name?: string;
  config?: Record<string, unknown>;
  /** Replaces the stored platform credential (e.g. after rotating it in the IdP). */
  credential?: ProviderCredentialInput;
}

export class ProviderService {
  constructor(private readonly deps: ServiceDeps & { vault?: Vault }) {}

  list(_caller: Caller, filter: ProviderFilter = {}, page?: PageRequest): Promise<Page<Provider>> {
    return this.deps.store.providers.list(filter, page);
  }

  get(_caller: Caller, id: string): Promise<Provider> {
    return mustGet('provider', id, (i) => this.deps.store.providers.get(i));
  }

  create(caller: Caller, input: ProviderInput): Promise<Provider> {
    const config = checkConfig(input.kind, withCredentialType(input.kind, input.config ?? {}, input.credential));
    if (needsCredential(input.kind) && !input.credential) {
      const message = `a ${input.kind} provider needs the platform app's credential: clientSecret, or certificatePem and privateKeyPem`;
      throw new GatehouseError('VALIDATION_FAILED', `credential: ${message}.`, { errors: [{ path: 'credential', message }] });
    }
    return this.deps.store.transaction(async (tx) => {
      await assertNameFree(tx, input.name, null);
      const now = this.deps.clock.now();
      const id = newId('provider', now);
      const provider: Provider = {
        id, name: input.name, kind: input.kind, config, secretCiphertext: this.seal(input.kind, id, input.credential), createdAt: now, updatedAt: now,
      };
      await tx.providers.insert(provider);
      await audit(tx, caller, now, { type: 'provider.created', entityType: 'provider', entityId: provider.id, before: null, after: provider });
      return provider;
    });
  }

  update(caller: Caller, id: string, patch: ProviderPatch): Promise<Provider> {
    return this.deps.store.transaction(async (tx) => {
      const before = await mustGet('provider', id, (i) => tx.providers.get(i));
      if (patch.name !== undefined && patch.name !== before.name) await assertNameFree(tx, patch.name, id);
      const after: Provider = {
        ...before,
        name: patch.name ?? before.name,
        config: patch.config !== undefined || patch.credential ? nextConfig(before, patch) : before.config,
        secretCiphertext: patch.credential ? this.seal(before.kind, id, patch.credential) : before.secretCiphertext,
        updatedAt: this.deps.clock.now(),
      };
      if (unchanged(before, after)) return before;
      await tx.providers.update(after);
      await audit(tx, caller, after.updatedAt, { type: 'provider.updated', entityType: 'provider', entityId: id, before, after });
      return after;
    });
  }

  delete(caller: Caller, id: string): Promise<void> {
    return this.deps.store.transaction(async (tx) => {
      const before = await mustGet('provider', id, (i) => tx.providers.get(i));
      const user = await findUser(tx, id);
      if (user) throw new GatehouseError('PROVIDER_IN_USE', `Provider ${before.name} is used by ${user}.`, { id });
      await tx.providers.delete(id);
      await audit(tx, caller, this.deps.clock.now(), { type: 'provider.deleted', entityType: 'provider', entityId: id, before, after: null });
    });
  }

  private seal(kind: ProviderKind, providerId: string, credential: ProviderCredentialInput | undefined): string | null {
    if (!credential) return null;
    if (!needsCredential(kind)) {
      const message = `a ${kind} provider holds no credential`;
      throw new GatehouseError('VALIDATION_FAILED', `credential: ${message}.`, { errors: [{ path: 'credential', message }] });
    }
    if (!this.deps.vault) {
      throw new GatehouseError('CONFLICT', 'This server was started without a master key, so it cannot store provider credentials (set GATEHOUSE_MASTER_KEY or use the key file).');
    }
    return sealEntraCredential(this.deps.vault, providerId, credential as Record<string, unknown>);
  }
}

/** Kinds whose adapter signs in to the IdP with a credential of its own. */
const needsCredential = (kind: ProviderKind): boolean => kind !== 'local';

/** Secret-looking settings belong in `credential`; in `config` they would be stored and shown in clear. */
const SECRET_CONFIG_KEYS = ['credential', 'clientSecret', 'privateKeyPem', 'certificatePem', 'secret', 'password'];

/**
 * Entra's config records which credential type the platform app uses; when a credential comes with the request,
 * its type decides (a mismatching explicit value is refused by the schema check that follows).
 */
function withCredentialType(kind: ProviderKind, config: Record<string, unknown>, credential: ProviderCredentialInput | undefined): Record<string, unknown> {
  const leaked = SECRET_CONFIG_KEYS.find((k) => config[k] !== undefined);
  if (leaked) {
    const message = 'secrets go in the request\'s "credential" field, which is stored encrypted; config is stored and shown in clear';
    throw new GatehouseError('VALIDATION_FAILED', `config.${leaked}: ${message}.`, { errors: [{ path: `config.${leaked}`, message }] });
  }
  if (kind !== 'entra' || !credential) return config;
  const type = 'clientSecret' in credential ? 'secret' : 'certificate';
  if (config.credentialType !== undefined && config.credentialType !== type) {
    const message = `is "${String(config.credentialType)}" but the credential given is a ${type}`;
    throw new GatehouseError('VALIDATION_FAILED', `config.credentialType: ${message}.`, { errors: [{ path: 'config.credentialType', message }] });
  }
  return { ...config, credentialType: type };
}

/** Settings Gatehouse writes itself (Entra: the resource apps it created); operators may not set them. */
const MANAGED_CONFIG_KEYS = ['resourceApps'];

/**
 * The config after a patch: the operator's new config (or, when only the credential changes, the stored one with
 * its credentialType following the new credential) is validated, then the managed settings are carried over.
 */
function nextConfig(before: Provider, patch: ProviderPatch): Record<string, unknown> {
  const managed = Object.fromEntries(MANAGED_CONFIG_KEYS.filter((k) => before.config[k] !== undefined).map((k) => [k, before.config[k]]));
  let operatorConfig = patch.config;
  if (operatorConfig === undefined) {
    const { credentialType: _follows, ...stored } = before.config;
    operatorConfig = Object.fromEntries(Object.entries(stored).filter(([k]) => !MANAGED_CONFIG_KEYS.includes(k)));
  }
  return { ...checkConfig(before.kind, withCredentialType(before.kind, operatorConfig, patch.credential)), ...managed };
}

function checkConfig(kind: ProviderKind, config: Record<string, unknown>): Record<string, unknown> {
  const schema = providerConfigSchema(kind);
  if (!schema) {
    const message = `provider kind "${kind}" is not available in this build (available: ${supportedProviderKinds().join(', ')})`;
    throw new GatehouseError('VALIDATION_FAILED', message, { errors: [{ path: 'kind', message }] });
  }
  const result = schema.safeParse(config);
  if (!result.success) {
    const errors = fieldErrors(result.error.issues, ['config']);
    throw new GatehouseError('VALIDATION_FAILED', `Invalid ${kind} provider config: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`, { errors });
  }
  return result.data;
}

async function assertNameFree(tx: Repositories, name: string, selfId: string | null): Promise<void> {
  const clash = (await tx.providers.list({ name }, { limit: 2 })).items.find((p) => p.id !== selfId);
  if (clash) throw new GatehouseError('NAME_TAKEN', `A provider named "${name}" already exists (${clash.id}).`, { field: 'name' });
}

/** Describes the first environment, API or app that uses the provider, or null. */
async function findUser(tx: Repositories, providerId: string): Promise<string | null> {
  const envs = await listAll((p) => tx.environments.list({}, p));
  const env = envs.find((e) => e.defaultProviderId === providerId || e.providerIds.includes(providerId));
  if (env) return `environment ${env.name} (${env.id})`;
  if (await anyMatch((p) => tx.apis.list({ providerId }, p))) return 'an API';
  if (await anyMatch((p) => tx.apps.list({ providerId }, p))) return 'a client app';
  return null;
}
