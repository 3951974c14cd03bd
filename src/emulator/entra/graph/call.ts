import type { EmulatorContext } from '../context.ts';
import type { EmulatorRequest, EmulatorResponse } from '../http.ts';
import { json, parseJsonBody } from '../http.ts';
import type { Change } from '../directory/applications.ts';
import type { ApplicationRecord, DirectoryRecord, GraphJson, ServicePrincipalRecord } from '../directory/model.ts';
import type { Tenant } from '../directory/tenant.ts';
import { badRequest, notFound } from '../directory/errors.ts';
import { withoutKeyBytes } from '../directory/certificates.ts';
import type { Caller } from './auth.ts';
import { can, ensure } from './permissions.ts';
import { parseSelect, project } from './odata.ts';

/** Everything a Graph handler needs for one request. */
export interface GraphCall {
  ctx: EmulatorContext;
  req: EmulatorRequest;
  caller: Caller;
  tenant: Tenant;
  nowMs: number;
  version: 'v1.0' | 'beta';
  change: Change;
}

/** An alternate key as in `/applications(appId='…')`, or a plain object id. */
export type ObjectKey = { id: string } | { appId: string } | { uniqueName: string };

export function body(call: GraphCall): GraphJson {
  let parsed: unknown;
  try {
    parsed = parseJsonBody(call.req);
  } catch {
    throw badRequest('Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.');
  }
  if (parsed === undefined) return {};
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw badRequest('The request body must be a JSON object.');
  return parsed as GraphJson;
}

/** Replication lag: a new object is invisible to other requests until the delay has passed. */
export function replicated(call: GraphCall, record: DirectoryRecord): boolean {
  return call.nowMs >= record.createdAtMs + call.ctx.faults.replicationDelayMs;
}

/** What a read sees: the previous version for a while after a PATCH when replication lag is on. */
export function readView(call: GraphCall, record: DirectoryRecord): GraphJson {
  const prev = record.previous;
  if (prev && call.nowMs < prev.changedAtMs + call.ctx.faults.replicationDelayMs) return prev.body;
  return record.body;
}

export function findApplication(call: GraphCall, key: ObjectKey, access: 'read' | 'write'): ApplicationRecord {
  const t = call.tenant;
  const rec = 'id' in key ? t.application(key.id) : 'appId' in key ? t.applicationByAppId(key.appId) : t.applicationByUniqueName(key.uniqueName);
  if (!rec || !replicated(call, rec)) throw notFound(Object.values(key)[0]!);
  ensure(access === 'read' ? can.read(call.ctx, call.caller, rec) : can.write(call.caller, rec));
  return rec;
}

export function findServicePrincipal(call: GraphCall, key: ObjectKey, access: 'read' | 'write'): ServicePrincipalRecord {
  const t = call.tenant;
  const rec = 'id' in key ? t.servicePrincipal(key.id) : 'appId' in key ? t.servicePrincipalByAppId(key.appId) : undefined;
  if (!rec || !replicated(call, rec)) throw notFound(Object.values(key)[0]!);
  ensure(access === 'read' ? can.read(call.ctx, call.caller, rec) : can.write(call.caller, rec));
  return rec;
}

export function odataType(record: DirectoryRecord): string {
  return record.kind === 'application' ? '#microsoft.graph.application' : '#microsoft.graph.servicePrincipal';
}

/** An entity response: `@odata.context`, honouring $select, certificate bytes only when selected. */
export function entity(call: GraphCall, entitySet: string, value: GraphJson, status = 200, withType = false, typeName?: string): EmulatorResponse {
  const select = parseSelect(call.req.url.searchParams.get('$select'), value);
  const shown = select?.includes('keyCredentials') ? value : withoutKeyBytes(value);
  const head: GraphJson = { '@odata.context': `${call.ctx.url}/${call.version}/$metadata#${entitySet}/$entity` };
  if (withType && typeName) head['@odata.type'] = typeName;
  return json(status, { ...head, ...project(shown, select) });
}
