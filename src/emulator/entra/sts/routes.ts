import type { EmulatorContext } from '../context.ts';
import type { EmulatorRequest, EmulatorResponse } from '../http.ts';
import { json } from '../http.ts';
import { discoveryDocument, instanceDiscovery } from './discovery.ts';
import { jwksDocument } from './jwks.ts';
import { tokenEndpoint } from './token.ts';

/** The login.microsoftonline.com side: `/{tenant}/…`. Returns undefined for paths it does not serve. */
export async function routeSts(ctx: EmulatorContext, req: EmulatorRequest): Promise<EmulatorResponse | undefined> {
  const parts = req.path.split('/').filter(Boolean);
  const [tenant, ...rest] = parts;
  if (!tenant) return undefined;
  const tail = rest.join('/');
  if (req.method === 'GET') {
    if (tail === 'v2.0/.well-known/openid-configuration') return discoveryDocument(ctx, tenant, 2);
    if (tail === '.well-known/openid-configuration') return discoveryDocument(ctx, tenant, 1);
    if (tail === 'discovery/v2.0/keys') return jwksDocument(ctx, tenant, 2);
    if (tail === 'discovery/keys') return jwksDocument(ctx, tenant, 1);
    if (tail === 'discovery/instance') return instanceDiscovery(ctx, req.url.searchParams.get('authorization_endpoint'));
  }
  if (req.method === 'POST') {
    if (tail === 'oauth2/v2.0/token') return tokenEndpoint(ctx, req, tenant, 2);
    if (tail === 'oauth2/token') return tokenEndpoint(ctx, req, tenant, 1);
  }
  if (['oauth2/v2.0/authorize', 'oauth2/authorize', 'oauth2/v2.0/devicecode', 'wsfed'].includes(tail)) {
    return json(400, { error: 'unsupported_response_type', error_description: 'The Entra emulator supports only the client credentials grant.' });
  }
  return undefined;
}
