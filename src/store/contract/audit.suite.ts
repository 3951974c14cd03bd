import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { sql } from 'kysely';
import type { AuditEvent } from '../../core/domain.ts';
import type { AuditEventInput, Store } from '../../core/ports/store.ts';
import { databaseOf } from '../raw.ts';
import * as f from './fixtures.ts';

const event = (over: Partial<AuditEventInput> = {}): AuditEventInput => ({
  type: 'app.created',
  entityType: 'app',
  entityId: f.unique('app'),
  actor: 'tok_admin',
  at: Date.UTC(2026, 0, 1),
  before: null,
  after: { name: 'x', contacts: ['a@example.com'], nested: { b: 1, a: [true, null, 'z'] } },
  idpActivity: null,
  ...over,
});

/** Written independently of the store's own code: sha256(prevHash + JSON with keys sorted at every level). */
function expectedHash(e: AuditEvent): string {
  const sorted = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(sorted) : v && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted((v as any)[k])])) : v;
  const content = { seq: e.seq, id: e.id, type: e.type, entityType: e.entityType, entityId: e.entityId, actor: e.actor, at: e.at, before: e.before, after: e.after, idpActivity: e.idpActivity };
  return createHash('sha256').update(e.prevHash + JSON.stringify(sorted(content))).digest('hex');
}

async function appendMany(store: Store, n: number, over: Partial<AuditEventInput> = {}): Promise<AuditEvent[]> {
  return store.transaction(async (tx) => {
    const out: AuditEvent[] = [];
    for (let i = 0; i < n; i++) out.push(await tx.audit.append(event(over)));
    return out;
  });
}

async function expectProblem(store: Store, kind: string, seq: number): Promise<void> {
  const result = await store.audit.verify();
  assert.equal(result.ok, false, 'verify must notice the tampering');
  assert.equal(result.problem?.kind, kind, result.problem?.detail);
  assert.equal(result.problem?.seq, seq);
}

export function auditSuite(store: () => Store): void {
  test('append assigns gap-free seq, evt_ ids and a sha256 chain starting from 64 zeros', async () => {
    const events = await appendMany(store(), 3);
    for (const [i, e] of events.entries()) {
      assert.match(e.id, /^evt_/);
      assert.equal(e.hash, expectedHash(e));
      if (i > 0) {
        assert.equal(e.seq, events[i - 1]!.seq + 1);
        assert.equal(e.prevHash, events[i - 1]!.hash);
      }
    }
    const first = (await store().audit.list({}, { limit: 1 })).items[0]!;
    assert.equal(first.seq, 1);
    assert.equal(first.prevHash, '0'.repeat(64));
    const listed = (await store().audit.list({ entityId: events[1]!.entityId })).items;
    assert.deepEqual(listed, [events[1]]);
    assert.deepEqual((await store().audit.verify()).ok, true);
  });

  test('before/after survive the round trip; undefined becomes null', async () => {
    const [e] = await appendMany(store(), 1, { before: undefined, after: { z: 1, a: { y: [1, 2, { k: 'v' }] } }, idpActivity: 'Add application' });
    const [stored] = (await store().audit.list({ entityId: e!.entityId })).items;
    assert.equal(stored!.before, null);
    assert.deepEqual(stored!.after, { z: 1, a: { y: [1, 2, { k: 'v' }] } });
    assert.equal(stored!.idpActivity, 'Add application');
    assert.equal(stored!.hash, expectedHash(stored!));
  });

  test('list filters by entity, actor, type and time range [from, to) and pages in seq order', async () => {
    const entityId = f.unique('app');
    const actor = f.unique('actor');
    await appendMany(store(), 1, { entityId, actor, type: 'app.created', at: 1000 });
    await appendMany(store(), 1, { entityId, actor, type: 'app.updated', at: 2000 });
    await appendMany(store(), 1, { entityId, type: 'app.deleted', at: 3000 });
    const list = async (filter: object) => (await store().audit.list({ entityId, ...filter })).items.map((e) => e.type);
    assert.deepEqual(await list({}), ['app.created', 'app.updated', 'app.deleted']);
    assert.deepEqual(await list({ actor }), ['app.created', 'app.updated']);
    assert.deepEqual(await list({ type: 'app.updated' }), ['app.updated']);
    assert.deepEqual(await list({ entityType: 'app', from: 2000 }), ['app.updated', 'app.deleted']);
    assert.deepEqual(await list({ from: 1000, to: 3000 }), ['app.created', 'app.updated']);
    assert.deepEqual(await list({ entityType: 'tier' }), []);
    const p1 = await store().audit.list({ entityId }, { limit: 2 });
    const p2 = await store().audit.list({ entityId }, { limit: 2, cursor: p1.nextCursor });
    assert.deepEqual([...p1.items, ...p2.items].map((e) => e.type), ['app.created', 'app.updated', 'app.deleted']);
    assert.equal(p2.nextCursor, null);
  });

  test('list newest first pages backwards through the same events', async () => {
    const entityId = f.unique('app');
    const types = ['app.created', 'app.updated', 'app.registered', 'app.deleted'] as const;
    for (const type of types) await appendMany(store(), 1, { entityId, type });
    const p1 = await store().audit.list({ entityId, newestFirst: true }, { limit: 3 });
    const p2 = await store().audit.list({ entityId, newestFirst: true }, { limit: 3, cursor: p1.nextCursor });
    assert.deepEqual([...p1.items, ...p2.items].map((e) => e.type), [...types].reverse());
    assert.ok(p1.items[0]!.seq > p1.items[1]!.seq);
    assert.equal(p2.nextCursor, null);
  });

  test('concurrent transactions appending never share or skip a seq', async () => {
    await Promise.all(Array.from({ length: 8 }, () => appendMany(store(), 3)));
    const seqs: number[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<Store['audit']['list']>> = await store().audit.list({}, { limit: 500, cursor });
      seqs.push(...page.items.map((e) => e.seq));
      cursor = page.nextCursor;
    } while (cursor);
    assert.deepEqual(seqs, seqs.map((_, i) => i + 1));
    const result = await store().audit.verify();
    assert.deepEqual(result, { ok: true, checked: seqs.length, problem: null });
  });

  test('verify notices a changed field (and is happy again once restored)', async () => {
    const [, target] = await appendMany(store(), 3);
    const db = databaseOf(store());
    await sql`update audit_events set actor = ${'mallory'} where id = ${target!.id}`.execute(db);
    await expectProblem(store(), 'changed', target!.seq);
    await sql`update audit_events set actor = ${target!.actor} where id = ${target!.id}`.execute(db);
    assert.equal((await store().audit.verify()).ok, true);

    await sql`update audit_events set "after" = ${'{"name":"forged"}'} where id = ${target!.id}`.execute(db);
    await expectProblem(store(), 'changed', target!.seq);
    await restore(store(), target!);
  });

  test('verify notices a deleted row: in the middle and at the end of the chain', async () => {
    const [, middle, last] = await appendMany(store(), 3);
    const db = databaseOf(store());
    await sql`delete from audit_events where id = ${middle!.id}`.execute(db);
    await expectProblem(store(), 'missing', middle!.seq);
    await reinsert(store(), middle!);
    assert.equal((await store().audit.verify()).ok, true);

    await sql`delete from audit_events where id = ${last!.id}`.execute(db);
    await expectProblem(store(), 'missing', last!.seq);
    await reinsert(store(), last!);
    assert.equal((await store().audit.verify()).ok, true);
  });

  test('verify notices inserted rows: a duplicate seq, a row past the head, a replaced row', async () => {
    const [first, second] = await appendMany(store(), 2);
    // Duplicate of an existing seq, with a self-consistent hash.
    const dup = forge({ ...first!, id: 'evt_0000000000zzzzzzzzzzzzzzzz', actor: 'mallory' });
    await reinsert(store(), dup);
    await expectProblem(store(), 'inserted', first!.seq);
    await sql`delete from audit_events where id = ${dup.id}`.execute(databaseOf(store()));
    assert.equal((await store().audit.verify()).ok, true);

    // A row appended behind the store's back.
    const tail = forge({ ...second!, seq: second!.seq + 1, id: 'evt_zzzzzzzzzzzzzzzzzzzzzzzzzz', prevHash: second!.hash });
    await reinsert(store(), tail);
    await expectProblem(store(), 'inserted', tail.seq);
    await sql`delete from audit_events where id = ${tail.id}`.execute(databaseOf(store()));

    // A row replaced by a forgery that hashes correctly: the next row no longer links to it.
    await sql`delete from audit_events where id = ${first!.id}`.execute(databaseOf(store()));
    const replaced = forge({ ...first!, actor: 'mallory' });
    await reinsert(store(), replaced);
    await expectProblem(store(), 'inserted', second!.seq);
    await sql`delete from audit_events where id = ${first!.id}`.execute(databaseOf(store()));
    await reinsert(store(), first!);
    assert.equal((await store().audit.verify()).ok, true);
  });

  test('verify notices a chain head that does not match the last event (broken-link)', async () => {
    const [e] = await appendMany(store(), 1);
    const db = databaseOf(store());
    await sql`update meta set text_value = ${'f'.repeat(64)} where name = 'audit_head'`.execute(db);
    await expectProblem(store(), 'broken-link', e!.seq);
    await sql`update meta set text_value = ${e!.hash} where name = 'audit_head'`.execute(db);
    assert.equal((await store().audit.verify()).ok, true);
  });
}

function forge(e: AuditEvent): AuditEvent {
  return { ...e, hash: expectedHash(e) };
}

async function reinsert(store: Store, e: AuditEvent): Promise<void> {
  await databaseOf(store)
    .insertInto('audit_events')
    .values({
      id: e.id, seq: e.seq, type: e.type, entity_type: e.entityType, entity_id: e.entityId, actor: e.actor, at: e.at,
      before: e.before === null ? null : JSON.stringify(e.before), after: e.after === null ? null : JSON.stringify(e.after),
      idp_activity: e.idpActivity, prev_hash: e.prevHash, hash: e.hash,
    })
    .execute();
}

async function restore(store: Store, e: AuditEvent): Promise<void> {
  await sql`delete from audit_events where id = ${e.id}`.execute(databaseOf(store));
  await reinsert(store, e);
  assert.equal((await store.audit.verify()).ok, true);
}
