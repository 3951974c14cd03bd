import { describe } from 'node:test';
import { ManualClock } from '../../core/clock.ts';
import { identityContractSuite } from '../contract-suite.ts';
import { LocalIdentityProvider } from './adapter.ts';

describe('local identity provider', () => {
  identityContractSuite('local', async () => {
    const clock = new ManualClock();
    return { provider: new LocalIdentityProvider(clock), now: () => clock.now(), close: async () => {} };
  });
});
