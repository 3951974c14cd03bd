import { Tenant } from './tenant.ts';
import { newGuid } from './secrets.ts';

/** All tenants of one emulator. A tenant is addressed by its GUID or its `*.onmicrosoft.com` domain. */
export class Directory {
  readonly tenants = new Map<string, Tenant>();

  /** Adds a tenant; `id` lets a caller keep a stable tenant id across runs. */
  addTenant(nowMs: number, id: string = newGuid()): Tenant {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id)) throw new Error(`tenant id must be a lower-case GUID: '${id}'`);
    if (this.tenants.has(id)) throw new Error(`tenant ${id} already exists`);
    const index = this.tenants.size + 1;
    const name = index === 1 ? 'gatehouseemu' : `gatehouseemu${index}`;
    const tenant = new Tenant(id, `${name}.onmicrosoft.com`, `Emulated tenant ${index}`, nowMs);
    this.tenants.set(id, tenant);
    return tenant;
  }

  resolve(segment: string): Tenant | undefined {
    const wanted = segment.toLowerCase();
    const byId = this.tenants.get(wanted);
    if (byId) return byId;
    for (const tenant of this.tenants.values()) if (tenant.domain === wanted) return tenant;
    return undefined;
  }
}
