import { test } from 'node:test';
import type { Repositories, Store } from '../../core/ports/store.ts';
import { assertCode } from './assertions.ts';
import * as f from './fixtures.ts';

interface UniqueCase {
  what: string;
  field: string;
  /** Inserts the first row and returns a second that collides with it. */
  setup(tx: Repositories): Promise<{ insertClash: () => Promise<void>; updateClash: () => Promise<void> }>;
}

const CASES: UniqueCase[] = [
  {
    what: 'environment name', field: 'name',
    setup: async (tx) => {
      const a = f.environment();
      const b = f.environment();
      await tx.environments.insert(a);
      await tx.environments.insert(b);
      return { insertClash: () => tx.environments.insert(f.environment({ name: a.name })), updateClash: () => tx.environments.update({ ...b, name: a.name }) };
    },
  },
  {
    what: 'provider name', field: 'name',
    setup: async (tx) => {
      const a = f.provider();
      const b = f.provider();
      await tx.providers.insert(a);
      await tx.providers.insert(b);
      return { insertClash: () => tx.providers.insert(f.provider({ name: a.name })), updateClash: () => tx.providers.update({ ...b, name: a.name }) };
    },
  },
  {
    what: 'API base path', field: 'basePath',
    setup: async (tx) => {
      const a = f.api();
      const b = f.api();
      await tx.apis.insert(a);
      await tx.apis.insert(b);
      return { insertClash: () => tx.apis.insert(f.api({ basePath: a.basePath })), updateClash: () => tx.apis.update({ ...b, basePath: a.basePath }) };
    },
  },
  {
    what: 'API name + version in an environment', field: 'name',
    setup: async (tx) => {
      const a = f.api();
      const b = f.api({ environmentId: a.environmentId, name: a.name, version: 'v2' });
      await tx.apis.insert(a);
      await tx.apis.insert(b);
      await tx.apis.insert(f.api({ name: a.name, version: a.version })); // same name, other environment: fine
      return {
        insertClash: () => tx.apis.insert(f.api({ environmentId: a.environmentId, name: a.name, version: a.version })),
        updateClash: () => tx.apis.update({ ...b, version: a.version }),
      };
    },
  },
  {
    what: 'tier name within an API', field: 'name',
    setup: async (tx) => {
      const a = f.tier();
      const b = f.tier({ apiId: a.apiId });
      await tx.tiers.insert(a);
      await tx.tiers.insert(b);
      await tx.tiers.insert(f.tier({ name: a.name })); // other API: fine
      return { insertClash: () => tx.tiers.insert(f.tier({ apiId: a.apiId, name: a.name })), updateClash: () => tx.tiers.update({ ...b, name: a.name }) };
    },
  },
  {
    what: 'app name within an environment', field: 'name',
    setup: async (tx) => {
      const a = f.app();
      const b = f.app({ environmentId: a.environmentId });
      await tx.apps.insert(a);
      await tx.apps.insert(b);
      await tx.apps.insert(f.app({ name: a.name })); // other environment: fine
      return { insertClash: () => tx.apps.insert(f.app({ environmentId: a.environmentId, name: a.name })), updateClash: () => tx.apps.update({ ...b, name: a.name }) };
    },
  },
  {
    what: 'app client id (NULLs never clash)', field: 'clientId',
    setup: async (tx) => {
      const a = f.app({ clientId: f.unique('client') });
      const b = f.app({ clientId: null });
      await tx.apps.insert(a);
      await tx.apps.insert(b);
      await tx.apps.insert(f.app({ clientId: null }));
      return { insertClash: () => tx.apps.insert(f.app({ clientId: a.clientId })), updateClash: () => tx.apps.update({ ...b, clientId: a.clientId }) };
    },
  },
  {
    what: 'API token hash', field: 'tokenHash',
    setup: async (tx) => {
      const a = f.apiToken();
      const b = f.apiToken();
      await tx.apiTokens.insert(a);
      await tx.apiTokens.insert(b);
      return { insertClash: () => tx.apiTokens.insert(f.apiToken({ tokenHash: a.tokenHash })), updateClash: () => tx.apiTokens.update({ ...b, tokenHash: a.tokenHash }) };
    },
  },
  {
    what: 'unfinished job (type, key)', field: 'key',
    setup: async (tx) => {
      const a = f.job({ state: 'running' });
      const b = f.job({ type: a.type });
      await tx.jobs.insert(a);
      await tx.jobs.insert(b);
      // Finished jobs with the same key do not count.
      await tx.jobs.insert(f.job({ type: a.type, key: a.key, state: 'succeeded' }));
      await tx.jobs.insert(f.job({ type: a.type, key: a.key, state: 'failed' }));
      return { insertClash: () => tx.jobs.insert(f.job({ type: a.type, key: a.key, state: 'pending' })), updateClash: () => tx.jobs.update({ ...b, key: a.key }) };
    },
  },
];

/** Each unique rule surfaces as NAME_TAKEN naming the field, on insert and on update, and rolls the transaction back. */
export function uniqueSuite(store: () => Store): void {
  for (const c of CASES) {
    test(`${c.what} is unique (NAME_TAKEN, field ${c.field})`, async () => {
      await assertCode(store().transaction(async (tx) => (await c.setup(tx)).insertClash()), 'NAME_TAKEN', { field: c.field });
      await assertCode(store().transaction(async (tx) => (await c.setup(tx)).updateClash()), 'NAME_TAKEN', { field: c.field });
    });
  }

  test('a finished job frees its (type, key) for a new one', async () => {
    const a = f.job();
    await store().transaction((tx) => tx.jobs.insert(a));
    await assertCode(store().transaction((tx) => tx.jobs.insert(f.job({ type: a.type, key: a.key }))), 'NAME_TAKEN', { field: 'key' });
    await store().transaction((tx) => tx.jobs.update({ ...a, state: 'succeeded' }));
    await store().transaction((tx) => tx.jobs.insert(f.job({ type: a.type, key: a.key })));
  });
}
