// The inbox in PostgreSQL: the embedded inbox's semantics (dedupe, stored calls, counts), and
// what sharing the tables between processes adds: due() and expandCalls() hand each row or call
// to one process only. "Two processes" are two pools on the same schema.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { InboxStore, NewInboxEvent } from '../../src/storage/inbox.ts';
import { createIngest, rowsOfCall } from '../../src/ingest/ingest.ts';
import { openPostgresStorage, type PostgresStorage } from '../../src/storage/postgres/open.ts';
import type { PostgresInbox } from '../../src/storage/postgres/inbox.ts';
import { tempSchema, type TempSchema } from '../helpers/postgres.ts';
import { callOf, DATE } from '../helpers/inbox.ts';


/**
 * Runs `fn` on a throwaway schema with `processes` inboxes on it. connectPostgres shares one pool
 * per (url, schema), so each store gets a url differing only by application_name: its own pool.
 * Most tests run on a fake clock (`now` handed to due()), so leases are renewed only when a test
 * says so (`renewEveryMs` 0); the renewal tests use the real clock.
 */
async function withInboxes(processes: number, leaseMs: number | undefined, fn: (db: TempSchema, ...inboxes: PostgresInbox[]) => Promise<void>, renewEveryMs = 0): Promise<void> {
  const db = await tempSchema('inbox');
  const stores: PostgresStorage[] = [];
  try {
    for (let i = 0; i < processes; i++) {
      const url = new URL(db.url);
      url.searchParams.set('application_name', `inbox-test-${i}`);
      const storage = openPostgresStorage({ url: url.toString(), schema: db.schema }, { leaseMs, renewEveryMs });
      stores.push(storage);
      await storage.handle.ready; // the tables exist before a test writes to them directly
    }
    await fn(db, ...stores.map((s) => s.inbox));
  } finally {
    for (const storage of stores) await storage.close();
    await db.drop();
  }
}

function row(key: string, receivedAt: number, extra: Partial<NewInboxEvent> = {}): NewInboxEvent {
  return { key, source: 'direct', type: 'order', action: 'update', objectId: key, date: DATE, receivedAt, ...extra };
}

const storedCalls = async (db: TempSchema) => (await db.query<{ n: number }>('SELECT COUNT(*)::int AS n FROM inbox_batches'))[0].n;

test('insertMany: a stored key is not new, and a key twice in one batch is new only the first time', async () => {
  await withInboxes(1, undefined, async (_db, inbox) => {
    assert.deepEqual(await inbox.insertMany([row('a', 1_000, { event: { total: 5 } }), row('b', 1_000)]), [true, true]);
    assert.deepEqual(await inbox.insertMany([row('a', 2_000), row('c', 3_000), row('c', 4_000), row('b', 2_000)]), [false, true, false, false]);
    assert.equal((await inbox.get('a'))?.receivedAt, 1_000, 'a stored row is left untouched');
    assert.equal((await inbox.get('c'))?.receivedAt, 3_000, 'within a batch the first occurrence wins');
    assert.deepEqual((await inbox.get('a'))?.event, { total: 5 }, 'the event JSON is parsed back');
    assert.deepEqual(await inbox.insertMany([]), []);
    assert.deepEqual(await inbox.counts(), { pending: 3, retry: 0, processed: 0, failed: 0 });
  });
});

test('stored calls are counted as pending, then expanded by the ingest: dedupe across calls, unknown types skipped', async () => {
  await withInboxes(1, undefined, async (db, inbox) => {
    // Stored before any ingest runs: nothing expanded yet, but already pending.
    await inbox.appendCalls([
      callOf([
        { type: 'order', action: 'update', id: 1001, date: DATE },
        { type: 'shipment', action: 'insert', id: 7, date: DATE },
        { type: 'product', action: 'update', id: 3, date: DATE },
      ]),
    ]);
    assert.equal(await storedCalls(db), 1);
    assert.deepEqual(await inbox.list({}), []);
    assert.equal(await inbox.pendingCount(), 2, 'the stored call counts its two known events');
    assert.deepEqual(await inbox.counts(), { pending: 2, retry: 0, processed: 0, failed: 0 });

    const ingest = createIngest(inbox);
    await ingest.storeCall(callOf([{ type: 'order', action: 'update', id: 1001, date: DATE }], 2_000));
    await ingest.flush();

    const rows = await inbox.list({ limit: 10 });
    assert.deepEqual(rows.map((r) => r.key).sort(), [`order:1001:update:${DATE}`, `shipment:7:insert:${DATE}`]);
    const order = rows.find((r) => r.type === 'order')!;
    assert.equal(order.receivedAt, 1_000, 'the first arrival is kept');
    assert.equal(order.status, 'pending');
    assert.equal(order.objectId, '1001');
    assert.equal(await storedCalls(db), 0, 'expanded calls are deleted');
    assert.equal(await inbox.pendingCount(), 2);
    assert.deepEqual(await inbox.counts(), { pending: 2, retry: 0, processed: 0, failed: 0 });
  });
});

test('an unreadable stored call becomes one failed call:<id> row with its payload kept, and the call after it is still expanded', async () => {
  await withInboxes(1, undefined, async (db, inbox) => {
    const payload = '{"events":[{"type":"order"';
    const [bad] = await db.query<{ id: number }>(`INSERT INTO inbox_batches (source, received_at, events, count) VALUES ('webhook', 1000, $1, 1) RETURNING id::int`, [payload]);
    await inbox.appendCalls([callOf([{ type: 'order', action: 'update', id: 9, date: DATE }], 2_000)]);
    await createIngest(inbox).flush();

    const failed = await inbox.list({ status: 'failed' });
    assert.equal(failed.length, 1);
    assert.equal(failed[0].key, `call:${bad.id}`);
    assert.equal(failed[0].type, 'call');
    assert.equal(failed[0].action, 'expand');
    assert.equal(failed[0].objectId, String(bad.id));
    assert.equal(failed[0].date, '');
    assert.equal(failed[0].receivedAt, 1_000);
    assert.match(failed[0].lastError ?? '', /^stored call could not be read: payload is not JSON/);
    assert.deepEqual(failed[0].event, { payload });
    assert.equal((await inbox.get(`order:9:update:${DATE}`))?.status, 'pending');
    assert.equal(await storedCalls(db), 0, 'the unreadable call is deleted too');
    assert.equal(await inbox.pendingCount(), 1);
  });
});

test('markProcessed, markFailed and markRetry record the outcome; due() skips excluded keys; nextDueAt', async () => {
  await withInboxes(1, 1_000, async (_db, inbox) => {
    await inbox.insertMany([row('p', 100), row('f', 200), row('r', 300), row('x', 400), row('later', 500, { nextAttemptAt: 9_000 })]);
    assert.equal(await inbox.nextDueAt(), 100);
    const due = await inbox.due(1_000, 10, new Set(['x']));
    assert.deepEqual(due.map((r) => r.key), ['p', 'f', 'r'], 'oldest due first, x excluded, later not due yet');

    await inbox.markProcessed('p', 1_100, { deliveries: 2 });
    await inbox.markFailed('f', 1_100, 'bad\u0000 event');
    await inbox.markRetry('r', 1_100, 5_000, 'Centra unavailable');
    const [p, f, r] = await Promise.all(['p', 'f', 'r'].map((k) => inbox.get(k)));
    assert.deepEqual([p?.status, p?.attempts, p?.processedAt, p?.result], ['processed', 1, 1_100, { deliveries: 2 }]);
    assert.deepEqual([f?.status, f?.attempts, f?.lastError], ['failed', 1, 'bad event'], 'a NUL, which PostgreSQL text rejects, is dropped');
    assert.deepEqual([r?.status, r?.nextAttemptAt, r?.lastError], ['retry', 5_000, 'Centra unavailable']);

    assert.deepEqual(await inbox.counts(), { pending: 2, retry: 1, processed: 1, failed: 1 });
    assert.equal(await inbox.pendingCount(), 3);
    assert.equal(await inbox.nextDueAt(), 400, 'x, never claimed');
    // After the lease (1,000 ms from 1,000): the retry row at its own time, the recorded ones never.
    assert.deepEqual((await inbox.due(5_000, 10)).map((e) => e.key), ['x', 'r']);
  });
});

test('due() from two processes at once never hands out the same key; a claimed row is due again after its lease', async () => {
  await withInboxes(2, 500, async (_db, a, b) => {
    const keys = Array.from({ length: 200 }, (_, i) => `k${String(i).padStart(3, '0')}`);
    await a.insertMany(keys.map((k, i) => row(k, i, { nextAttemptAt: 1_000 + i })));
    const now = 10_000;

    // Several claim loops per process, in parallel, with small batches: many chances to collide.
    const claimed: string[] = [];
    const drain = async (inbox: InboxStore) => {
      for (let rows = await inbox.due(now, 5); rows.length; rows = await inbox.due(now, 5)) {
        for (const r of rows) {
          assert.equal(r.nextAttemptAt, now + 500, 'returned with the end of the claim');
          claimed.push(r.key);
        }
      }
    };
    await Promise.all([a, b, a, b, a, b, a, b].map(drain));
    assert.equal(claimed.length, keys.length, 'no key handed out twice');
    assert.deepEqual([...claimed].sort(), keys, 'and every key handed out');

    assert.deepEqual(await b.due(now + 499, 10), [], 'still claimed just before the lease ends');
    assert.equal(await a.nextDueAt(), now + 500);
    const again = await b.due(now + 500, 300);
    assert.deepEqual(again.map((r) => r.key).sort(), keys, 'all due again once the lease ended (the claimer died)');
  });
});

test('two processes expanding stored calls at once lose nothing and expand no call twice', async () => {
  await withInboxes(2, undefined, async (db, a, b) => {
    // 50 calls of 10 distinct events, each stored twice in a row, the second copy reversed: the
    // expanders take the two copies at the same time and race on the same keys in opposite orders
    // (which deadlocks unless every insert takes its keys in one order).
    const calls = Array.from({ length: 50 }, (_, c) =>
      Array.from({ length: 10 }, (_, i) => ({ type: 'order', action: 'update', id: c * 10 + i, date: DATE })),
    );
    await a.appendCalls(calls.flatMap((events) => [callOf(events), callOf([...events].reverse(), 2_000)]));
    assert.equal(await a.pendingCount(), 1_000);

    const expanded = new Map<InboxStore, { calls: number; inserted: number }>([
      [a, { calls: 0, inserted: 0 }],
      [b, { calls: 0, inserted: 0 }],
    ]);
    const expandAll = async (inbox: InboxStore) => {
      const total = expanded.get(inbox)!;
      // A budget of 10 events: one call per transaction, so the processes interleave.
      for (let r = await inbox.expandCalls(10, rowsOfCall); r.calls; r = await inbox.expandCalls(10, rowsOfCall)) {
        total.calls += r.calls;
        total.inserted += r.inserted;
      }
    };
    await Promise.all([a, b, a, b, a, b].map(expandAll));

    const [ta, tb] = [expanded.get(a)!, expanded.get(b)!];
    assert.ok(ta.calls > 0 && tb.calls > 0, `both processes expanded calls (${ta.calls} and ${tb.calls}): the race did happen`);
    assert.equal(ta.calls + tb.calls, 100, 'each call expanded exactly once');
    assert.equal(ta.inserted + tb.inserted, 500, 'each event inserted exactly once');
    assert.equal((await db.query<{ n: number }>('SELECT COUNT(*)::int AS n FROM inbox_events'))[0].n, 500);
    assert.equal(await storedCalls(db), 0);
    assert.deepEqual(await b.counts(), { pending: 500, retry: 0, processed: 0, failed: 0 });
  });
});

test('a claimed row stays claimed while it is worked on (renewed), and is due again one lease after its process stops renewing', async () => {
  const leaseMs = 600;
  await withInboxes(2, leaseMs, async (_db, a, b) => {
    await a.insertMany([row('slow', 1), row('done', 2)]);
    const claimed = await a.due(Date.now(), 10);
    assert.deepEqual(claimed.map((r) => r.key).sort(), ['done', 'slow']);
    await a.markProcessed('done', Date.now(), {});
    assert.deepEqual(a.leases.held(), ['slow'], 'a recorded outcome ends the renewals');
    // Three leases long: without renewal the other process would have taken it twice over.
    const until = Date.now() + 3 * leaseMs;
    while (Date.now() < until) {
      assert.deepEqual(await b.due(Date.now(), 10), [], 'the other process never gets the row being worked on');
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.ok((await a.get('slow'))!.nextAttemptAt > Date.now(), 'its lease lies ahead');
    assert.equal((await a.get('done'))!.status, 'processed');

    a.close(); // the process dies: nothing renews its lease any more
    const diedAt = Date.now();
    let taken: string[] = [];
    while (taken.length === 0 && Date.now() < diedAt + 3 * leaseMs) {
      taken = (await b.due(Date.now(), 10)).map((r) => r.key);
      if (!taken.length) await new Promise((r) => setTimeout(r, 20));
    }
    assert.deepEqual(taken, ['slow'], 'due again for the other process');
    // At most one lease (it may have just been renewed) plus the polling above, on a busy machine.
    assert.ok(Date.now() - diedAt <= leaseMs + 400, `within one lease of the death: ${Date.now() - diedAt} ms`);
  }, 200);
});

test('a renewal moves only a lease its process still holds: not one another process took after a lapse', async () => {
  await withInboxes(2, 1_000, async (_db, a, b) => {
    await a.insertMany([row('k', 1)]);
    await a.due(10_000, 10); // a's lease ends at 11,000 (a fake clock: a stalled and did not renew)
    const [taken] = await b.due(11_000, 10);
    assert.equal(taken!.nextAttemptAt, 12_000, 'b took it once the lease lapsed');
    await a.leases.renew();
    assert.equal((await a.get('k'))!.nextAttemptAt, 12_000, "b's lease is untouched");
    assert.deepEqual(a.leases.held(), [], 'and a knows it lost the row');
    await b.leases.renew();
    assert.ok((await a.get('k'))!.nextAttemptAt > Date.now(), "b's own renewal moves it");
  });
});
