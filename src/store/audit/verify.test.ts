import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AuditEvent } from '../../core/domain.ts';
import { GENESIS_HASH } from '../meta.ts';
import { auditHash, canonicalJson } from './hash.ts';
import { verifyChain } from './verify.ts';

function chain(n: number): AuditEvent[] {
  const out: AuditEvent[] = [];
  let prevHash = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const content = { seq, id: `evt_${String(seq).padStart(26, '0')}`, type: 'app.created', entityType: 'app', entityId: 'app_1', actor: 'a', at: seq, before: null, after: { n: seq }, idpActivity: null };
    const hash = auditHash(prevHash, content);
    out.push({ ...content, prevHash, hash });
    prevHash = hash;
  }
  return out;
}

/** Serves rows like the repository does: ordered by (seq, id), after a cursor, in pages. */
const reader = (rows: AuditEvent[]) => async (afterSeq: number, afterId: string, limit: number) =>
  [...rows]
    .sort((a, b) => a.seq - b.seq || a.id.localeCompare(b.id))
    .filter((r) => r.seq > afterSeq || (r.seq === afterSeq && r.id > afterId))
    .slice(0, limit);

const headOf = (rows: AuditEvent[]) => ({ seq: rows.at(-1)?.seq ?? 0, hash: rows.at(-1)?.hash ?? GENESIS_HASH });

test('an intact chain verifies across page boundaries, and an empty one too', async () => {
  const rows = chain(7);
  for (const pageSize of [1, 2, 3, 7, 8]) {
    assert.deepEqual(await verifyChain(headOf(rows), reader(rows), pageSize), { ok: true, checked: 7, problem: null });
  }
  assert.deepEqual(await verifyChain(headOf([]), reader([])), { ok: true, checked: 0, problem: null });
});

test('each kind of tampering is reported at the right seq, also when it straddles a page boundary', async () => {
  const rows = chain(6);
  const head = headOf(rows);
  const problem = async (tampered: AuditEvent[], h = head) => (await verifyChain(h, reader(tampered), 2)).problem;

  assert.deepEqual(
    { ...(await problem(rows.map((r) => (r.seq === 3 ? { ...r, after: { n: 99 } } : r))))!, detail: '' },
    { seq: 3, kind: 'changed', detail: '' },
  );
  assert.equal((await problem(rows.filter((r) => r.seq !== 3)))?.kind, 'missing');
  assert.equal((await problem(rows.filter((r) => r.seq !== 3)))?.seq, 3);
  assert.equal((await problem(rows.slice(0, 5)))?.kind, 'missing', 'tail deleted');
  const dup = { ...rows[1]!, id: 'evt_zzzzzzzzzzzzzzzzzzzzzzzzzz' };
  assert.deepEqual([(await problem([...rows, { ...dup, hash: auditHash(dup.prevHash, dup) }]))?.kind, (await problem([...rows, dup]))?.seq], ['inserted', 2]);
  assert.equal((await problem(rows, { ...head, hash: 'f'.repeat(64) }))?.kind, 'broken-link');
  const badGenesis = { ...rows[0]!, prevHash: '1'.repeat(64) };
  assert.equal((await problem([{ ...badGenesis, hash: auditHash(badGenesis.prevHash, badGenesis) }, ...rows.slice(1)]))?.kind, 'broken-link');
});

test('canonical JSON sorts keys at every level and drops undefined members', () => {
  assert.equal(canonicalJson({ b: 1, a: { d: [3, { f: 1, e: undefined }], c: null } }), '{"a":{"c":null,"d":[3,{"f":1}]},"b":1}');
  assert.equal(canonicalJson(undefined), 'null');
});
