/**
 * The role table of the REST contract, written out independently of the implementation (test support):
 * which roles may call each /v1 route. roles.test.ts checks the server against it; openapi.test.ts checks that
 * the document lists exactly these routes.
 */
export type Who = 'admin' | 'operator' | 'viewer' | 'consumer';
export const ANY: Who[] = ['admin', 'operator', 'viewer', 'consumer'];
const STAFF_READ: Who[] = ['admin', 'operator', 'viewer'];
const STAFF_WRITE: Who[] = ['admin', 'operator'];
const OWNER_WRITE: Who[] = ['admin', 'operator', 'consumer'];
const ADMIN: Who[] = ['admin'];

/** A route anyone may call without a token (the link is the permission). */
export const PUBLIC = 'public' as const;

export const ROLE_TABLE: [method: string, path: string, allowed: Who[] | typeof PUBLIC][] = [
  ['GET', '/v1/environments', ANY],
  ['POST', '/v1/environments', STAFF_WRITE],
  ['GET', '/v1/environments/{id}', ANY],
  ['PATCH', '/v1/environments/{id}', STAFF_WRITE],
  ['DELETE', '/v1/environments/{id}', STAFF_WRITE],
  ['GET', '/v1/providers', STAFF_READ],
  ['POST', '/v1/providers', ADMIN],
  ['GET', '/v1/providers/{id}', STAFF_READ],
  ['PATCH', '/v1/providers/{id}', ADMIN],
  ['DELETE', '/v1/providers/{id}', ADMIN],
  ['POST', '/v1/providers/{id}/check', STAFF_WRITE],
  ['POST', '/v1/providers/{id}/reconcile', STAFF_WRITE],
  ['POST', '/v1/providers/{id}/rotate-credential', ADMIN],
  ['GET', '/v1/apis', ANY],
  ['POST', '/v1/apis', STAFF_WRITE],
  ['GET', '/v1/apis/{id}', ANY],
  ['PATCH', '/v1/apis/{id}', STAFF_WRITE],
  ['DELETE', '/v1/apis/{id}', STAFF_WRITE],
  ['GET', '/v1/apis/{apiId}/tiers', ANY],
  ['POST', '/v1/apis/{apiId}/tiers', STAFF_WRITE],
  ['GET', '/v1/tiers/{id}', ANY],
  ['PATCH', '/v1/tiers/{id}', STAFF_WRITE],
  ['DELETE', '/v1/tiers/{id}', STAFF_WRITE],
  ['GET', '/v1/apps', ANY],
  ['POST', '/v1/apps', OWNER_WRITE],
  ['POST', '/v1/apps/import', STAFF_WRITE],
  ['GET', '/v1/apps/{id}', ANY],
  ['PATCH', '/v1/apps/{id}', OWNER_WRITE],
  ['DELETE', '/v1/apps/{id}', OWNER_WRITE],
  ['GET', '/v1/apps/{id}/activity', ANY],
  ['GET', '/v1/apps/{appId}/credentials', ANY],
  ['GET', '/v1/apps/{appId}/registration', ANY],
  ['POST', '/v1/apps/{appId}/registration/secret', OWNER_WRITE],
  ['POST', '/v1/apps/{appId}/credentials', OWNER_WRITE],
  ['DELETE', '/v1/apps/{appId}/credentials/{credentialId}', OWNER_WRITE],
  ['GET', '/v1/contracts', ANY],
  ['POST', '/v1/contracts', OWNER_WRITE],
  ['GET', '/v1/contracts/{id}', ANY],
  ['POST', '/v1/contracts/{id}/approve', STAFF_WRITE],
  ['POST', '/v1/contracts/{id}/reject', STAFF_WRITE],
  ['POST', '/v1/contracts/{id}/revoke', OWNER_WRITE],
  ['GET', '/v1/me', ANY],
  ['GET', '/v1/tokens', ADMIN],
  ['POST', '/v1/tokens', ADMIN],
  ['DELETE', '/v1/tokens/{id}', ADMIN],
  ['GET', '/v1/audit', STAFF_READ],
  ['GET', '/v1/audit/verify', STAFF_READ],
  ['GET', '/v1/usage', STAFF_READ],
  ['GET', '/v1/credentials', ANY],
  ['POST', '/v1/apps/{appId}/credentials/rotate', OWNER_WRITE],
  ['POST', '/v1/credentials/{id}/finish-rotation', OWNER_WRITE],
  ['POST', '/v1/apps/{appId}/credentials/{credentialId}/extend-grace', STAFF_WRITE],
  ['GET', '/v1/reports/stale-clients', STAFF_READ],
  ['GET', '/v1/deliveries/{id}', PUBLIC],
];
