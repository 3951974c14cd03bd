import type { AuditType } from '../core/audit-catalog.ts';
import type { Contract, ContractState } from '../core/domain.ts';
import { GatehouseError } from '../core/errors.ts';
import { newId } from '../core/ids.ts';
import type { ContractFilter, Page, PageRequest, Repositories } from '../core/ports/store.ts';
import { SYSTEM_CALLER, anyMatch, audit, isStaff, mustGet, validationFailed, type Caller, type ServiceDeps } from './context.ts';
import { visibleApp, visibleContract } from './visibility.ts';
import { onContractApproved, onContractRevoked } from './onboarding-triggers.ts';

export interface ContractInput {
  appId: string;
  apiId: string;
  tierId: string;
}

export type ContractDecision = 'approve' | 'reject' | 'revoke';

/** The whole state machine: which decision moves which state where. Anything else is INVALID_STATE_TRANSITION. */
const TRANSITIONS: Record<ContractDecision, { from: ContractState; to: ContractState; event: AuditType }> = {
  approve: { from: 'requested', to: 'approved', event: 'contract.approved' },
  reject: { from: 'requested', to: 'rejected', event: 'contract.rejected' },
  revoke: { from: 'approved', to: 'revoked', event: 'contract.revoked' },
};

const LIVE_STATES: ContractState[] = ['requested', 'approved'];

export async function hasLiveContracts(tx: Pick<Repositories, 'contracts'>, filter: Omit<ContractFilter, 'state'>): Promise<boolean> {
  for (const state of LIVE_STATES) if (await anyMatch((p) => tx.contracts.list({ ...filter, state }, p))) return true;
  return false;
}

export class ContractService {
  constructor(private readonly deps: ServiceDeps) {}

  list(caller: Caller, filter: ContractFilter = {}, page?: PageRequest): Promise<Page<Contract>> {
    if (isStaff(caller)) return this.deps.store.contracts.list(filter, page);
    if (filter.ownerSubject !== undefined && filter.ownerSubject !== caller.subject) return Promise.resolve({ items: [], nextCursor: null });
    return this.deps.store.contracts.list({ ...filter, ownerSubject: caller.subject }, page);
  }

  get(caller: Caller, id: string): Promise<Contract> {
    return visibleContract(this.deps.store, caller, id);
  }

  /** Requests access; a tier with `approval: auto` approves at once (a second audit event, actor 'system'). */
  request(caller: Caller, input: ContractInput): Promise<Contract> {
    return this.deps.store.transaction(async (tx) => {
      const app = await visibleApp(tx, caller, input.appId);
      const api = await mustGet('API', input.apiId, (i) => tx.apis.get(i));
      const tier = await mustGet('tier', input.tierId, (i) => tx.tiers.get(i));
      if (tier.apiId !== api.id) throw validationFailed('tierId', `tier ${tier.name} (${tier.id}) belongs to another API, not ${api.id}`);
      if (app.environmentId !== api.environmentId) {
        throw new GatehouseError('CONFLICT', `App ${app.name} and API ${api.name} are in different environments.`, { appId: app.id, apiId: api.id });
      }
      const env = await mustGet('environment', app.environmentId, (i) => tx.environments.get(i));
      const appProvider = app.providerId ?? env.defaultProviderId;
      const apiProvider = api.providerId ?? env.defaultProviderId;
      if (appProvider !== apiProvider) {
        throw new GatehouseError(
          'PROVIDER_MISMATCH',
          `App ${app.name} authenticates with provider ${appProvider ?? '(none)'}, but API ${api.name} accepts clients of provider ${apiProvider ?? '(none)'}; the gateway could never match them.`,
          { appProviderId: appProvider, apiProviderId: apiProvider },
        );
      }
      if (await hasLiveContracts(tx, { appId: app.id, apiId: api.id })) {
        throw new GatehouseError('CONFLICT', `App ${app.name} already has a requested or approved contract for API ${api.name}.`, { appId: app.id, apiId: api.id });
      }
      const now = this.deps.clock.now();
      const requested: Contract = {
        id: newId('contract', now), appId: app.id, apiId: api.id, tierId: tier.id, state: 'requested',
        requestedBy: caller.actor, decidedBy: null, reason: null, createdAt: now, updatedAt: now,
      };
      await tx.contracts.insert(requested);
      await audit(tx, caller, now, { type: 'contract.requested', entityType: 'contract', entityId: requested.id, before: null, after: requested });
      if (tier.approval !== 'auto') return requested;
      const approved: Contract = { ...requested, state: 'approved', decidedBy: SYSTEM_CALLER.actor, reason: 'auto-approved by tier' };
      await tx.contracts.update(approved);
      await audit(tx, SYSTEM_CALLER, now, { type: 'contract.approved', entityType: 'contract', entityId: approved.id, before: requested, after: approved });
      await onContractApproved(tx, now, approved);
      return approved;
    });
  }

  /** Approve and reject are staff decisions (the API's role table enforces it); consumers may revoke their own. */
  decide(caller: Caller, id: string, decision: ContractDecision, reason?: string): Promise<Contract> {
    return this.deps.store.transaction(async (tx) => {
      const before = await visibleContract(tx, caller, id);
      if (!isStaff(caller) && decision !== 'revoke') throw new GatehouseError('FORBIDDEN', `Only admin and operator tokens may ${decision} contracts.`);
      const { from, to, event } = TRANSITIONS[decision];
      if (before.state !== from) {
        throw new GatehouseError('INVALID_STATE_TRANSITION', `Cannot ${decision} a contract that is ${before.state} (only ${from} contracts can be ${to}).`, { state: before.state });
      }
      const after: Contract = { ...before, state: to, decidedBy: caller.actor, reason: reason ?? null, updatedAt: this.deps.clock.now() };
      await tx.contracts.update(after);
      await audit(tx, caller, after.updatedAt, { type: event, entityType: 'contract', entityId: id, before, after });
      if (to === 'approved') await onContractApproved(tx, after.updatedAt, after);
      if (to === 'revoked') await onContractRevoked(tx, after.updatedAt, after);
      return after;
    });
  }
}
