import type { GraphJson } from './model.ts';

export interface ServicePrincipalSeed {
  id: string;
  appId: string;
  displayName: string | null;
  appOwnerOrganizationId: string;
  createdDateTime: string;
  appRoles: unknown[];
  servicePrincipalNames: string[];
  signInAudience: string;
  oauth2PermissionScopes?: unknown[];
  tags?: string[];
}

/** A servicePrincipal as Graph returns it, with the defaults Entra fills in. */
export function servicePrincipalBody(seed: ServicePrincipalSeed): GraphJson {
  return {
    id: seed.id, deletedDateTime: null, accountEnabled: true, alternativeNames: [], appDisplayName: seed.displayName,
    appDescription: null, appId: seed.appId, applicationTemplateId: null, appOwnerOrganizationId: seed.appOwnerOrganizationId,
    appRoleAssignmentRequired: false, createdDateTime: seed.createdDateTime, description: null, disabledByMicrosoftStatus: null,
    displayName: seed.displayName, homepage: null, loginUrl: null, logoutUrl: null, notes: null, notificationEmailAddresses: [],
    preferredSingleSignOnMode: null, preferredTokenSigningKeyThumbprint: null, replyUrls: [], servicePrincipalNames: seed.servicePrincipalNames,
    servicePrincipalType: 'Application', signInAudience: seed.signInAudience, tags: seed.tags ?? [], tokenEncryptionKeyId: null,
    addIns: [], appRoles: seed.appRoles,
    info: { logoUrl: null, marketingUrl: null, privacyStatementUrl: null, supportUrl: null, termsOfServiceUrl: null },
    keyCredentials: [], oauth2PermissionScopes: seed.oauth2PermissionScopes ?? [], passwordCredentials: [],
    resourceSpecificApplicationPermissions: [],
    verifiedPublisher: { displayName: null, verifiedPublisherId: null, addedDateTime: null },
  };
}

const SP_WRITABLE = ['accountEnabled', 'appRoleAssignmentRequired', 'tags', 'notes', 'description', 'displayName', 'homepage',
  'loginUrl', 'logoutUrl', 'notificationEmailAddresses', 'preferredSingleSignOnMode', 'replyUrls', 'alternativeNames', 'servicePrincipalType'];

export function servicePrincipalWritable(name: string): boolean {
  return SP_WRITABLE.includes(name);
}
