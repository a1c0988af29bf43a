// The ingest's stored calls: a webhook call is kept as its payload text and expanded into inbox
// rows later, with dedupe; calls left by older versions or unreadable ones lose nothing.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { createIngest } from '../../src/ingest/ingest.ts';
import { openSqliteStorage } from '../../src/storage/sqlite/open.ts';
import { callOf, DATE } from '../helpers/inbox.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'ingest-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const openStore = () => openSqliteStorage({ path: path.join(dir, `inbox-${++n}.sqlite`) });

test('a stored call is expanded into inbox rows; an event already seen is not stored twice; unknown types are skipped', async () => {
  const store = openStore();
  const inbox = store.inbox;
  const ingest = createIngest(inbox);
  await ingest.storeCall(callOf([
    { type: 'order', action: 'update', id: 1001, date: DATE },
    { type: 'shipment', action: 'insert', id: 7, date: DATE },
    { type: 'product', action: 'update', id: 3, date: DATE },
  ]));
  assert.equal(await inbox.pendingCount(), 2, 'counted as pending before expansion');
  await ingest.storeCall(callOf([{ type: 'order', action: 'update', id: 1001, date: DATE }], 2_000));
  await ingest.flush();
  const rows = await inbox.list({ limit: 10 });
  assert.deepEqual(rows.map((r) => r.key).sort(), [`order:1001:update:${DATE}`, `shipment:7:insert:${DATE}`]);
  const order = rows.find((r) => r.type === 'order')!;
  assert.equal(order.receivedAt, 1_000, 'the first arrival is kept');
  assert.equal(order.status, 'pending');
  assert.equal(order.objectId, '1001');
  assert.deepEqual(await inbox.counts(), { pending: 2, retry: 0, processed: 0, failed: 0 });
  await store.close();
});

test('calls stored before a restart are expanded when the ingest starts', async () => {
  const file = path.join(dir, 'restart.sqlite');
  const first = openSqliteStorage({ path: file });
  await first.inbox.appendCalls([callOf([{ type: 'customer', action: 'update', id: 42, date: DATE }])]);
  await first.close();
  const store = openSqliteStorage({ path: file });
  const inbox = store.inbox;
  const ingest = createIngest(inbox);
  await ingest.flush();
  assert.equal((await inbox.get(`customer:42:update:${DATE}`))?.status, 'pending');
  await store.close();
});

test('a call stored in the older compact form is still expanded', async () => {
  const store = openStore();
  const inbox = store.inbox;
  store.db
    .prepare('INSERT INTO inbox_batches (source, received_at, events, count) VALUES (?, ?, ?, ?)')
    .run('webhook', 5_000, JSON.stringify([['order', 'update', '77', DATE], ['account', 'insert', '5', DATE]]), 2);
  const ingest = createIngest(inbox);
  await ingest.flush();
  assert.equal((await inbox.get(`order:77:update:${DATE}`))?.receivedAt, 5_000);
  assert.equal((await inbox.get(`account:5:insert:${DATE}`))?.status, 'pending');
  await store.close();
});

test('an unreadable stored call becomes one failed inbox row with its payload kept, and does not hold back the calls after it', async () => {
  const store = openStore();
  const inbox = store.inbox;
  const insert = store.db.prepare('INSERT INTO inbox_batches (source, received_at, events, count) VALUES (?, ?, ?, ?)');
  const bad = insert.run('webhook', 1_000, '{"events":[{"type":"order"', 1);
  await inbox.appendCalls([callOf([{ type: 'order', action: 'update', id: 9, date: DATE }], 2_000)]);
  const ingest = createIngest(inbox);
  await ingest.flush();
  const failed = await inbox.list({ status: 'failed' });
  assert.equal(failed.length, 1);
  assert.equal(failed[0].key, `call:${bad.lastInsertRowid}`);
  assert.match(failed[0].lastError ?? '', /stored call could not be read: payload is not JSON/);
  assert.deepEqual(failed[0].event, { payload: '{"events":[{"type":"order"' });
  assert.equal((await inbox.get(`order:9:update:${DATE}`))?.status, 'pending');
  assert.equal(await inbox.pendingCount(), 1, 'nothing is left in stored calls');
  await store.close();
});

test('storage.synchronous: full reaches the connection to the file; an unknown level is a readable config error', async () => {
  const { parseConfig } = await import('../../src/config/load.ts');
  const { startService } = await import('../../src/server/service.ts');
  const base = {
    stores: [{ id: 1, name: 'Showroom', kind: 'wholesale', plugins: [] }],
    smtp: { host: '127.0.0.1', port: 9 },
    server: { host: '127.0.0.1', port: 0, webhookSecrets: ['s'], adminToken: 'a' },
    centra: { url: 'http://127.0.0.1:9/graphql', token: 't' },
  };
  const file = path.join(dir, 'full.sqlite');
  const service = await startService(parseConfig({ ...base, storage: { sqlitePath: file, synchronous: 'full' } }), { processor: false, worker: false, probeCentra: false, logLevel: 'silent' });
  try {
    const level = (db: { pragma(s: string, o: { simple: true }): unknown }) => db.pragma('synchronous', { simple: true });
    assert.equal(level((service.storage as unknown as { db: never }).db), 2, 'FULL');
    assert.equal(service.bridge.storage, service.storage, 'the outbox and the inbox share the one store');
  } finally {
    await service.close();
  }
  assert.throws(() => parseConfig({ ...base, storage: { sqlitePath: file, synchronous: 'fsync' } }), /storage\.synchronous/);
});
