import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { EmulatorClock } from './clock.ts';
import type { EmulatorContext, IssuerStyle } from './context.ts';
import { Directory } from './directory/directory.ts';
import { SigningKeyRing } from './keys/signing-keys.ts';
import { Faults } from './faults/faults.ts';
import { loadOrCreateTls } from './tls/certificates.ts';
import { createEmulatorServer } from './server.ts';
import { createControl, type EmulatorControl } from './control.ts';
import { seedApp, type SeededApp } from './admin/seed.ts';
import { loadDirectory, saveDirectory } from './directory/persistence.ts';

export type { EmulatorControl, PolicyOptions } from './control.ts';
export type { FaultConfig } from './faults/config.ts';
export type { SeedAppOptions, SeededApp } from './admin/seed.ts';
export type { EmulatorSettings, Exchange, IssuerStyle } from './context.ts';
export type { TenantLicence } from './directory/tenant.ts';

export interface EntraEmulatorOptions {
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** CA, leaf certificate and signing keys live here (reused across runs); default: a temp dir removed on close. */
  dataDir?: string;
  /** Number of tenants (default 1), or their ids (GUIDs) to keep them stable across runs; each has its own admin app. */
  tenants?: number | string[];
  /** Base time source; the emulator clock adds its own offset on top (control.clock). */
  now?: () => number;
  /** Graph application permissions of the admin app (default ['Application.ReadWrite.OwnedBy']). */
  adminAppPermissions?: string[];
  /** 'production' (default): real Entra issuers in tokens; 'local': issuers on the emulator's own origin. */
  issuerStyle?: IssuerStyle;
  /**
   * Keep the directory (tenants, apps, secrets' verifiers, logs, and the admin app's secret) in `dataDir/directory.json`
   * and reload it on start, so ids and credentials survive restarts. Default false (tests share data folders).
   */
  persistDirectory?: boolean;
}

export interface EntraEmulator {
  /** https://127.0.0.1:PORT — one origin serves login (/{tenant}/…), Graph (/v1.0, /beta) and admin (/_emulator/…). */
  url: string;
  tenantId: string;
  tenants: string[];
  caCertPem: string;
  caCertPath: string;
  admin: { clientId: string; clientSecret: string; objectId: string; servicePrincipalId: string; permissions: string[] };
  control: EmulatorControl;
  close(): Promise<void>;
}

/** Starts the Entra ID + Microsoft Graph emulator on HTTPS (loopback by default). */
export async function startEntraEmulator(options: EntraEmulatorOptions = {}): Promise<EntraEmulator> {
  const tempDir = options.dataDir ? undefined : mkdtempSync(join(tmpdir(), 'gatehouse-entra-'));
  const dataDir = options.dataDir ?? tempDir!;
  const tls = await loadOrCreateTls(dataDir);
  const stateFile = options.persistDirectory ? join(dataDir, 'directory.json') : undefined;
  const restored = stateFile ? loadDirectory<{ admins: SeededApp[] }>(stateFile) : undefined;
  const ctx: EmulatorContext = {
    url: '',
    clock: new EmulatorClock(options.now),
    directory: restored?.directory ?? new Directory(),
    keys: await SigningKeyRing.open(dataDir),
    faults: new Faults(),
    settings: { issuerStyle: options.issuerStyle ?? 'production', tokenLifetimeSeconds: 3599, ownedByReadScope: 'all', ownedObjectQuota: 250 },
    exchanges: null,
    changed: () => {},
  };
  const permissions = options.adminAppPermissions ?? ['Application.ReadWrite.OwnedBy'];
  const admins = restored?.extra.admins ?? seedTenants(ctx, options.tenants, permissions);
  const persistence = stateFile ? debouncedSave(() => saveDirectory(stateFile, ctx.directory, { admins })) : undefined;
  if (persistence) {
    ctx.changed = persistence.schedule;
    persistence.now();
  }
  const server = createEmulatorServer(ctx, tls);
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  ctx.url = `https://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const primary = admins[0]!;
  return {
    url: ctx.url,
    tenantId: primary.tenantId,
    tenants: admins.map((a) => a.tenantId),
    caCertPem: tls.caCertPem,
    caCertPath: tls.caCertPath,
    admin: { clientId: primary.clientId, clientSecret: primary.clientSecret!, objectId: primary.objectId, servicePrincipalId: primary.servicePrincipalId!, permissions: primary.permissions },
    control: createControl(ctx),
    close: async () => {
      persistence?.now();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (tempDir) rmSync(tempDir, { recursive: true, force: true });
    },
  };
}

function seedTenants(ctx: EmulatorContext, tenants: number | string[] | undefined, permissions: string[]): SeededApp[] {
  const ids: (string | undefined)[] = Array.isArray(tenants) && tenants.length > 0
    ? tenants.map((t) => t.toLowerCase())
    : Array.from({ length: Math.max(1, typeof tenants === 'number' ? tenants : 1) }, () => undefined);
  return ids.map((id) => {
    const tenant = ctx.directory.addTenant(ctx.clock.now(), id);
    return seedApp(ctx, { tenantId: tenant.id, displayName: 'Gatehouse emulator admin', permissions });
  });
}

/** Coalesces saves: many requests in a burst cost one write. */
function debouncedSave(save: () => void): { schedule: () => void; now: () => void } {
  let timer: NodeJS.Timeout | undefined;
  return {
    schedule: () => {
      if (timer) return;
      timer = setTimeout(() => {
        timer = undefined;
        save();
      }, 200);
      timer.unref();
    },
    now: () => {
      if (timer) clearTimeout(timer);
      timer = undefined;
      save();
    },
  };
}
