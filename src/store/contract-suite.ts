import { after, before, describe } from 'node:test';
import type { Store } from '../core/ports/store.ts';
import { auditSuite } from './contract/audit.suite.ts';
import { crudSuite } from './contract/crud.suite.ts';
import { filtersSuite } from './contract/filters.suite.ts';
import { jobsSuite } from './contract/jobs.suite.ts';
import { lastUseSuite } from './contract/last-use.suite.ts';
import { transactionsSuite } from './contract/transactions.suite.ts';
import { uniqueSuite } from './contract/unique.suite.ts';
import { usageSuite } from './contract/usage.suite.ts';

/**
 * The behaviour every Store implementation must show (src/core/ports/store.ts). Opens one store for the run and
 * closes it at the end; tests make their own rows with random names, so a shared database is fine, and the audit
 * tampering tests put every row back. The tampering itself needs a store opened by openStore (src/store/raw.ts).
 */
export function runStoreContractSuite(name: string, open: () => Promise<Store>): void {
  describe(`store contract: ${name}`, () => {
    let store: Store | undefined;
    const current = () => {
      if (!store) throw new Error('store not open');
      return store;
    };
    before(async () => {
      store = await open();
    });
    after(async () => {
      await store?.close();
    });

    describe('repositories', () => crudSuite(current));
    describe('filters and paging', () => filtersSuite(current));
    describe('unique constraints', () => uniqueSuite(current));
    describe('transactions and change counter', () => transactionsSuite(current));
    describe('audit chain', () => auditSuite(current));
    describe('usage', () => usageSuite(current));
    describe('jobs', () => jobsSuite(current));
    describe('credential last use', () => lastUseSuite(current));
  });
}
