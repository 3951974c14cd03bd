// The management API's wire shapes the console reads (GET /v1/openapi.json is the contract).

export type Role = 'admin' | 'operator' | 'viewer' | 'consumer';

export interface Page<T> { items: T[]; nextCursor: string | null }

export interface Environment { id: string; name: string }

export interface Policy { type: string; config: Record<string, unknown> }

export interface Api {
  id: string; environmentId: string; name: string; version: string; basePath: string; upstreamUrl: string;
  providerId: string | null; policies: Policy[]; createdAt: string; updatedAt: string;
}

export interface Tier {
  id: string; apiId: string; name: string; limit: { requests: number; windowSeconds: number }; approval: 'auto' | 'manual';
}

export interface App {
  id: string; environmentId: string; name: string; description: string; ownerContacts: string[]; ownerSubject: string | null;
  providerId: string | null; clientId: string | null; createdAt: string; updatedAt: string;
}

export interface AppActivity { appId: string; lastSeenAt: string | null; sourceAddresses: string[] }

export interface Credential {
  id: string; ownerType: 'app' | 'provider'; ownerId: string; kind: 'secret' | 'certificate'; keyId: string; hint: string;
  origin: 'gatehouse' | 'external'; state: 'active' | 'retiring' | 'removed'; createdAt: string;
  expiresAt: string | null; retireAt: string | null; removedAt: string | null; lastUsedAt: string | null; lastUsedSource?: string | null;
}

export interface InventoryItem {
  credential: Credential;
  owner: { type: 'app' | 'provider'; id: string; name: string | null };
  environments: Environment[];
  expiresInDays: number | null;
  lastUsedAt: string | null;
  lastUsedSource: string | null;
}

export type ContractState = 'requested' | 'approved' | 'rejected' | 'revoked';

export interface Contract {
  id: string; appId: string; apiId: string; tierId: string; state: ContractState;
  requestedBy: string; decidedBy: string | null; reason: string | null; createdAt: string; updatedAt: string;
}

export interface RotatedCredential { credential: Credential; clientId: string | null; retiring: Credential[]; secret?: string }

export interface AuditEvent {
  seq: number; id: string; type: string; entityType: string; entityId: string; actor: string; at: string;
  before?: unknown; after?: unknown; idpActivity: string | null;
}
