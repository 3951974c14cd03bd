import type { EmulatorContext } from '../context.ts';
import type { DirectoryRecord, GraphJson } from '../directory/model.ts';
import { policyBody } from '../directory/policies.ts';

/** The whole emulator state as JSON, for debugging and assertions. Secret verifiers are not included. */
export function snapshot(ctx: EmulatorContext): GraphJson {
  const describe = (r: DirectoryRecord): GraphJson => ({
    ...r.body,
    _owners: r.owners,
    _deleted: r.deletedAtMs !== undefined,
    ...(r.kind === 'application' ? { _secrets: r.secrets.map((s) => ({ keyId: s.keyId, startMs: s.startMs, endMs: s.endMs })), _certificates: r.certificates.map((c) => ({ keyId: c.keyId, x5t: c.x5t })) } : {}),
    ...(r.kind === 'servicePrincipal' ? { _appRoleAssignedTo: r.assignedTo } : {}),
  });
  return {
    now: new Date(ctx.clock.now()).toISOString(),
    url: ctx.url,
    settings: { ...ctx.settings },
    faults: ctx.faults.current(),
    signingKeys: { activeKid: ctx.keys.active().kid, publishedKids: ctx.keys.published().map((k) => k.kid) },
    tenants: [...ctx.directory.tenants.values()].map((t) => ({
      id: t.id,
      domain: t.domain,
      licence: t.licence,
      applications: [...t.applications.values()].map(describe),
      servicePrincipals: [...t.servicePrincipals.values()].map(describe),
      policy: policyBody(t.policy),
      directoryAudits: t.audits,
      signIns: t.signIns,
    })),
  };
}
