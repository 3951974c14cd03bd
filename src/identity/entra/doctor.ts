import { X509Certificate } from 'node:crypto';
import type { Application } from '@microsoft/microsoft-graph-types';
import { fetch } from 'undici';
import type { Clock } from '../../core/clock.ts';
import { isGatehouseError } from '../../core/errors.ts';
import type { CheckFinding, CheckReport } from '../../core/ports/identity.ts';
import { secretHint } from '../../core/secrets.ts';
import type { EntraIdentityProvider } from './adapter.ts';
import { GRAPH_PERMISSION } from './adapter.ts';
import { credentialsOf } from './adapter.ts';
import { selfOwnershipInstructions, selfRotationFinding } from './self-rotation.ts';

const DAY = 86_400_000;
/** Warn this long before the platform credential expires. */
export const PLATFORM_CREDENTIAL_WARNING_DAYS = 30;

/**
 * `gatehouse provider doctor`: token → permissions → Graph → own credential expiry → issuer derivation.
 * Every failure becomes a finding with what to do; the report never throws for IdP problems.
 */
export async function runEntraCheck(p: EntraIdentityProvider, clock: Clock): Promise<CheckReport> {
  const findings: CheckFinding[] = [];
  const report = (permissions: string[], credentialExpiresAt: number | null): CheckReport => ({
    healthy: !findings.some((f) => f.severity === 'error'), findings, permissions, credentialExpiresAt, checkedAt: clock.now(),
  });
  const failed = (check: string, e: unknown) => {
    if (!isGatehouseError(e)) throw e;
    findings.push({
      check, severity: 'error', message: e.message,
      ...(typeof e.extras.hint === 'string' ? { hint: e.extras.hint } : {}),
      ...(typeof e.extras.idpCode === 'string' ? { idpCode: e.extras.idpCode } : {}),
    });
  };

  // 1. Token from the STS.
  let roles: string[];
  let principalId: string | null;
  try {
    const t = await p.token(true);
    roles = t.roles;
    principalId = t.principalId;
    findings.push({ check: 'token', severity: 'ok', message: `Got an app-only token for Microsoft Graph from ${p.endpoints.authorityHost}.` });
  } catch (e) {
    failed('token', e);
    return report([], localCertificateExpiry(p));
  }

  // 2. Permissions carried by the token.
  if (roles.includes(GRAPH_PERMISSION.ownedBy)) {
    findings.push({ check: 'permission.owned-by', severity: 'ok', message: `${GRAPH_PERMISSION.ownedBy} is granted.` });
  } else if (roles.includes(GRAPH_PERMISSION.readWriteAll)) {
    findings.push({
      check: 'permission.owned-by', severity: 'warning',
      message: `${GRAPH_PERMISSION.readWriteAll} is granted: more than Gatehouse needs (it can change every app in the tenant).`,
      hint: `Replace it with ${GRAPH_PERMISSION.ownedBy} and grant admin consent.`,
    });
  } else {
    findings.push({
      check: 'permission.owned-by', severity: 'error', idpCode: 'MissingPermission',
      message: `The token carries no ${GRAPH_PERMISSION.ownedBy} (roles: ${roles.join(', ') || 'none'}).`,
      hint: `In Entra admin center → App registrations → ${p.config.clientId} → API permissions, add Microsoft Graph → ` +
        `Application permissions → ${GRAPH_PERMISSION.ownedBy}, then "Grant admin consent".`,
    });
  }
  if (roles.includes(GRAPH_PERMISSION.appRoleAssignment)) {
    findings.push({ check: 'permission.app-roles', severity: 'ok',
      message: `${GRAPH_PERMISSION.appRoleAssignment} is granted: Gatehouse assigns an app role per API contract and sets appRoleAssignmentRequired, so Entra itself refuses tokens to clients without a contract.` });
  } else {
    findings.push({ check: 'permission.app-roles', severity: 'info',
      message: `Without ${GRAPH_PERMISSION.appRoleAssignment}, contracts are enforced by the gateway only.`,
      hint: `Adding ${GRAPH_PERMISSION.appRoleAssignment} (+ ${GRAPH_PERMISSION.applicationReadAll}) would let Gatehouse grant an app role per API ` +
        'and make Entra refuse tokens to clients without a contract (defence in depth).' });
  }

  // 2b. Optional: Entra's credential sign-in report, for each credential's last use.
  findings.push(await auditLogFinding(p, roles));

  // 3. Graph reachable and answering with our permissions.
  if (principalId) {
    try {
      await p.graph.request({
        method: 'GET', path: `/servicePrincipals/${principalId}/ownedObjects?$select=id&$top=1`, operation: 'list the objects the platform app owns',
      });
      findings.push({ check: 'graph', severity: 'ok', message: `Microsoft Graph answers at ${p.endpoints.graphBaseUrl}.` });
    } catch (e) {
      failed('graph', e);
    }
  }

  // 4. The platform credential's own expiry.
  let expiresAt = localCertificateExpiry(p);
  if (expiresAt === null) expiresAt = await ownSecretExpiry(p, findings);
  if (expiresAt !== null) {
    const days = Math.floor((expiresAt - clock.now()) / DAY);
    const where = `Entra admin center → App registrations → ${p.config.clientId} → Certificates & secrets`;
    findings.push(days < PLATFORM_CREDENTIAL_WARNING_DAYS
      ? { check: 'credential.expiry', severity: days < 0 ? 'error' : 'warning',
          message: `The platform credential ${days < 0 ? 'expired' : `expires in ${days} day(s)`} (${new Date(expiresAt).toISOString()}).`,
          hint: `Add a new credential in ${where} and store it with \`gatehouse provider update\`, before the old one expires.` }
      : { check: 'credential.expiry', severity: 'ok', message: `The platform credential expires on ${new Date(expiresAt).toISOString().slice(0, 10)} (${days} days).` });
  }

  // 4b. Whether Gatehouse can roll that credential itself, and the setup step when it cannot: said when it matters
  // (expiry near, or auto-rotation asked for), so a healthy report stays short.
  const expiringSoon = expiresAt !== null && expiresAt - clock.now() < PLATFORM_CREDENTIAL_WARNING_DAYS * DAY;
  if (expiringSoon || (p.config as unknown as Record<string, unknown>).autoRotate === true) {
    const selfRoll = await selfRotationFinding(p);
    if (selfRoll) findings.push(selfRoll);
  }

  // 5. The issuer we derived is the one the tenant's discovery document states.
  await checkIssuer(p, findings);
  return report(roles, expiresAt);
}

/**
 * AuditLog.Read.All is optional (least privilege): it only adds Entra's view of each credential's last sign-in. When
 * granted, one filtered read of the report shows whether the tenant's licence includes it. Never an error.
 */
async function auditLogFinding(p: EntraIdentityProvider, roles: string[]): Promise<CheckFinding> {
  const check = 'permission.audit-log';
  const enables = 'each credential\'s last sign-in from Entra (credential inventory and stale report), including use outside the gateway';
  if (!roles.includes(GRAPH_PERMISSION.auditLogReadAll)) {
    return { check, severity: 'info',
      message: `Without ${GRAPH_PERMISSION.auditLogReadAll} (optional), a credential's last use comes from the gateway only.`,
      hint: `Adding ${GRAPH_PERMISSION.auditLogReadAll} (with admin consent; the tenant needs Microsoft Entra ID P1/P2) lets Gatehouse read ${enables}.` };
  }
  try {
    await p.probeCredentialActivity();
    return { check, severity: 'ok', message: `${GRAPH_PERMISSION.auditLogReadAll} is granted and the tenant's licence includes sign-in reports: Gatehouse reads ${enables}.` };
  } catch (e) {
    if (!isGatehouseError(e)) throw e;
    const licence = e.code === 'IDP_FEATURE_UNAVAILABLE';
    return { check, severity: 'info',
      message: licence
        ? `${GRAPH_PERMISSION.auditLogReadAll} is granted, but the tenant has no Microsoft Entra ID P1/P2, so Entra's credential sign-in report is unavailable; last use comes from the gateway only.`
        : `Entra's credential sign-in report could not be read (${e.message}); last use comes from the gateway only.`,
      ...(licence ? { hint: 'With Microsoft Entra ID P1 or P2 in the tenant, Gatehouse would also read ' + enables + '.' } : typeof e.extras.hint === 'string' ? { hint: e.extras.hint } : {}),
      ...(typeof e.extras.idpCode === 'string' ? { idpCode: e.extras.idpCode } : {}) };
  }
}

function localCertificateExpiry(p: EntraIdentityProvider): number | null {
  const c = p.platformCredential;
  if (c.type !== 'certificate') return null;
  try { return Date.parse(new X509Certificate(c.certificatePem).validTo); } catch { return null; }
}

/** Readable only when an admin made the platform app's service principal an owner of its own application. */
async function ownSecretExpiry(p: EntraIdentityProvider, findings: CheckFinding[]): Promise<number | null> {
  const c = p.platformCredential;
  if (c.type !== 'secret') return null;
  try {
    const res = await p.graph.request<Application>({
      method: 'GET', path: `/applications(appId='${p.config.clientId}')?$select=passwordCredentials,keyCredentials`,
      operation: 'read the platform app\'s own credentials', accept: [403, 404],
    });
    if (res.status !== 200) {
      findings.push({ check: 'credential.expiry', severity: 'info',
        message: 'The platform app cannot read its own application object, so its secret\'s expiry is unknown.',
        hint: 'Either record the expiry with `gatehouse provider update --credential-expires …`, or have an admin add the ' +
          'platform app\'s service principal as owner of its own application (then Gatehouse can read and rotate its secret). ' +
          selfOwnershipInstructions(p.endpoints.graphBaseUrl, '{applicationObjectId}', (await p.token()).principalId) });
      return null;
    }
    const mine = credentialsOf(res.body).find((k) => k.kind === 'secret' && k.hint === secretHint(c.clientSecret));
    return mine?.expiresAt ?? null;
  } catch {
    return null;
  }
}

async function checkIssuer(p: EntraIdentityProvider, findings: CheckFinding[]): Promise<void> {
  const expected = p.endpoints.issuerV2;
  try {
    const res = await fetch(p.endpoints.discoveryV2, { dispatcher: p.transport, signal: AbortSignal.timeout(10_000) });
    if (!res.ok) return;
    const doc = (await res.json()) as { issuer?: string; token_endpoint?: string };
    if (expected === null) {
      findings.push({ check: 'issuer', severity: 'warning',
        message: `The tenant is given as a domain; its GUID is in the discovery document (${doc.issuer ?? '?'}).`,
        hint: 'Set tenantId to the GUID so issuers are pinned without a network lookup.' });
    } else if (doc.issuer !== expected) {
      findings.push({ check: 'issuer', severity: 'error', idpCode: 'IssuerMismatch',
        message: `The tenant's discovery document names issuer ${doc.issuer}, but Gatehouse derived ${expected}.`,
        hint: 'Check the provider\'s cloud (and for the emulator, v2IssuerHost/v1IssuerHost).' });
    } else {
      findings.push({ check: 'issuer', severity: 'ok', message: `Token issuers derived from the tenant id match discovery (${expected}).` });
    }
  } catch {
    // The token step already reported reachability problems.
  }
}
