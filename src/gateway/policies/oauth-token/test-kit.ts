import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';

/**
 * Test helpers: locally generated signing keys and a JWKS server on 127.0.0.1:0 whose behaviour tests switch
 * (serve keys, answer garbage, hang, fail). Used by the unit tests and the e2e security table.
 */
export interface TestKey {
  kid: string;
  alg: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export async function newTestKey(kid: string, alg = 'RS256'): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, use: 'sig' };
  return { kid, alg, privateKey, publicJwk };
}

export async function signTestToken(key: TestKey, claims: JWTPayload, header: Record<string, unknown> = {}): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: key.alg, typ: 'JWT', kid: key.kid, ...header }).sign(key.privateKey);
}

export type JwksServerMode = 'ok' | 'not_json' | 'hang' | 'error';

export interface TestJwksServer {
  url: string;
  keys: JWK[];
  mode: JwksServerMode;
  /** Requests served, by path. */
  hits: string[];
  close(): Promise<void>;
}

export async function startJwksServer(keys: JWK[] = []): Promise<TestJwksServer> {
  const hanging: ServerResponse[] = [];
  const state = { keys, mode: 'ok' as JwksServerMode, hits: [] as string[] };
  const server = createServer((req, res) => {
    state.hits.push(req.url ?? '');
    switch (state.mode) {
      case 'hang':
        hanging.push(res);
        return;
      case 'error':
        res.writeHead(500).end('boom');
        return;
      case 'not_json':
        res.writeHead(200, { 'content-type': 'text/html' }).end('<html>sign in</html>');
        return;
      default:
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: state.keys }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      hanging.forEach((r) => r.destroy());
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}
