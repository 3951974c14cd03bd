import { listAll } from '../api.ts';
import { contractsTable } from '../contracts-table.ts';
import { h, section } from '../dom.ts';
import { loadNames } from '../lookups.ts';
import type { PageContext } from '../shell.ts';
import type { Contract } from '../types.ts';

/** Requests waiting for a decision first, then the live contracts, then what was rejected or revoked. */
export async function contractsPage(ctx: PageContext): Promise<Node[]> {
  const [requested, approved, rejected, revoked, names] = await Promise.all([
    listAll<Contract>('/v1/contracts', { state: 'requested' }),
    listAll<Contract>('/v1/contracts', { state: 'approved' }),
    listAll<Contract>('/v1/contracts', { state: 'rejected' }),
    listAll<Contract>('/v1/contracts', { state: 'revoked' }),
    loadNames(),
  ]);
  const closed = [...rejected.items, ...revoked.items].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
  return [
    h('h1', null, 'Contracts'),
    section('Pending requests', contractsTable(requested.items, names, ctx.refresh, 'No requests are waiting.')),
    section('Approved', contractsTable(approved.items, names, ctx.refresh, 'No approved contracts.')),
    h('details', null, h('summary', null, `Rejected and revoked (${closed.length})`), contractsTable(closed, names, ctx.refresh, 'None.')),
  ];
}
