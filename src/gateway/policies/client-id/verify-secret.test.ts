import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateSecret, hashSecret } from '../../../core/secrets.ts';
import { verifierMatches } from './verify-secret.ts';

const verifierFor = (secretHash: string) => ({ credentialId: 'cred_1', secretHash, validUntil: null });
const b = (s: string) => s;

test('matches exactly the secret behind the hash, before and after it was remembered', () => {
  const secret = generateSecret('gh_');
  const verifier = verifierFor(hashSecret(secret));
  const sameLength = secret.slice(0, -1) + (secret.endsWith('A') ? 'B' : 'A');
  for (let round = 0; round < 2; round++) {
    assert.equal(verifierMatches(b(secret), verifier), true);
    assert.equal(verifierMatches(b(sameLength), verifier), false, 'same length, one character off');
    assert.equal(verifierMatches(b(secret + 'x'), verifier), false);
    assert.equal(verifierMatches(b(secret.slice(0, -1)), verifier), false);
    assert.equal(verifierMatches(b(''), verifier), false);
  }
});

test('a remembered secret does not carry over to another credential', () => {
  const secret = generateSecret();
  assert.equal(verifierMatches(b(secret), verifierFor(hashSecret(secret))), true);
  assert.equal(verifierMatches(b(secret), verifierFor(hashSecret(generateSecret()))), false);
});

test('a secret differing only in a multi-byte character is rejected after the right one was remembered', () => {
  const secret = generateSecret() + 'é';
  const verifier = verifierFor(hashSecret(secret));
  assert.equal(verifierMatches(b(secret), verifier), true);
  assert.equal(verifierMatches(b(secret.slice(0, -1) + 'è'), verifier), false);
  assert.equal(verifierMatches(b(secret), verifier), true);
});

test('stored values that are not canonical sha256:<base64url> are judged like secretMatches (no match)', () => {
  const secret = generateSecret();
  for (const stored of [hashSecret(secret) + '=', 'sha256:', 'sha512:' + hashSecret(secret).slice(7), secret]) {
    assert.equal(verifierMatches(b(secret), verifierFor(stored)), false, stored.slice(0, 10));
  }
});
