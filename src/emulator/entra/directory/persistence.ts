import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { ApplicationRecord, GraphJson, ServicePrincipalRecord } from './model.ts';
import { Directory } from './directory.ts';
import { Tenant } from './tenant.ts';
import { parseKeyCredential } from './certificates.ts';

/**
 * Saves and restores the directory (tenants, objects, secret verifiers, logs) as one JSON file, for a standalone
 * emulator whose clients keep ids and credentials across restarts. Certificates are re-parsed from the stored
 * keyCredentials; "since ever" timestamps (-Infinity, which JSON cannot hold) are written as null.
 */
export interface SavedDirectory<Extra> {
  version: 1;
  tenants: SavedTenant[];
  extra: Extra;
}

interface SavedTenant {
  id: string;
  domain: string;
  displayName: string;
  graphServicePrincipalId: string;
  policy: Tenant['policy'];
  /** Absent in files written before licences were modelled: those tenants stay premium. */
  licence?: Tenant['licence'];
  applications: (Omit<ApplicationRecord, 'certificates'> & { certificates: { keyId: string; addedAtMs: number }[] })[];
  servicePrincipals: ServicePrincipalRecord[];
  audits: GraphJson[];
  signIns: Tenant['signIns'];
}

export function saveDirectory<Extra>(file: string, directory: Directory, extra: Extra): void {
  const saved: SavedDirectory<Extra> = {
    version: 1,
    extra,
    tenants: [...directory.tenants.values()].map((t) => ({
      id: t.id, domain: t.domain, displayName: t.displayName, graphServicePrincipalId: t.graphServicePrincipalId, policy: t.policy, licence: t.licence,
      applications: [...t.applications.values()].map((a) => ({ ...a, certificates: a.certificates.map((c) => ({ keyId: c.keyId, addedAtMs: c.addedAtMs })) })),
      servicePrincipals: [...t.servicePrincipals.values()],
      audits: t.audits,
      signIns: t.signIns,
    })),
  };
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(saved), { mode: 0o600 });
  renameSync(tmp, file);
}

export function loadDirectory<Extra>(file: string): { directory: Directory; extra: Extra } | undefined {
  if (!existsSync(file)) return undefined;
  const saved = JSON.parse(readFileSync(file, 'utf8')) as SavedDirectory<Extra>;
  if (saved.version !== 1) throw new Error(`unsupported emulator state version in ${file}`);
  const directory = new Directory();
  for (const st of saved.tenants) {
    const tenant = new Tenant(st.id, st.domain, st.displayName, 0, st.graphServicePrincipalId);
    tenant.policy = st.policy;
    if (st.licence) tenant.licence = st.licence;
    tenant.servicePrincipals.clear();
    for (const sp of st.servicePrincipals) tenant.servicePrincipals.set(sp.id, { ...sp, createdAtMs: sinceEver(sp.createdAtMs) });
    for (const app of st.applications) {
      const certificates = (app.body.keyCredentials as GraphJson[]).map((kc) => {
        const parsed = parseKeyCredential(kc, 0).stored;
        return { ...parsed, addedAtMs: sinceEver(app.certificates.find((c) => c.keyId === kc.keyId)?.addedAtMs ?? null) };
      });
      const secrets = app.secrets.map((s) => ({ ...s, addedAtMs: sinceEver(s.addedAtMs) }));
      tenant.applications.set(app.id, { ...app, createdAtMs: sinceEver(app.createdAtMs), secrets, certificates });
    }
    tenant.audits.push(...st.audits);
    tenant.signIns.push(...st.signIns);
    directory.tenants.set(tenant.id, tenant);
  }
  return { directory, extra: saved.extra };
}

function sinceEver(ms: number | null): number {
  return ms === null ? Number.NEGATIVE_INFINITY : ms;
}
