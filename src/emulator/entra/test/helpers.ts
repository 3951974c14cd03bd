import { Agent, fetch as undiciFetch } from 'undici';
import type { EntraEmulator } from '../index.ts';

/** fetch that trusts the emulator's CA (tests cannot set NODE_EXTRA_CA_CERTS after start-up). */
export function trustingFetch(emu: EntraEmulator) {
  const dispatcher = new Agent({ connect: { ca: emu.caCertPem } });
  return (url: string, init: Parameters<typeof undiciFetch>[1] = {}) => undiciFetch(url, { ...init, dispatcher });
}

export type TrustingFetch = ReturnType<typeof trustingFetch>;

export async function tokenFor(emu: EntraEmulator, clientId: string, secret: string, scope = 'https://graph.microsoft.com/.default', tenant = emu.tenantId): Promise<string> {
  const res = await trustingFetch(emu)(`${emu.url}/${tenant}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: secret, scope }).toString(),
  });
  const body = (await res.json()) as { access_token?: string; error_description?: string };
  if (!body.access_token) throw new Error(`token request failed: ${res.status} ${body.error_description}`);
  return body.access_token;
}

export function tokenRequest(emu: EntraEmulator, params: Record<string, string>, options: { tenant?: string; headers?: Record<string, string>; v1?: boolean } = {}) {
  const path = options.v1 ? 'oauth2/token' : 'oauth2/v2.0/token';
  return trustingFetch(emu)(`${emu.url}/${options.tenant ?? emu.tenantId}/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...options.headers },
    body: new URLSearchParams(params).toString(),
  });
}

/** A small typed Graph client over fetch: JSON in, {status, body, headers} out. */
export function graphClient(emu: EntraEmulator, token: string) {
  const f = trustingFetch(emu);
  return async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await f(path.startsWith('https://') ? path : `${emu.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as any) : undefined };
  };
}

export function decodePayload(jwt: string): Record<string, any> {
  return JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8'));
}

/**
 * A data folder shared by the test files: CA, leaf and signing keys are generated once (RSA generation is slow) and
 * moved into place atomically, so parallel test processes never see a half-made folder.
 */
export async function sharedTestDataDir(): Promise<string> {
  const { existsSync, mkdtempSync, renameSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { loadOrCreateTls } = await import('../tls/certificates.ts');
  const { SigningKeyRing } = await import('../keys/signing-keys.ts');
  const dir = join(tmpdir(), 'gatehouse-entra-emulator-test-fixture-v1');
  if (existsSync(join(dir, 'signing-keys.json'))) return dir;
  const staging = mkdtempSync(join(tmpdir(), 'gatehouse-entra-staging-'));
  await loadOrCreateTls(staging);
  await SigningKeyRing.open(staging);
  try {
    renameSync(staging, dir);
  } catch {
    rmSync(staging, { recursive: true, force: true });
  }
  return dir;
}

/** A private copy of the shared fixture (for tests that write into their data folder). Remove it when done. */
export async function privateDataDir(): Promise<string> {
  const { copyFileSync, mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const fixture = await sharedTestDataDir();
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-entra-private-'));
  for (const f of ['ca.pem', 'leaf.pem', 'leaf-key.pem', 'signing-keys.json']) copyFileSync(join(fixture, f), join(dir, f));
  return dir;
}
