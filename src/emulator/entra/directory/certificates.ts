import { X509Certificate, createHash } from 'node:crypto';
import type { ApplicationRecord, GraphJson, StoredCertificate } from './model.ts';
import { badRequest } from './errors.ts';
import { newGuid } from './secrets.ts';

/** Parses one keyCredential (base64 DER certificate in `key`) into its Graph form and the verifier kept for it. */
export function parseKeyCredential(input: GraphJson, nowMs: number): { credential: GraphJson; stored: StoredCertificate } {
  if (typeof input.key !== 'string') throw badRequest("Invalid value specified for property 'key' of resource 'KeyCredential'.");
  const type = input.type ?? 'AsymmetricX509Cert';
  const usage = input.usage ?? 'Verify';
  if (type !== 'AsymmetricX509Cert' || (usage !== 'Verify' && usage !== 'Sign')) {
    throw badRequest("Invalid value specified for property 'type' of resource 'KeyCredential'.");
  }
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(Buffer.from(input.key, 'base64'));
  } catch {
    throw badRequest('Key credential is not a valid X.509 certificate.');
  }
  const der = cert.raw;
  const startMs = typeof input.startDateTime === 'string' ? Date.parse(input.startDateTime) : Date.parse(cert.validFrom);
  const endMs = typeof input.endDateTime === 'string' ? Date.parse(input.endDateTime) : Date.parse(cert.validTo);
  const keyId = typeof input.keyId === 'string' ? input.keyId : newGuid();
  const sha1 = createHash('sha1').update(der).digest();
  const credential: GraphJson = {
    customKeyIdentifier: sha1.toString('base64url'),
    displayName: typeof input.displayName === 'string' ? input.displayName : `CN=${cert.subject.replace(/^CN=/, '')}`,
    endDateTime: new Date(endMs).toISOString(),
    key: der.toString('base64url'),
    keyId,
    startDateTime: new Date(startMs).toISOString(),
    type,
    usage,
  };
  const stored: StoredCertificate = {
    keyId, x5t: sha1.toString('base64url'), x5tS256: createHash('sha256').update(der).digest('base64url'),
    publicKey: cert.publicKey, startMs, endMs, usage: usage as string, addedAtMs: nowMs,
  };
  return { credential, stored };
}

/** PATCH keyCredentials replaces the whole collection (entries that keep their keyId keep their key). */
export function replaceKeyCredentials(record: ApplicationRecord, inputs: GraphJson[], nowMs: number): void {
  const credentials: GraphJson[] = [];
  const stored: StoredCertificate[] = [];
  for (const input of inputs) {
    const existing = record.certificates.find((c) => c.keyId === input.keyId);
    const existingBody = (record.body.keyCredentials as GraphJson[]).find((c) => c.keyId === input.keyId);
    if (existing && existingBody && typeof input.key !== 'string') {
      credentials.push(existingBody);
      stored.push(existing);
      continue;
    }
    const parsed = parseKeyCredential(input, nowMs);
    credentials.push(parsed.credential);
    stored.push(parsed.stored);
  }
  record.body = { ...record.body, keyCredentials: credentials };
  record.certificates = stored;
}

/** Graph hides certificate bytes unless the caller $selects keyCredentials. */
export function withoutKeyBytes(body: GraphJson): GraphJson {
  if (!Array.isArray(body.keyCredentials)) return body;
  return { ...body, keyCredentials: (body.keyCredentials as GraphJson[]).map((k) => ({ ...k, key: null })) };
}
