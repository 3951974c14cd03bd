import { hashSecret } from '../../../core/secrets.ts';
import type { PolicyFactory, PolicyHandler } from '../../pipeline/policy.ts';
import type { RequestContext } from '../../pipeline/context.ts';
import { deny, type Denial } from '../../pipeline/denial.ts';
import { clientIdConfigSchema, type ClientIdConfig } from './schema.ts';
import { readCredentials } from './credentials.ts';
import { verifierMatches } from './verify-secret.ts';

const CHALLENGE = 'Basic realm="gatehouse"';
const MISSING = deny('MISSING_CREDENTIALS', 'Client credentials are required.', { challenge: CHALLENGE });
const invalid = (logDetail: string): Denial =>
  deny('INVALID_CREDENTIALS', 'The client credentials are not valid.', { challenge: CHALLENGE, logDetail });
const UNKNOWN_CLIENT = invalid('unknown client id');
const WRONG_SECRET = invalid('secret does not match any live credential');
const EXPIRED_SECRET = invalid('secret matches an expired or retired credential');
/** Compared against when the client id is unknown, so that case costs the same as a wrong secret. */
const DECOY = { credentialId: 'decoy', secretHash: hashSecret('gatehouse-decoy'), validUntil: null };

/**
 * `client-id`: authenticates the caller with a client id and secret that Gatehouse itself verifies (local
 * provider apps). The secret is checked against the hashes of the app's active and retiring credentials in the
 * snapshot; expiry is checked against the clock at request time, so a secret expires on time even when the
 * snapshot is old. Needs nothing reachable at request time (the store may be down).
 */
export const clientIdPolicy: PolicyFactory<ClientIdConfig> = {
  type: 'client-id',
  phase: 'authenticate',
  schema: clientIdConfigSchema,
  create(config, deps): PolicyHandler {
    const from = config.credentialsFrom;
    const { directory } = deps;
    return (ctx: RequestContext): Denial | undefined => {
      const presented = readCredentials(ctx.req.headers, from);
      if (presented === null) return MISSING;
      const app = directory.appByClientId(presented.clientId);
      if (app === undefined) {
        verifierMatches(presented.secret, DECOY);
        return UNKNOWN_CLIENT;
      }
      let expiredMatch = false;
      for (const verifier of directory.secretsOf(app.id)) {
        if (!verifierMatches(presented.secret, verifier)) continue;
        if (verifier.validUntil !== null && verifier.validUntil <= ctx.now) {
          expiredMatch = true;
          continue;
        }
        ctx.clientId = presented.clientId;
        ctx.credentialId = verifier.credentialId;
        ctx.app = app;
        if (presented.fromAuthorization) ctx.stripAuthorization = true;
        return undefined;
      }
      return expiredMatch ? EXPIRED_SECRET : WRONG_SECRET;
    };
  },
};
