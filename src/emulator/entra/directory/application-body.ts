import type { GraphJson } from './model.ts';
import { badRequest } from './errors.ts';

type Kind = 'string' | 'nullableString' | 'strings' | 'objects' | 'object' | 'nullableObject' | 'nullableBoolean' | 'number';

/** Properties a client may write on an application, with the JSON type Graph expects. */
const WRITABLE: Record<string, Kind> = {
  displayName: 'string', description: 'nullableString', notes: 'nullableString', signInAudience: 'string',
  identifierUris: 'strings', tags: 'strings', appRoles: 'objects', requiredResourceAccess: 'objects',
  api: 'object', web: 'object', spa: 'object', publicClient: 'object', info: 'object',
  isFallbackPublicClient: 'nullableBoolean', isDeviceOnlyAuthSupported: 'nullableBoolean', isDisabled: 'nullableBoolean',
  optionalClaims: 'nullableObject', groupMembershipClaims: 'nullableString', uniqueName: 'nullableString',
  serviceManagementReference: 'nullableString', tokenEncryptionKeyId: 'nullableString', defaultRedirectUri: 'nullableString',
  keyCredentials: 'objects', passwordCredentials: 'objects', parentalControlSettings: 'object',
  servicePrincipalLockConfiguration: 'nullableObject', samlMetadataUrl: 'nullableString',
};

const READ_ONLY = ['id', 'appId', 'createdDateTime', 'deletedDateTime', 'publisherDomain', 'disabledByMicrosoftStatus', 'verifiedPublisher'];

/**
 * Complex properties the Graph OpenAPI declares non-nullable: Graph shows `null` for them, but the schema does not
 * allow it, so the emulator leaves them out until they are set (clients must treat absent and null alike anyway).
 */
const OMITTED_WHEN_NULL = ['optionalClaims', 'servicePrincipalLockConfiguration', 'requestSignatureVerification', 'certification'];

/** Complex values are merged with what is there (and with defaults), so a partial `api` does not wipe the rest. */
const MERGED_OBJECTS = ['api', 'web', 'spa', 'publicClient', 'info', 'parentalControlSettings'];

export function defaultApplicationBody(ids: { id: string; appId: string; createdDateTime: string; publisherDomain: string; createdByAppId: string | null }): GraphJson {
  return {
    id: ids.id, deletedDateTime: null, appId: ids.appId, applicationTemplateId: null, disabledByMicrosoftStatus: null,
    createdDateTime: ids.createdDateTime, displayName: null, description: null, groupMembershipClaims: null,
    identifierUris: [], isDeviceOnlyAuthSupported: null, isFallbackPublicClient: null,
    notes: null, publisherDomain: ids.publisherDomain, serviceManagementReference: null, signInAudience: 'AzureADMyOrg',
    tags: [], tokenEncryptionKeyId: null, uniqueName: null, samlMetadataUrl: null, defaultRedirectUri: null,
    addIns: [], isDisabled: null,
    api: { acceptMappedClaims: null, knownClientApplications: [], requestedAccessTokenVersion: null, oauth2PermissionScopes: [], preAuthorizedApplications: [] },
    appRoles: [],
    info: { logoUrl: null, marketingUrl: null, privacyStatementUrl: null, supportUrl: null, termsOfServiceUrl: null },
    keyCredentials: [], passwordCredentials: [],
    parentalControlSettings: { countriesBlockedForMinors: [], legalAgeGroupRule: 'Allow' },
    publicClient: { redirectUris: [] }, requiredResourceAccess: [],
    verifiedPublisher: { displayName: null, verifiedPublisherId: null, addedDateTime: null },
    web: { homePageUrl: null, logoutUrl: null, redirectUris: [], implicitGrantSettings: { enableAccessTokenIssuance: false, enableIdTokenIssuance: false }, redirectUriSettings: [] },
    spa: { redirectUris: [] },
    createdByAppId: ids.createdByAppId,
  };
}

/**
 * Checks a POST/PATCH body and returns the properties to apply. Credentials are managed by their own actions
 * (addPassword; keyCredentials are handled by the caller), so passwordCredentials cannot be set here, as in Entra.
 */
export function writableChanges(input: unknown, entity = 'application'): GraphJson {
  if (!input || typeof input !== 'object' || Array.isArray(input)) throw badRequest('The request body must be a JSON object.');
  const changes: GraphJson = {};
  for (const [name, value] of Object.entries(input as GraphJson)) {
    if (name.startsWith('@odata.')) continue;
    if (READ_ONLY.includes(name)) throw badRequest(`Property '${name}' is read-only and cannot be set.`);
    const kind = WRITABLE[name];
    if (!kind) throw badRequest(`Property '${name}' does not exist as a declared property or extension property.`);
    if (!matches(kind, value)) throw badRequest(`Invalid value specified for property '${name}' of resource '${entity}'.`);
    if (name === 'passwordCredentials' && (value as unknown[]).length > 0) {
      throw badRequest('Using PATCH to set passwordCredential is not supported. Use addPassword and removePassword actions.');
    }
    changes[name] = value;
  }
  return changes;
}

export function applyChanges(body: GraphJson, changes: GraphJson): GraphJson {
  const next: GraphJson = { ...body };
  for (const [name, value] of Object.entries(changes)) {
    if (name === 'passwordCredentials') continue;
    if (value === null && OMITTED_WHEN_NULL.includes(name)) {
      delete next[name];
      continue;
    }
    next[name] = MERGED_OBJECTS.includes(name) && value && typeof value === 'object'
      ? { ...(body[name] as GraphJson), ...(value as GraphJson) }
      : value;
  }
  return next;
}

export function validateIdentifierUris(uris: string[]): void {
  for (const uri of uris) {
    if (!/^(api|https):\/\/[^\s]+$/.test(uri) || uri.endsWith('/')) {
      throw badRequest(`Values of identifierUris property must use a verified domain of the organization or its subdomain: '${uri}'`);
    }
  }
  if (new Set(uris).size !== uris.length) throw badRequest('Duplicate values in identifierUris.');
}

function matches(kind: Kind, value: unknown): boolean {
  switch (kind) {
    case 'string': return typeof value === 'string' && value.length > 0;
    case 'nullableString': return value === null || typeof value === 'string';
    case 'strings': return Array.isArray(value) && value.every((v) => typeof v === 'string');
    case 'objects': return Array.isArray(value) && value.every((v) => v && typeof v === 'object' && !Array.isArray(v));
    case 'object': return !!value && typeof value === 'object' && !Array.isArray(value);
    case 'nullableObject': return value === null || (typeof value === 'object' && !Array.isArray(value));
    case 'nullableBoolean': return value === null || typeof value === 'boolean';
    case 'number': return typeof value === 'number';
  }
}
