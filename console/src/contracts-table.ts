import { post } from './api.ts';
import { h, link, replace, table, type Child } from './dom.ts';
import { errorBox } from './errors.ts';
import { stateBadge, time } from './format.ts';
import type { Names } from './lookups.ts';
import { canDecide, canOwnerWrite, session } from './session.ts';
import { flash } from './shell.ts';
import type { Contract } from './types.ts';

type Decision = 'approve' | 'reject' | 'revoke';
const DONE: Record<Decision, string> = { approve: 'approved', reject: 'rejected', revoke: 'revoked' };

/** Contracts with the actions the caller's role allows: approve/reject a request (staff), revoke an approved one. */
export function contractsTable(contracts: Contract[], names: Names, refresh: () => void, empty: string): HTMLElement {
  return table<Contract>([
    { title: 'App', cell: (c) => link(names.app(c.appId), 'apps', c.appId) },
    { title: 'API', cell: (c) => link(names.api(c.apiId), 'apis', c.apiId) },
    { title: 'Tier', cell: (c) => names.tier(c.tierId) },
    { title: 'State', cell: (c) => stateBadge(c.state) },
    { title: 'Requested', cell: (c) => [time(c.createdAt), h('br'), h('span', { class: 'muted' }, 'by ', c.requestedBy)] },
    { title: 'Decision', cell: (c) => (c.decidedBy ? [h('span', { class: 'muted' }, 'by ', c.decidedBy), c.reason ? [h('br'), c.reason] : null] : '—') },
    { title: 'Actions', cell: (c) => actions(c, names, refresh) },
  ], contracts, empty, (c) => ({ 'data-contract': c.id, 'data-state': c.state }));
}

function actions(contract: Contract, names: Names, refresh: () => void): Child {
  const status = h('div');
  const decide = async (decision: Decision, reason: string) => {
    try {
      await post<Contract>(`/v1/contracts/${encodeURIComponent(contract.id)}/${decision}`, reason ? { reason } : {});
      flash(`Contract for ${names.app(contract.appId)} → ${names.api(contract.apiId)} ${DONE[decision]}.`);
      refresh();
    } catch (error) {
      replace(status, errorBox(error));
    }
  };
  if (contract.state === 'requested' && canDecide(session.role)) {
    const reason = h('input', { type: 'text', placeholder: 'reason (optional)', maxlength: '1000', 'aria-label': 'Reason' });
    const button = (label: string, decision: Decision, cls: string) => {
      const b = h('button', { type: 'button', class: cls, on: { click: async () => {
        b.disabled = true;
        await decide(decision, reason.value.trim());
        b.disabled = false;
      } } }, label);
      return b;
    };
    return h('div', { class: 'actions' }, reason, button('Approve', 'approve', 'primary'), button('Reject', 'reject', 'danger'), status);
  }
  if (contract.state === 'approved' && canOwnerWrite(session.role)) {
    // Two steps instead of a confirm() dialog: revoking cuts the app off at the gateway.
    const box = h('div', { class: 'actions' });
    const first = h('button', { type: 'button', class: 'danger', on: { click: () => {
      const confirm = h('button', { type: 'button', class: 'danger', on: { click: async () => {
        confirm.disabled = true;
        await decide('revoke', '');
        confirm.disabled = false;
      } } }, 'Confirm revoke');
      replace(box, confirm, h('button', { type: 'button', on: { click: () => replace(box, first, status) } }, 'Cancel'), status);
    } } }, 'Revoke');
    replace(box, first, status);
    return box;
  }
  return null;
}
