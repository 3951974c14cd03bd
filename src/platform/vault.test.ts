import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, statSync, readFileSync, writeFileSync, chmodSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { openVault, parseMasterKey, vaultFromKey } from './vault.ts';
import { GatehouseError } from '../core/errors.ts';

const key = () => randomBytes(32);

describe('vault', () => {
  test('round-trips and never repeats a ciphertext', () => {
    const v = vaultFromKey(key());
    const a = v.encrypt('s3cret~value', 'prv_1');
    const b = v.encrypt('s3cret~value', 'prv_1');
    assert.notEqual(a, b);
    assert.match(a, /^v1:[0-9a-f]{8}:/);
    assert.ok(!a.includes('s3cret'));
    assert.equal(v.decrypt(a, 'prv_1'), 's3cret~value');
  });

  test('wrong key is reported as a wrong key, with both key ids', () => {
    const a = vaultFromKey(key());
    const b = vaultFromKey(key());
    const c = a.encrypt('x');
    assert.throws(() => b.decrypt(c), (e: unknown) =>
      e instanceof GatehouseError && /different master key/.test(e.message) && e.message.includes(a.keyId) && e.message.includes(b.keyId));
  });

  test('tampered ciphertext, tag or context fails the integrity check', () => {
    const v = vaultFromKey(key());
    const c = v.encrypt('hello world', 'ctx');
    const parts = c.split(':');
    const body = Buffer.from(parts[3]!, 'base64url');
    body[0] = body[0]! ^ 1;
    const tampered = [...parts.slice(0, 3), body.toString('base64url'), parts[4]].join(':');
    assert.throws(() => v.decrypt(tampered, 'ctx'), /integrity check/);
    assert.throws(() => v.decrypt(c, 'other-ctx'), /integrity check/);
    assert.throws(() => v.decrypt('v2:abc'), (e: unknown) => e instanceof GatehouseError && e.code === 'VALIDATION_FAILED');
  });

  test('master key from env: hex and base64 accepted, junk refused clearly', () => {
    const k = key();
    const hex = vaultFromKey(parseMasterKey(k.toString('hex')));
    const b64 = openVault({ env: { GATEHOUSE_MASTER_KEY: k.toString('base64') } });
    assert.equal(hex.keyId, b64.keyId);
    assert.equal(b64.decrypt(hex.encrypt('x')), 'x');
    assert.throws(() => parseMasterKey('too-short'), /32 bytes/);
    assert.throws(() => parseMasterKey(randomBytes(16).toString('hex')), /32 bytes/);
  });

  test('key file is created with mode 0600 on first start and reused after', { skip: process.platform === 'win32' && 'POSIX modes' }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'gh-vault-'));
    try {
      const file = join(dir, 'nested', 'master.key');
      const v1 = openVault({ env: {}, keyFile: file });
      assert.equal(statSync(file).mode & 0o777, 0o600);
      assert.equal(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64').length, 32);
      const v2 = openVault({ env: {}, keyFile: file });
      assert.equal(v2.decrypt(v1.encrypt('again')), 'again');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a world-readable key file is refused with the chmod to run', { skip: process.platform === 'win32' && 'POSIX modes' }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'gh-vault-'));
    try {
      const file = join(dir, 'master.key');
      writeFileSync(file, key().toString('base64'));
      chmodSync(file, 0o644);
      assert.throws(() => openVault({ env: {}, keyFile: file }), /chmod 600/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
