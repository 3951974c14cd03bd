import type { Role } from './types.ts';

// The API token lives in sessionStorage only: it leaves with the tab, and never reaches localStorage or a cookie.
const KEY = 'gatehouse.token';

export const session = {
  token: (): string | null => sessionStorage.getItem(KEY),
  save: (token: string): void => sessionStorage.setItem(KEY, token),
  clear: (): void => sessionStorage.removeItem(KEY),
  /** Derived from the API at sign-in and on load; kept in memory only. */
  role: null as Role | null,
};

/** Staff who may decide contracts (the API's 'staff-write'). */
export const canDecide = (role: Role | null): boolean => role === 'admin' || role === 'operator';
/** Who may revoke contracts and rotate secrets of apps they can see (the API's 'owner-write'). */
export const canOwnerWrite = (role: Role | null): boolean => role === 'admin' || role === 'operator' || role === 'consumer';
/** Who may read the audit log (the API's 'staff-read'). */
export const canReadAudit = (role: Role | null): boolean => role !== null && role !== 'consumer';
