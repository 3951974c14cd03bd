import type { ClientApp, Contract } from '../core/domain.ts';
import { notFound } from '../core/errors.ts';
import type { Repositories } from '../core/ports/store.ts';
import { isStaff, type Caller } from './context.ts';

/**
 * Consumers see only the apps they own (ownerSubject = their token's subject) and what hangs off them.
 * Anything else answers exactly like a missing id (404), so a consumer cannot probe for other teams' apps.
 */
export function canSee(caller: Caller, app: ClientApp): boolean {
  return isStaff(caller) || app.ownerSubject === caller.subject;
}

export async function visibleApp(tx: Pick<Repositories, 'apps'>, caller: Caller, id: string): Promise<ClientApp> {
  const app = await tx.apps.get(id);
  if (!app || !canSee(caller, app)) throw notFound('app', id);
  return app;
}

export async function visibleContract(tx: Pick<Repositories, 'apps' | 'contracts'>, caller: Caller, id: string): Promise<Contract> {
  const contract = await tx.contracts.get(id);
  if (!contract) throw notFound('contract', id);
  if (!isStaff(caller)) {
    const app = await tx.apps.get(contract.appId);
    if (!app || !canSee(caller, app)) throw notFound('contract', id);
  }
  return contract;
}
