import { randomBytes } from 'node:crypto';

/** Every entity id carries a prefix that names its kind, so a misplaced id is caught at the boundary. */
export const ID_PREFIXES = {
  environment: 'env',
  provider: 'prv',
  api: 'api',
  tier: 'tier',
  app: 'app',
  contract: 'ctr',
  credential: 'crd',
  audit: 'evt',
  apiToken: 'tok',
  job: 'job',
  delivery: 'dlv',
} as const;

export type IdKind = keyof typeof ID_PREFIXES;

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz'; // Crockford base32, lower case

/** Time-ordered id: 10 chars of milliseconds + 16 random chars, so ids sort by creation time (cursor paging relies on it). */
export function newId(kind: IdKind, now: number = Date.now()): string {
  let time = '';
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  const bytes = randomBytes(16);
  let rand = '';
  for (const b of bytes) rand += ALPHABET[b % 32];
  return `${ID_PREFIXES[kind]}_${time}${rand}`;
}

const ID_PATTERN = /^[a-z]+_[0-9a-hjkmnp-tv-z]{26}$/;

export function isId(kind: IdKind, value: string): boolean {
  return value.startsWith(`${ID_PREFIXES[kind]}_`) && ID_PATTERN.test(value);
}
