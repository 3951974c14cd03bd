import type { Repositories } from '../../core/ports/store.ts';
import type { StoreContext } from '../context.ts';
import { apiTokenRepository } from './api-tokens.ts';
import { apiRepository } from './apis.ts';
import { appRepository } from './apps.ts';
import { auditLog } from './audit.ts';
import { contractRepository } from './contracts.ts';
import { credentialRepository } from './credentials.ts';
import { environmentRepository } from './environments.ts';
import { jobRepository } from './jobs.ts';
import { providerRepository } from './providers.ts';
import { tierRepository } from './tiers.ts';
import { usageRepository } from './usage.ts';

/** Every repository bound to one context: the root store's, or one transaction's. */
export function createRepositories(ctx: StoreContext): Repositories {
  return {
    environments: environmentRepository(ctx),
    providers: providerRepository(ctx),
    apis: apiRepository(ctx),
    tiers: tierRepository(ctx),
    apps: appRepository(ctx),
    contracts: contractRepository(ctx),
    credentials: credentialRepository(ctx),
    apiTokens: apiTokenRepository(ctx),
    jobs: jobRepository(ctx),
    usage: usageRepository(ctx),
    audit: auditLog(ctx),
  };
}
