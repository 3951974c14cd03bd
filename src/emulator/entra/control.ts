import type { EmulatorContext, EmulatorSettings, Exchange } from './context.ts';
import type { FaultConfig } from './faults/config.ts';
import { validateFaultConfig } from './faults/config.ts';
import type { GraphJson } from './directory/model.ts';
import { patchPolicy } from './directory/policies.ts';
import { grantAppRole, grantPermissionsByAppId, seedApp, tenantOrThrow, type SeedAppOptions, type SeededApp } from './admin/seed.ts';
import { snapshot } from './admin/state.ts';
import { TENANT_LICENCES, type TenantLicence } from './directory/tenant.ts';

/** Tenant-wide credential policy, as an admin would set it (Graph: tenantAppManagementPolicy). */
export interface PolicyOptions {
  tenantId?: string;
  isEnabled?: boolean;
  /** ISO-8601 duration, e.g. 'P90D'. */
  passwordMaxLifetime?: string | null;
  passwordAdditionBlocked?: boolean;
}

/** In-process equivalents of the admin endpoint (`/_emulator/…`). */
export interface EmulatorControl {
  clock: { now(): number; advance(ms: number): void; set(epochMs: number): void };
  faults: { set(config: FaultConfig): void; clear(): void; current(): FaultConfig };
  rotateSigningKeys(options?: { emergency?: boolean }): Promise<{ activeKid: string; publishedKids: string[] }>;
  seedApp(options?: SeedAppOptions): SeededApp;
  grantPermissions(appId: string, permissions: string[], tenantId?: string): void;
  grantAppRole(options: { clientAppId: string; resourceAppId: string; role: string; tenantId?: string }): GraphJson;
  setAppManagementPolicy(options: PolicyOptions): void;
  updateSettings(settings: Partial<EmulatorSettings>): void;
  /** The tenant's Entra ID licence (default 'P2'); 'free' makes sign-in logs and reports answer 403. */
  setLicence(licence: TenantLicence, tenantId?: string): { tenantId: string; licence: TenantLicence };
  licences(): { tenantId: string; licence: TenantLicence }[];
  /** Starts recording Graph calls (request and response bodies); returns the live list. */
  recordExchanges(): Exchange[];
  state(): GraphJson;
}

export function createControl(ctx: EmulatorContext): EmulatorControl {
  return {
    clock: {
      now: () => ctx.clock.now(),
      advance: (ms) => ctx.clock.advance(ms),
      set: (epochMs) => ctx.clock.set(epochMs),
    },
    faults: {
      set: (config) => ctx.faults.set(validateFaultConfig(config)),
      clear: () => ctx.faults.clear(),
      current: () => ctx.faults.current(),
    },
    rotateSigningKeys: (options) => ctx.keys.rotate(options),
    seedApp: (options) => seedApp(ctx, options),
    grantPermissions: (appId, permissions, tenantId) => grantPermissionsByAppId(ctx, appId, permissions, tenantId),
    grantAppRole: (options) => grantAppRole(ctx, options),
    setAppManagementPolicy: (options) => {
      const tenant = tenantOrThrow(ctx, options.tenantId);
      const restrictions: GraphJson[] = [];
      if (options.passwordMaxLifetime) restrictions.push({ restrictionType: 'passwordLifetime', maxLifetime: options.passwordMaxLifetime });
      if (options.passwordAdditionBlocked) restrictions.push({ restrictionType: 'passwordAddition' });
      tenant.policy = patchPolicy(tenant.policy, { isEnabled: options.isEnabled ?? true, applicationRestrictions: { passwordCredentials: restrictions } });
    },
    updateSettings: (settings) => {
      Object.assign(ctx.settings, settings);
    },
    setLicence: (licence, tenantId) => {
      if (!TENANT_LICENCES.includes(licence)) throw new Error(`licence must be one of ${TENANT_LICENCES.join(', ')}`);
      const tenant = tenantOrThrow(ctx, tenantId);
      tenant.licence = licence;
      ctx.changed();
      return { tenantId: tenant.id, licence };
    },
    licences: () => [...ctx.directory.tenants.values()].map((t) => ({ tenantId: t.id, licence: t.licence })),
    recordExchanges: () => (ctx.exchanges ??= []),
    state: () => snapshot(ctx),
  };
}
