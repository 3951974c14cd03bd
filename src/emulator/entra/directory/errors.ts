/**
 * A refusal by the directory, carrying the HTTP status and the Graph error code Entra uses for it. Graph routes turn
 * it into the Graph error body; the code is what clients branch on, so it must match Entra's exactly.
 */
export class DirectoryError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: { code: string; message: string; target?: string }[] = [],
  ) {
    super(message);
    this.name = 'DirectoryError';
  }
}

export const notFound = (id: string): DirectoryError =>
  new DirectoryError(
    404,
    'Request_ResourceNotFound',
    `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
  );

export const badRequest = (message: string, details: DirectoryError['details'] = []): DirectoryError =>
  new DirectoryError(400, 'Request_BadRequest', message, details);

export const denied = (): DirectoryError =>
  new DirectoryError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');

/** Sign-in logs and reports in a tenant without Entra ID P1/P2 (the same code Graph uses for B2C tenants). */
export const nonPremiumTenant = (): DirectoryError =>
  new DirectoryError(403, 'Authentication_RequestFromNonPremiumTenantOrB2CTenant', "Neither tenant is B2C or tenant doesn't have premium license");
