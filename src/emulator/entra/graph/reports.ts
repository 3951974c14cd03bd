import type { EmulatorResponse } from '../http.ts';
import { json } from '../http.ts';
import type { GraphJson } from '../directory/model.ts';
import type { SignInRecord } from '../directory/tenant.ts';
import { notFound } from '../directory/errors.ts';
import type { GraphCall } from './call.ts';
import { ensureSignInReports } from './permissions.ts';
import { listResponse } from './odata.ts';

/**
 * beta /reports/servicePrincipalSignInActivities and /reports/appCredentialSignInActivities, derived from the
 * emulator's own sign-in log: when each service principal last signed in (as client or as resource), and when each
 * credential was last used — what a rotation needs to know before removing an old secret. Like Entra, they need
 * AuditLog.Read.All and a tenant with Entra ID P1/P2.
 */
export function servicePrincipalSignInActivities(call: GraphCall, id?: string): EmulatorResponse {
  ensureSignInReports(call.caller);
  const bySp = new Map<string, { appId: string; client: SignInRecord[]; resource: SignInRecord[] }>();
  const entry = (spId: string, appId: string) => {
    let e = bySp.get(spId);
    if (!e) bySp.set(spId, (e = { appId, client: [], resource: [] }));
    return e;
  };
  for (const s of call.tenant.signIns) {
    if (s.servicePrincipalId) entry(s.servicePrincipalId, s.appId).client.push(s);
    if (s.resourceId && s.resourceAppId && s.errorCode === 0) entry(s.resourceId, s.resourceAppId).resource.push(s);
  }
  const items: GraphJson[] = [...bySp.entries()].map(([spId, e]) => ({
    id: spId,
    appId: e.appId,
    lastSignInActivity: activity([...e.client, ...e.resource]),
    applicationAuthenticationClientSignInActivity: activity(e.client),
    applicationAuthenticationResourceSignInActivity: activity(e.resource),
    delegatedClientSignInActivity: activity([]),
    delegatedResourceSignInActivity: activity([]),
  }));
  return respond(call, items, 'reports/servicePrincipalSignInActivities', id);
}

export function appCredentialSignInActivities(call: GraphCall, id?: string): EmulatorResponse {
  ensureSignInReports(call.caller);
  const byKey = new Map<string, SignInRecord[]>();
  for (const s of call.tenant.signIns) {
    if (!s.credentialKeyId) continue;
    byKey.set(s.credentialKeyId, [...(byKey.get(s.credentialKeyId) ?? []), s]);
  }
  const items: GraphJson[] = [...byKey.entries()].map(([keyId, uses]) => {
    const last = uses[uses.length - 1]!;
    const app = call.tenant.applicationByAppId(last.appId);
    const cred = [...((app?.body.passwordCredentials as GraphJson[]) ?? []), ...((app?.body.keyCredentials as GraphJson[]) ?? [])].find((c) => c.keyId === keyId);
    const lastOk = [...uses].reverse().find((u) => u.errorCode === 0);
    return {
      id: keyId,
      appId: last.appId,
      appObjectId: app?.id ?? null,
      createdDateTime: (cred?.startDateTime as string | undefined) ?? null,
      credentialOrigin: 'application',
      expirationDateTime: (cred?.endDateTime as string | undefined) ?? null,
      keyId,
      keyType: last.clientCredentialType === 'clientAssertion' ? 'certificate' : 'clientSecret',
      keyUsage: 'verify',
      resourceId: lastOk?.resourceId ?? null,
      servicePrincipalObjectId: last.servicePrincipalId,
      signInActivity: activity(uses),
    };
  });
  return respond(call, items, 'reports/appCredentialSignInActivities', id);
}

function respond(call: GraphCall, items: GraphJson[], set: string, id: string | undefined): EmulatorResponse {
  if (id === undefined) return json(200, listResponse(call.ctx, call.req, items, `${call.version}/$metadata#${set}`));
  const item = items.find((i) => i.id === id);
  if (!item) throw notFound(id);
  return json(200, { '@odata.context': `${call.ctx.url}/${call.version}/$metadata#${set}/$entity`, ...item });
}

function activity(signIns: SignInRecord[]): GraphJson {
  const last = signIns.reduce<SignInRecord | undefined>((a, s) => (!a || s.createdAtMs >= a.createdAtMs ? s : a), undefined);
  const ok = signIns.filter((s) => s.errorCode === 0).reduce<SignInRecord | undefined>((a, s) => (!a || s.createdAtMs >= a.createdAtMs ? s : a), undefined);
  return {
    lastSignInDateTime: last ? new Date(last.createdAtMs).toISOString() : null,
    lastSignInRequestId: last?.id ?? null,
    lastSuccessfulSignInDateTime: ok ? new Date(ok.createdAtMs).toISOString() : null,
    lastSuccessfulSignInRequestId: ok?.id ?? null,
    lastNonInteractiveSignInDateTime: null,
    lastNonInteractiveSignInRequestId: null,
  };
}
