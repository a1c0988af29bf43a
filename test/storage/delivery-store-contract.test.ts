// The delivery store's contract, run against both adapters: the embedded SQLite file and
// PostgreSQL (a throwaway schema in the machine's database). Then what only a shared database
// can show: claims from separate processes' pools never overlap, and two workers deliver
// everything exactly once between them.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, test } from 'node:test';
import { createOutbox } from '../../src/delivery/outbox.ts';
import { createWorker } from '../../src/delivery/worker.ts';
import type { DeliveryStore } from '../../src/storage/deliveries.ts';
import { openPostgresStorage } from '../../src/storage/postgres/open.ts';
import { FakeTransport, planned, tempStore } from '../delivery/helpers.ts';
import { tempSchema } from '../helpers/postgres.ts';

interface Opened {
  store: DeliveryStore;
  cleanup(): Promise<void>;
}

const adapters: Record<string, () => Promise<Opened>> = {
  sqlite: async () => {
    const t = tempStore();
    assert.ok(existsSync(t.path), 'directories created, file opened');
    return t;
  },
  postgres: async () => {
    const schema = await tempSchema('store');
    const storage = openPostgresStorage({ url: schema.url, schema: schema.schema });
    return {
      store: storage.deliveries,
      async cleanup() {
        await storage.close();
        await schema.drop();
      },
    };
  },
};

for (const [name, open] of Object.entries(adapters)) {
  describe(`delivery store: ${name}`, () => {
    test('enqueue is idempotent: the same ids twice yield one row each', async () => {
      const t = await open();
      try {
        const outbox = createOutbox(t.store);
        const batch = [planned('a'), planned('b'), planned('c', 'rule', 'r1')];
        assert.deepEqual(await outbox.enqueue(batch, 'ev1'), { inserted: 3, duplicates: 0 });
        assert.deepEqual(await outbox.enqueue([...batch, planned('d')], 'ev1'), { inserted: 1, duplicates: 3 });
        assert.deepEqual(await outbox.enqueue([planned('e'), planned('e')], 'ev2'), { inserted: 1, duplicates: 1 });
        assert.equal(await outbox.queueDepth(), 5);
        const a = await outbox.getDelivery('a');
        assert.equal(a?.status, 'pending');
        assert.equal(a?.lane, 'klaviyo:main');
        assert.equal(a?.eventId, 'ev1');
        assert.equal(a?.to, 'a@example.com');
        assert.equal(typeof a?.createdAt, 'number', 'times come back as numbers');
        assert.deepEqual(a?.request.body, { id: 'a' });
        assert.equal((await outbox.getDelivery('c'))?.lane, 'rule:r1');
        assert.deepEqual(await t.store.lanes(), [
          { lane: 'klaviyo:main', esp: 'klaviyo', plugin: 'main' },
          { lane: 'rule:r1', esp: 'rule', plugin: 'r1' },
        ]);
        assert.deepEqual(await outbox.countsByStateAndEsp(), [
          { status: 'pending', esp: 'klaviyo', count: 4 },
          { status: 'pending', esp: 'rule', count: 1 },
        ]);
        assert.equal((await outbox.listDeliveries({ esp: 'rule' })).length, 1);
        assert.equal((await outbox.listDeliveries({ status: 'pending', limit: 2 })).length, 2);
        assert.ok((await outbox.oldestPendingAgeMs()) >= 0);
      } finally {
        await t.cleanup();
      }
    });

    test('the trail: rows carry their order and object; search by order, email (any case) and time, with a total', async () => {
      const t = await open();
      try {
        const outbox = createOutbox(t.store);
        await outbox.enqueue([planned('o1'), planned('o2', 'rule', 'r1', { to: 'Rep@Shop.example' })], 'ev-order', { orderNumber: '10002', object: 'order-10002' });
        await outbox.enqueue([planned('s1')], 'ev-ship', { orderNumber: '10002', object: 'shipment-7' });
        await outbox.enqueue([planned('c1', 'klaviyo', 'main', { to: 'rep@shop.example' })], 'ev-cust', { orderNumber: null, object: 'customer-5' });
        await outbox.enqueue([planned('old')], 'ev-old');
        const s1 = await outbox.getDelivery('s1');
        assert.equal(s1?.orderNumber, '10002');
        assert.equal(s1?.object, 'shipment-7');
        assert.equal((await outbox.getDelivery('old'))?.orderNumber, null, 'no subject: null, not undefined');
        const byOrder = await outbox.listDeliveries({ order: '10002' });
        assert.deepEqual(byOrder.map((d) => d.id).sort(), ['o1', 'o2', 's1']);
        assert.equal(await t.store.countDeliveries({ order: '10002', limit: 1 }), 3, 'the total ignores the page');
        assert.equal((await outbox.listDeliveries({ order: '10002', limit: 1, offset: 2 })).length, 1);
        assert.deepEqual((await outbox.listDeliveries({ email: 'REP@shop.example' })).map((d) => d.id).sort(), ['c1', 'o2']);
        assert.deepEqual((await outbox.listDeliveries({ email: 'rep@shop.example', esp: 'rule' })).map((d) => d.id), ['o2']);
        const created = s1!.createdAt;
        assert.equal(await t.store.countDeliveries({ since: created + 10_000 }), 0);
        assert.equal(await t.store.countDeliveries({ until: created - 10_000 }), 0);
        assert.equal(await t.store.countDeliveries({ since: created - 10_000, until: created + 10_000 }), 5);
        assert.equal(await t.store.countDeliveries({ order: '99999' }), 0);
      } finally {
        await t.cleanup();
      }
    });

    test('claim leases a bounded batch; a lapsed lease makes the row claimable by another worker; a late loser overwrites nothing', async () => {
      const t = await open();
      try {
        const outbox = createOutbox(t.store);
        await outbox.enqueue([planned('a'), planned('b'), planned('c'), planned('x', 'voyado', 'v')], 'ev');
        const now = Date.now() + 10;
        const first = await t.store.claimDue({ lane: 'klaviyo:main', owner: 'w1', now, leaseMs: 1000, limit: 2 });
        assert.equal(first.length, 2);
        assert.ok(first.every((r) => r.status === 'in_flight' && r.leaseOwner === 'w1' && r.attempts === 1));
        const second = await t.store.claimDue({ lane: 'klaviyo:main', owner: 'w2', now: now + 500, leaseMs: 1000, limit: 10 });
        assert.deepEqual(second.map((r) => r.id), ['c'], 'only the unleased row; other lanes untouched');
        assert.equal((await t.store.claimDue({ lane: 'klaviyo:main', owner: 'w2', now: now + 999, leaseMs: 1000, limit: 10 })).length, 0);
        assert.equal(await t.store.nextDueAt('klaviyo:main'), now + 1000, 'due again when the first lease ends');
        const reclaimed = await t.store.claimDue({ lane: 'klaviyo:main', owner: 'w2', now: now + 1000, leaseMs: 1000, limit: 10 });
        assert.deepEqual(reclaimed.map((r) => r.id).sort(), ['a', 'b']);
        assert.ok(reclaimed.every((r) => r.leaseOwner === 'w2' && r.attempts === 2));
        const attempt = { deliveryId: 'a', attempt: 1, workerId: 'w1', startedAt: now, finishedAt: now + 1001, outcome: 'transient' as const, status: 500, error: 'x', durationMs: 1001 };
        const late = await t.store.finishAttempt({ id: 'a', owner: 'w1', now: now + 1001, lastStatus: 500, next: { status: 'retry_scheduled', nextAttemptAt: now + 5000, reason: 'x' }, attempt });
        assert.equal(late, false);
        assert.equal((await t.store.getDelivery('a'))?.leaseOwner, 'w2');
        assert.equal((await t.store.listAttempts('a'))[0]?.outcome, 'lease_lost');
        // Delivered is the truth: it is written even by a worker that lost the lease.
        assert.equal(await t.store.finishAttempt({ id: 'b', owner: 'w1', now: now + 1002, lastStatus: 202, next: { status: 'delivered', at: now + 1002 }, attempt: { ...attempt, deliveryId: 'b', outcome: 'delivered', status: 202, error: null } }), true);
        assert.equal((await t.store.getDelivery('b'))?.status, 'delivered');
      } finally {
        await t.cleanup();
      }
    });

    test('extendLease: only the holder lengthens a lease, also after it lapsed unclaimed; never once another worker took the row', async () => {
      const t = await open();
      try {
        await createOutbox(t.store).enqueue([planned('e')], 'ev');
        const now = Date.now() + 10;
        await t.store.claimDue({ lane: 'klaviyo:main', owner: 'w1', now, leaseMs: 1_000, limit: 1 });
        assert.equal(await t.store.extendLease('e', 'w2', now + 5_000, now), false, 'not the holder');
        assert.equal(await t.store.extendLease('e', 'w1', now + 5_000, now + 2_000), true, 'lapsed but nobody claimed it');
        const e = await t.store.getDelivery('e');
        assert.deepEqual([e?.leaseUntil, e?.nextAttemptAt], [now + 5_000, now + 5_000], 'an in-flight row is due when its lease ends');
        assert.equal((await t.store.claimDue({ lane: 'klaviyo:main', owner: 'w2', now: now + 4_000, leaseMs: 1_000, limit: 1 })).length, 0, 'still leased');
        assert.equal((await t.store.claimDue({ lane: 'klaviyo:main', owner: 'w2', now: now + 5_001, leaseMs: 1_000, limit: 1 })).length, 1);
        assert.equal(await t.store.extendLease('e', 'w1', now + 9_000, now + 5_002), false, 'w2 holds it now');
      } finally {
        await t.cleanup();
      }
    });

    test('resumeRetries brings the backed-off rows of an outage of one lane forward, earliest first, bounded by limit', async () => {
      const t = await open();
      try {
        const outbox = createOutbox(t.store);
        await outbox.enqueue([planned('before'), planned('early'), planned('late'), planned('done'), planned('other', 'rule', 'r')], 'ev');
        const now = Date.now() + 10;
        await t.store.claimDue({ lane: 'klaviyo:main', owner: 'w', now, leaseMs: 60_000, limit: 10 });
        await t.store.claimDue({ lane: 'rule:r', owner: 'w', now, leaseMs: 60_000, limit: 10 });
        const finish = (id: string, at: number, next: Parameters<DeliveryStore['finishAttempt']>[0]['next']) =>
          t.store.finishAttempt({ id, owner: 'w', now: at, lastStatus: null, next, attempt: { deliveryId: id, attempt: 1, workerId: 'w', startedAt: at, finishedAt: at, outcome: 'transient', status: null, error: 'ECONNREFUSED', durationMs: 0 } });
        await finish('before', now, { status: 'retry_scheduled', nextAttemptAt: now + 900_000, reason: 'x' });
        await finish('early', now + 100, { status: 'retry_scheduled', nextAttemptAt: now + 60_000, reason: 'x' });
        await finish('late', now + 100, { status: 'retry_scheduled', nextAttemptAt: now + 600_000, reason: 'x' });
        await finish('done', now + 100, { status: 'delivered', at: now + 100 });
        await finish('other', now + 100, { status: 'retry_scheduled', nextAttemptAt: now + 60_000, reason: 'x' });
        const back = now + 1000;
        assert.equal(await t.store.resumeRetries({ lane: 'klaviyo:main', since: now + 50, now: back, limit: 1 }), 1);
        assert.equal((await t.store.getDelivery('early'))?.nextAttemptAt, back, 'the earliest first');
        assert.equal((await t.store.getDelivery('late'))?.nextAttemptAt, now + 600_000);
        assert.equal(await t.store.resumeRetries({ lane: 'klaviyo:main', since: now + 50, now: back }), 1, 'the rest; a row already due is not counted');
        assert.equal((await t.store.getDelivery('late'))?.nextAttemptAt, back);
        assert.equal((await t.store.getDelivery('before'))?.nextAttemptAt, now + 900_000, 'backed off before the outage: left alone');
        assert.equal((await t.store.getDelivery('other'))?.nextAttemptAt, now + 60_000, 'another lane: left alone');
        assert.equal((await t.store.getDelivery('done'))?.status, 'delivered');
        assert.deepEqual((await t.store.claimDue({ lane: 'klaviyo:main', owner: 'w', now: back, leaseMs: 1000, limit: 10 })).map((r) => r.id).sort(), ['early', 'late']);
      } finally {
        await t.cleanup();
      }
    });

    test('release hands a claim back unattempted; dead rows replay one by one or all at once', async () => {
      const t = await open();
      try {
        const outbox = createOutbox(t.store);
        await outbox.enqueue([planned('r'), planned('d1'), planned('d2')], 'ev');
        const now = Date.now() + 10;
        const claimed = await t.store.claimDue({ lane: 'klaviyo:main', owner: 'w', now, leaseMs: 60_000, limit: 3 });
        assert.equal(claimed.length, 3);
        assert.equal(await t.store.releaseClaim('r', 'someone-else', now + 100, now), false, 'only the lease holder releases');
        assert.equal(await t.store.releaseClaim('r', 'w', now + 100, now), true);
        const r = await t.store.getDelivery('r');
        assert.deepEqual([r?.status, r?.attempts, r?.nextAttemptAt, r?.leaseOwner], ['pending', 0, now + 100, null]);
        for (const id of ['d1', 'd2']) {
          const attempt = { deliveryId: id, attempt: 1, workerId: 'w', startedAt: now, finishedAt: now + 1, outcome: 'permanent' as const, status: 400, error: 'bad', durationMs: 1 };
          assert.equal(await t.store.finishAttempt({ id, owner: 'w', now: now + 1, lastStatus: 400, next: { status: 'dead', reason: 'bad request' }, attempt }), true);
        }
        assert.equal((await t.store.getDelivery('d1'))?.lastError, 'bad request');
        assert.equal(await t.store.queueDepth(), 1);
        assert.equal(await t.store.replay('d1', now + 2), true);
        assert.equal((await t.store.getDelivery('d1'))?.status, 'pending');
        assert.equal(await t.store.replayAllDead(now + 3), 1);
        assert.equal(await t.store.queueDepth(), 3);
        assert.equal((await t.store.listAttempts('d2')).length, 1, 'history kept across a replay');
      } finally {
        await t.cleanup();
      }
    });

    test('a delivered row replays only when asked to; dead letters by filter only at the confirmed count', async () => {
      const t = await open();
      try {
        const outbox = createOutbox(t.store);
        await outbox.enqueue([planned('a'), planned('b')], 'ev1', { orderNumber: '1', object: 'order-1' });
        await outbox.enqueue([planned('c'), planned('e')], 'ev2', { orderNumber: '2', object: 'order-2' });
        const now = Date.now() + 10;
        assert.equal((await t.store.claimDue({ lane: 'klaviyo:main', owner: 'w', now, leaseMs: 60_000, limit: 4 })).length, 4);
        for (const id of ['a', 'b', 'c', 'e']) {
          const attempt = { deliveryId: id, attempt: 1, workerId: 'w', startedAt: now, finishedAt: now + 1, outcome: 'permanent' as const, status: 400, error: 'bad', durationMs: 1 };
          const next = id === 'e' ? { status: 'delivered' as const, at: now + 1 } : { status: 'dead' as const, reason: 'bad request' };
          assert.equal(await t.store.finishAttempt({ id, owner: 'w', now: now + 1, lastStatus: 400, next, attempt }), true);
        }
        assert.equal(await t.store.replay('e', now + 2), false, 'delivered: not replayed without evenDelivered');
        assert.equal((await t.store.getDelivery('e'))?.status, 'delivered');
        assert.deepEqual(await t.store.replayDeadMatching({ order: '1' }, now + 2, 1), { matched: 2, replayed: 0 }, 'a count other than the confirmed one changes nothing');
        assert.equal((await t.store.getDelivery('a'))?.status, 'dead');
        assert.deepEqual(await t.store.replayDeadMatching({ order: '1', status: 'delivered', limit: 1 }, now + 3, 2), { matched: 2, replayed: 2 }, 'status and paging are ignored');
        assert.deepEqual([(await t.store.getDelivery('a'))?.status, (await t.store.getDelivery('b'))?.status, (await t.store.getDelivery('c'))?.status], ['pending', 'pending', 'dead']);
        assert.deepEqual(await t.store.replayDeadMatching({ order: '2' }, now + 4, 1), { matched: 1, replayed: 1 }, 'the delivered row of the order is not touched');
        assert.equal((await t.store.getDelivery('e'))?.status, 'delivered');
        assert.equal(await t.store.replay('e', now + 5, { evenDelivered: true }), true);
        assert.deepEqual([(await t.store.getDelivery('e'))?.status, (await t.store.getDelivery('e'))?.deliveredAt], ['pending', null]);
      } finally {
        await t.cleanup();
      }
    });
  });
}

describe('delivery store: PostgreSQL shared by several processes', () => {
  test('claims from two pools at the same moment never hand out the same row', async () => {
    const schema = await tempSchema('claims');
    // Two handles (two pools), as two bridge processes would have.
    const [pa, pb] = ['a', 'b'].map((n) => openPostgresStorage({ url: `${schema.url}?application_name=${n}`, schema: schema.schema }));
    const [a, b] = [pa.deliveries, pb.deliveries];
    try {
      await createOutbox(a).enqueue(Array.from({ length: 200 }, (_, i) => planned(`p${i}`)), 'ev');
      const now = Date.now() + 10;
      const claimed: string[] = [];
      await Promise.all(
        [a, b, a, b, a, b].map(async (store, i) => {
          for (;;) {
            const rows = await store.claimDue({ lane: 'klaviyo:main', owner: `w${i}`, now, leaseMs: 60_000, limit: 7 });
            if (!rows.length) return;
            claimed.push(...rows.map((r) => r.id));
          }
        }),
      );
      assert.equal(claimed.length, 200, 'every row claimed once');
      assert.equal(new Set(claimed).size, 200, 'no row claimed twice');
    } finally {
      await pa.close();
      await pb.close();
      await schema.drop();
    }
  });

  test('two workers on one database deliver 300 deliveries exactly once between them', async () => {
    const schema = await tempSchema('workers');
    const storages = ['w1', 'w2'].map((n) => openPostgresStorage({ url: `${schema.url}?application_name=${n}`, schema: schema.schema }));
    const stores = storages.map((s) => s.deliveries);
    // One transport records the sends of both workers: a second send of an id would show.
    const transport = new FakeTransport('klaviyo', async () => {
      await new Promise((r) => setTimeout(r, 2));
      return { kind: 'delivered', status: 202 };
    });
    const workers = stores.map((store, i) => createWorker({ store, transports: [transport], policy: { baseMs: 20, capMs: 50 }, pollMs: 20, workerId: `worker-${i + 1}`, batchSize: 8 }));
    try {
      await createOutbox(stores[0]).enqueue(Array.from({ length: 300 }, (_, i) => planned(`m${i}`)), 'ev');
      for (const w of workers) w.start();
      const outbox = createOutbox(stores[1]);
      const end = Date.now() + 20_000;
      while ((await outbox.queueDepth()) > 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
      assert.equal(await outbox.queueDepth(), 0, 'everything settled');
      assert.equal(transport.calls.length, 300, 'one send per delivery');
      assert.equal(new Set(transport.calls.map((c) => c.id)).size, 300);
      const byWorker = await schema.query<{ worker_id: string; n: number }>('SELECT worker_id, COUNT(*)::int AS n FROM delivery_attempts GROUP BY worker_id ORDER BY worker_id');
      assert.equal(byWorker.reduce((s, r) => s + r.n, 0), 300);
      assert.equal(byWorker.length, 2, `both workers took a share: ${JSON.stringify(byWorker)}`);
    } finally {
      for (const w of workers) await w.stop();
      for (const s of storages) await s.close();
      await schema.drop();
    }
  });
});
