import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { run } from '../../cli/program.ts';
import type { Io } from '../../cli/context.ts';
import { startManagementServer } from '../index.ts';
import { createFixture, type Fixture } from '../test-fixture.ts';

/**
 * `POST /v1/apps/{appId}/credentials/{credentialId}/extend-grace` and `gatehouse credential extend-grace`: staff keep a
 * retiring secret working longer (bounded), audited as credential.retiring; the owner's consumer token may not.
 */
const DAY = 86_400_000;
let f: Fixture;
let server: { url: string; close(): Promise<void> };

before(async () => {
  f = await createFixture();
  server = await startManagementServer({ app: f.app, port: 0 });
});
after(async () => {
  await server?.close();
  await f?.close();
});

async function cli(args: string[]) {
  let stdout = '';
  let stderr = '';
  const io: Io = { out: (t) => void (stdout += t), err: (t) => void (stderr += t), env: { GATEHOUSE_URL: server.url, GATEHOUSE_TOKEN: f.tokens.operator }, now: () => f.clock.now() };
  return { code: await run(args, io), stdout: () => stdout, stderr: () => stderr };
}

test('staff extend a retiring secret within bounds; the owner may not; the CLI does the same', async () => {
  const appId = f.world.appA.id;
  const created = await f.call(f.tokens.consumerA, 'POST', `/v1/apps/${appId}/credentials`, {});
  assert.equal(created.status, 201, created.text);
  const rotated = await f.call(f.tokens.consumerA, 'POST', `/v1/apps/${appId}/credentials/rotate`, {});
  assert.equal(rotated.status, 201, rotated.text);
  const old = rotated.json.retiring[0];
  const path = `/v1/apps/${appId}/credentials/${old.id}/extend-grace`;

  const owner = await f.call(f.tokens.consumerA, 'POST', path, { days: 1 });
  assert.equal(owner.status, 403);
  assert.equal((await f.call(f.tokens.operator, 'POST', path, { days: 31 })).status, 400);
  assert.equal((await f.call(f.tokens.operator, 'POST', path, {})).status, 400);
  assert.equal((await f.call(f.tokens.operator, 'POST', `/v1/apps/${f.world.appB.id}/credentials/${old.id}/extend-grace`, { days: 1 })).status, 404);
  const active = await f.call(f.tokens.operator, 'POST', `/v1/apps/${appId}/credentials/${rotated.json.credential.id}/extend-grace`, { days: 1 });
  assert.deepEqual([active.status, active.json.code], [409, 'INVALID_STATE_TRANSITION']);

  const extended = await f.call(f.tokens.operator, 'POST', path, { days: 2 });
  assert.equal(extended.status, 200, extended.text);
  assert.equal(extended.json.retireAt, new Date(Date.parse(old.retireAt) + 2 * DAY).toISOString());
  assert.equal(extended.json.state, 'retiring');

  const r = await cli(['credential', 'extend-grace', old.id, '--app', appId, '--by', '3d']);
  assert.equal(r.code, 0, r.stderr());
  const expected = new Date(Date.parse(old.retireAt) + 5 * DAY).toISOString();
  assert.match(r.stdout(), new RegExp(`credential ${old.id} keeps working until ${expected.replace(/\./g, '\\.')}`));
  assert.equal((await f.store.credentials.get(old.id))!.retireAt, Date.parse(expected));

  const events = (await f.store.audit.list({ entityType: 'credential', entityId: old.id, type: 'credential.retiring' })).items;
  assert.equal(events.length, 3, 'the rotation and two extensions');
  assert.equal((events[2]!.after as { retireAt: number }).retireAt, Date.parse(expected));
  assert.ok(!JSON.stringify(events).includes('secretHash'));
});
