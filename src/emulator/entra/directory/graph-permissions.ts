/**
 * The Microsoft Graph application permissions the emulator knows, with their real app role ids
 * (Graph permissions reference). Grants are app role assignments on the tenant's Microsoft Graph service principal,
 * exactly as admin consent records them, so a Graph token's `roles` claim comes out of the same mechanism as any API's.
 */
export const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';
export const GRAPH_RESOURCE_URI = 'https://graph.microsoft.com';
export const MICROSOFT_TENANT_ID = 'f8cdef31-a31e-4b4a-93e4-5f571e91255a';

export const GRAPH_APP_ROLES: Record<string, string> = {
  'Application.Read.All': '9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30',
  'Application.ReadWrite.All': '1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9',
  'Application.ReadWrite.OwnedBy': '18a4783c-866b-4cc7-a460-3d5e5662c884',
  'AppRoleAssignment.ReadWrite.All': '06b708a9-e830-4db3-a914-8e69da51d44f',
  'AuditLog.Read.All': 'b0afded3-3588-46d8-8b3d-9842eff778da',
  'Directory.Read.All': '7ab1d382-f21e-4acd-a863-ba3e13f7da61',
  'Directory.ReadWrite.All': '19dbc75e-c2e2-444c-a770-ec69d8559fc7',
  'Policy.Read.All': '246dd0d5-5bd0-4def-940b-0421030a5b68',
  'Policy.ReadWrite.ApplicationConfiguration': 'be74164b-cff1-491c-8741-e671cb536e13',
};

export function graphAppRoles(): Record<string, unknown>[] {
  return Object.entries(GRAPH_APP_ROLES).map(([value, id]) => ({
    allowedMemberTypes: ['Application'],
    description: `Allows the app to use ${value} without a signed-in user.`,
    displayName: value,
    id,
    isEnabled: true,
    origin: 'Application',
    value,
  }));
}

export function isKnownGraphPermission(name: string): boolean {
  return Object.hasOwn(GRAPH_APP_ROLES, name);
}
