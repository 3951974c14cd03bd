import type { Api, ClientApp } from '../../core/domain.ts';
import type { RequestContext } from './context.ts';
import { deny, type Denial } from './denial.ts';
import type { PolicyHandler } from './policy.ts';
import { contractKey, type ContractGrant } from '../snapshot/snapshot.ts';

const NO_CONTRACT = deny('NO_CONTRACT', 'This client has no approved contract for this API.');

/**
 * The contract check, always on: the identified client must be a known app of the API's environment holding an
 * approved contract for this API. Unknown clients (e.g. a valid token of an IdP client we never onboarded) get
 * the same answer as clients without a contract, so the response does not reveal which apps exist.
 */
export function contractCheck(
  api: Api,
  appsByClientId: ReadonlyMap<string, ClientApp>,
  contracts: ReadonlyMap<string, ContractGrant>,
): PolicyHandler {
  const apiId = api.id;
  const environmentId = api.environmentId;
  /**
   * This API's grants by app id, filled on first use. Saves building the `app:api` key string (and hashing it)
   * on every call: ~1–2 µs per request in the benchmark profile. Only found grants are kept, so it is bounded by
   * this API's contracts; it lives as long as this handler, i.e. one snapshot.
   */
  const grantsByApp = new Map<string, ContractGrant>();
  return (ctx: RequestContext): Denial | undefined => {
    const app = ctx.app ?? appsByClientId.get(ctx.clientId!);
    if (app === undefined || app.environmentId !== environmentId) return NO_CONTRACT;
    ctx.app = app;
    let grant = grantsByApp.get(app.id);
    if (grant === undefined) {
      grant = contracts.get(contractKey(app.id, apiId));
      if (grant === undefined) return NO_CONTRACT;
      grantsByApp.set(app.id, grant);
    }
    ctx.grant = grant;
    return undefined;
  };
}
