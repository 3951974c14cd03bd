import type { EmulatorContext } from '../context.ts';
import type { EmulatorRequest, EmulatorResponse } from '../http.ts';
import { header, json, noContent, parseJsonBody } from '../http.ts';
import { DirectoryError } from '../directory/errors.ts';
import { createControl } from '../control.ts';
import { seedApp } from './seed.ts';

/**
 * The emulator's own admin API under `/_emulator/` (outside every Graph and login path). It is unauthenticated and
 * meant for loopback only; requests with a body must be JSON, which keeps browsers' cross-site form posts out.
 *
 *   GET    /_emulator/state                      whole state (no secrets)
 *   POST   /_emulator/tenants                    add a tenant (with its own admin app) → {tenantId, admin}
 *   POST   /_emulator/apps                       seed an app → {clientId, clientSecret, objectId, servicePrincipalId, …}
 *   POST   /_emulator/apps/{appId}/permissions   {permissions:[…], tenantId?} grant Graph permissions
 *   POST   /_emulator/apps/{appId}/roles         {resourceAppId, role, tenantId?} grant an API app role
 *   GET|PUT|DELETE /_emulator/faults            read / replace / clear the fault config
 *   GET|POST /_emulator/clock                    {advanceMs} or {set: ISO time or epoch ms}
 *   POST   /_emulator/keys/rotate                {emergency?: boolean}
 *   PUT    /_emulator/policy                     {tenantId?, isEnabled?, passwordMaxLifetime?, passwordAdditionBlocked?}
 *   PATCH  /_emulator/settings                   {ownedByReadScope?, ownedObjectQuota?, tokenLifetimeSeconds?}
 *   GET|PUT /_emulator/licence                   {licence: 'free'|'P1'|'P2', tenantId?} the tenant's Entra ID licence
 */
export async function routeAdmin(ctx: EmulatorContext, req: EmulatorRequest): Promise<EmulatorResponse | undefined> {
  const control = createControl(ctx);
  const parts = req.path.split('/').filter(Boolean).slice(1);
  const route = `${req.method} /${parts.map((p, i) => (parts[0] === 'apps' && i === 1 ? '{appId}' : p)).join('/')}`;
  try {
    if (req.rawBody.trim() !== '' && !/^application\/json/i.test(header(req, 'content-type') ?? '')) {
      return json(415, { error: 'unsupported_media_type', message: 'Admin requests with a body must be application/json.' });
    }
    const input = (parseJsonBody(req) ?? {}) as Record<string, any>;
    switch (route) {
      case 'GET /state': return json(200, control.state());
      case 'GET /health': return json(200, { ok: true });
      case 'POST /tenants': {
        const tenant = ctx.directory.addTenant(ctx.clock.now());
        const admin = seedApp(ctx, { tenantId: tenant.id, displayName: 'Gatehouse emulator admin', permissions: input.adminAppPermissions ?? ['Application.ReadWrite.OwnedBy'] });
        return json(201, { tenantId: tenant.id, domain: tenant.domain, admin });
      }
      case 'POST /apps': return json(201, seedApp(ctx, input));
      case 'POST /apps/{appId}/permissions':
        control.grantPermissions(parts[1]!, input.permissions ?? [], input.tenantId);
        return noContent();
      case 'POST /apps/{appId}/roles':
        return json(201, control.grantAppRole({ clientAppId: parts[1]!, resourceAppId: input.resourceAppId, role: input.role, tenantId: input.tenantId }));
      case 'GET /faults': return json(200, control.faults.current());
      case 'PUT /faults':
        control.faults.set(input);
        return json(200, control.faults.current());
      case 'DELETE /faults':
        control.faults.clear();
        return noContent();
      case 'GET /clock': return json(200, { now: new Date(ctx.clock.now()).toISOString(), epochMs: ctx.clock.now() });
      case 'POST /clock':
        if (typeof input.advanceMs === 'number') control.clock.advance(input.advanceMs);
        else if (input.set !== undefined) control.clock.set(typeof input.set === 'number' ? input.set : Date.parse(input.set));
        else return json(400, { error: 'bad_request', message: 'Send {advanceMs} or {set}.' });
        return json(200, { now: new Date(ctx.clock.now()).toISOString(), epochMs: ctx.clock.now() });
      case 'POST /keys/rotate': return json(200, await control.rotateSigningKeys({ emergency: input.emergency === true }));
      case 'PUT /policy':
        control.setAppManagementPolicy(input);
        return noContent();
      case 'GET /licence': return json(200, { tenants: control.licences() });
      case 'PUT /licence': return json(200, control.setLicence(input.licence, input.tenantId));
      case 'PATCH /settings':
        control.updateSettings(pickSettings(input));
        return json(200, { ...ctx.settings });
    }
    return undefined;
  } catch (err) {
    if (err instanceof DirectoryError) return json(err.status, { error: err.code, message: err.message });
    if (err instanceof SyntaxError || err instanceof Error) return json(400, { error: 'bad_request', message: err.message });
    throw err;
  }
}

function pickSettings(input: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (input.ownedByReadScope === 'all' || input.ownedByReadScope === 'owned') out.ownedByReadScope = input.ownedByReadScope;
  if (typeof input.ownedObjectQuota === 'number') out.ownedObjectQuota = input.ownedObjectQuota;
  if (typeof input.tokenLifetimeSeconds === 'number') out.tokenLifetimeSeconds = input.tokenLifetimeSeconds;
  return out;
}
