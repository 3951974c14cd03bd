import type { EmulatorClock } from './clock.ts';
import type { Directory } from './directory/directory.ts';
import type { SigningKeyRing } from './keys/signing-keys.ts';
import type { Faults } from './faults/faults.ts';

export type IssuerStyle = 'production' | 'local';

/** Behaviour switches where Entra's documented behaviour is ambiguous or changed over time. */
export interface EmulatorSettings {
  issuerStyle: IssuerStyle;
  tokenLifetimeSeconds: number;
  /**
   * What Application.ReadWrite.OwnedBy may read. Current Microsoft docs: it may list and read every application and
   * service principal ('all'); older docs: only what it owns ('owned'). Writes are always limited to owned objects.
   */
  ownedByReadScope: 'all' | 'owned';
  /** Directory objects one principal may own, counting soft-deleted ones (Entra: 250 for non-admin principals). */
  ownedObjectQuota: number;
}

/** One recorded Graph call (request and response bodies), for schema checks in tests. */
export interface Exchange {
  method: string;
  path: string;
  status: number;
  requestBody: unknown;
  responseBody: unknown;
}

export interface EmulatorContext {
  url: string;
  clock: EmulatorClock;
  directory: Directory;
  keys: SigningKeyRing;
  faults: Faults;
  settings: EmulatorSettings;
  exchanges: Exchange[] | null;
  /** Called after every request that may have changed state (persistence hooks in here). */
  changed: () => void;
}

export function v2Issuer(ctx: EmulatorContext, tenantId: string): string {
  return ctx.settings.issuerStyle === 'production'
    ? `https://login.microsoftonline.com/${tenantId}/v2.0`
    : `${ctx.url}/${tenantId}/v2.0`;
}

export function v1Issuer(ctx: EmulatorContext, tenantId: string): string {
  return ctx.settings.issuerStyle === 'production' ? `https://sts.windows.net/${tenantId}/` : `${ctx.url}/${tenantId}/`;
}
