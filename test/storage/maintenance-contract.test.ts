// The whole store's contract on both engines (the embedded SQLite file and PostgreSQL in a throwaway
// schema): the trail's filters and totals as the operator's commands use them (order, email, plugin,
// since), the trace query (events of an order and by key), and housekeeping: the readiness write
// probe, retention, erasing a person, renaming a plugin, and which plugins stored rows still name.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createOutbox, type Outbox } from '../../src/delivery/outbox.ts';
import { traceOf } from '../../src/app/trace.ts';
import { ERASED_ADDRESS, REMOVED_REQUEST } from '../../src/storage/maintenance.ts';
import type { Storage } from '../../src/storage/port.ts';
import { openPostgresStorage } from '../../src/storage/postgres/open.ts';
import { planned, tempStore } from '../delivery/helpers.ts';
import { tempSchema } from '../helpers/postgres.ts';
import { DATE } from '../helpers/inbox.ts';

const DAY = 86_400_000;

const engines: Record<string, () => Promise<{ storage: Storage; cleanup(): Promise<void> }>> = {
  sqlite: async () => {
    const t = tempStore();
    return { storage: t.storage, cleanup: t.cleanup };
  },
  postgres: async () => {
    const schema = await tempSchema('maint');
    const storage = openPostgresStorage({ url: schema.url, schema: schema.schema });
    await storage.handle.ready;
    return {
      storage,
      async cleanup() {
        await storage.close();
        await schema.drop();
      },
    };
  },
};

/** Claims every due row of a lane and finishes each as told. */
async function finishAll(storage: Storage, lane: string, now: number, next: 'delivered' | 'dead'): Promise<void> {
  const rows = await storage.deliveries.claimDue({ lane, owner: 'w', now, leaseMs: 60_000, limit: 100 });
  for (const r of rows) {
    const attempt = { deliveryId: r.id, attempt: 1, workerId: 'w', startedAt: now, finishedAt: now, outcome: next === 'delivered' ? ('delivered' as const) : ('permanent' as const), status: next === 'delivered' ? 202 : 400, error: next === 'dead' ? `rejected ${r.to}` : null, durationMs: 1 };
    await storage.deliveries.finishAttempt({ id: r.id, owner: 'w', now, lastStatus: attempt.status, next: next === 'delivered' ? { status: 'delivered', at: now } : { status: 'dead', reason: 'bad request' }, attempt });
  }
  await (storage.deliveries as { flush?: () => Promise<void> }).flush?.();
}

/** A delivery row created `ageDays` ago (the outbox stamps its clock's time). */
const outboxAt = (storage: Storage, at: number): Outbox => createOutbox(storage.deliveries, { clock: { now: () => at, setTimeout, clearTimeout } as never });

for (const [engine, open] of Object.entries(engines)) {
  describe(`store contract: ${engine}`, () => {
    test('filters and totals: order, email (any case), plugin, since/until; the trace query finds an order\'s events and events by key', async () => {
      const { storage, cleanup } = await open();
      try {
        const t0 = Date.now() - 10 * DAY;
        await outboxAt(storage, t0).enqueue([planned('a1'), planned('a2', 'rule', 'r1', { to: 'Ann@Shop.example' })], 'order:10002:insert:x', { orderNumber: '10002', object: 'order-10002' });
        await outboxAt(storage, t0 + DAY).enqueue([planned('b1', 'klaviyo', 'main', { to: 'ann@shop.example' })], 'customer:5:insert:x', { orderNumber: null, object: 'customer-5' });
        const d = storage.deliveries;
        assert.equal(await d.countDeliveries({ order: '10002' }), 2);
        assert.equal(await d.countDeliveries({ email: 'ANN@shop.EXAMPLE' }), 2);
        assert.equal(await d.countDeliveries({ plugin: 'r1' }), 1);
        assert.deepEqual((await d.listDeliveries({ plugin: 'main', limit: 10 })).map((r) => r.id).sort(), ['a1', 'b1']);
        assert.equal(await d.countDeliveries({ since: t0 + DAY / 2 }), 1);
        assert.equal(await d.countDeliveries({ until: t0 + DAY / 2, email: 'ann@shop.example' }), 1);
        assert.deepEqual((await d.listDeliveries({ email: 'ann@shop.example', limit: 1 })).map((r) => r.id), ['b1'], 'newest first, paged');
        assert.deepEqual((await d.listDeliveries({ email: 'ann@shop.example', limit: 1, offset: 1 })).map((r) => r.id), ['a2']);

        await storage.inbox.insertMany([
          { key: 'order:10002:insert:x', source: 'webhook', type: 'order', action: 'insert', objectId: '10002', date: DATE, receivedAt: t0 },
          { key: 'customer:5:insert:x', source: 'direct', type: 'customer', action: 'insert', objectId: '5', date: DATE, receivedAt: t0 + DAY, event: { email: 'ann@shop.example' } },
          { key: 'order:10003:insert:x', source: 'webhook', type: 'order', action: 'insert', objectId: '10003', date: DATE, receivedAt: t0 },
        ]);
        await storage.inbox.markProcessed('order:10002:insert:x', t0 + 1, { orderNumber: '10002', skipped: [{ emailType: 'order', recipient: 'sales_rep', reason: 'no sales rep on the order' }] });
        assert.deepEqual((await storage.inbox.eventsFor({ order: '10002' })).map((e) => e.key), ['order:10002:insert:x']);
        assert.deepEqual((await storage.inbox.eventsFor({ keys: ['customer:5:insert:x', 'nope'] })).map((e) => e.key), ['customer:5:insert:x']);
        assert.deepEqual((await storage.inbox.eventsFor({ order: '10003' })).map((e) => e.key), [], 'an unprocessed event has no order yet');

        const trace = await traceOf({ deliveries: d, inbox: storage.inbox }, { order: '10002' });
        assert.equal(trace.deliveryCount, 2);
        const skipped = trace.events.flatMap((e) => e.decisions).find((x) => x.decision === 'skipped');
        assert.equal(skipped?.reason, 'no sales rep on the order', 'the stored reason comes back');
        const byEmail = await traceOf({ deliveries: d, inbox: storage.inbox }, { email: 'ann@shop.example' });
        assert.deepEqual(byEmail.events.map((e) => e.key).sort(), ['customer:5:insert:x', 'order:10002:insert:x']);
      } finally {
        await cleanup();
      }
    });

    test('a shadow delivery is stored as shadow: never claimed, not work, not replayed, pruned like a finished one, not "in use"', async () => {
      const { storage, cleanup } = await open();
      try {
        const now = Date.now();
        await outboxAt(storage, now - 40 * DAY).enqueue([planned('sh', 'klaviyo', 'main', { shadow: true }), planned('live')], 'ev');
        assert.equal((await storage.deliveries.getDelivery('sh'))?.status, 'shadow');
        assert.equal((await storage.deliveries.getDelivery('live'))?.status, 'pending');
        assert.equal(await storage.deliveries.queueDepth(), 1);
        const claimed = await storage.deliveries.claimDue({ lane: 'klaviyo:main', owner: 'w', now: now + 1000, leaseMs: 1000, limit: 10 });
        assert.deepEqual(claimed.map((r) => r.id), ['live']);
        assert.equal(await storage.deliveries.replay('sh', now), false);
        assert.deepEqual(await storage.maintenance.pluginsInUse(), [{ esp: 'klaviyo', plugin: 'main', active: 1, dead: 0 }], 'the in-flight one only');
        assert.deepEqual(await storage.maintenance.prune({ now, deliveriesBefore: now - 30 * DAY, eventsBefore: null }), { deliveries: 1, events: 0 });
        assert.equal((await storage.maintenance.countsByPlugin()).find((c) => c.status === 'shadow')?.count, 1);
      } finally {
        await cleanup();
      }
    });

    test('the readiness probe writes one row, again and again', async () => {
      const { storage, cleanup } = await open();
      try {
        await storage.maintenance.probeWrite(1);
        await storage.maintenance.probeWrite(2);
      } finally {
        await cleanup();
      }
    });

    test('retention: finished rows older than the cut-off lose their request, attempt errors and raw events; active and newer rows keep theirs; a pruned row is not replayed and its id still dedupes', async () => {
      const { storage, cleanup } = await open();
      try {
        const now = Date.now();
        const old = now - 40 * DAY;
        await outboxAt(storage, old).enqueue([planned('old-ok'), planned('old-dead', 'rule', 'r1'), planned('old-pending', 'voyado', 'v')], 'ev-old');
        await outboxAt(storage, now - DAY).enqueue([planned('new-ok')], 'ev-new');
        await finishAll(storage, 'klaviyo:main', now, 'delivered');
        await finishAll(storage, 'rule:r1', now, 'dead');
        await storage.inbox.insertMany([
          { key: 'ev-old', source: 'direct', type: 'order', action: 'insert', objectId: '1', date: DATE, receivedAt: old, event: { email: 'old-ok@example.com' } },
          { key: 'ev-old-pending', source: 'direct', type: 'order', action: 'insert', objectId: '2', date: DATE, receivedAt: old, event: { keep: true } },
          { key: 'ev-new', source: 'direct', type: 'order', action: 'insert', objectId: '3', date: DATE, receivedAt: now - DAY, event: { keep: true } },
        ]);
        await storage.inbox.markProcessed('ev-old', old + 1, { note: 'x' });
        await storage.inbox.markProcessed('ev-new', now - DAY + 1, { note: 'x' });

        const cut = now - 30 * DAY;
        const first = await storage.maintenance.prune({ now, deliveriesBefore: cut, eventsBefore: cut, batch: 1 });
        assert.deepEqual(first, { deliveries: 2, events: 1 }, 'batches of one until none is left');
        assert.deepEqual(await storage.maintenance.prune({ now, deliveriesBefore: cut, eventsBefore: cut }), { deliveries: 0, events: 0 }, 'pruned once');
        for (const id of ['old-ok', 'old-dead']) {
          const row = await storage.deliveries.getDelivery(id);
          assert.deepEqual(row?.request, REMOVED_REQUEST, id);
          assert.equal(row?.prunedAt, now);
          assert.ok((await storage.deliveries.listAttempts(id)).every((a) => a.error === null), 'attempt errors removed');
        }
        assert.deepEqual((await storage.deliveries.getDelivery('old-pending'))?.request.body, { id: 'old-pending' }, 'not finished: kept');
        assert.deepEqual((await storage.deliveries.getDelivery('new-ok'))?.request.body, { id: 'new-ok' }, 'newer: kept');
        assert.equal((await storage.inbox.get('ev-old'))?.event, null);
        assert.ok((await storage.inbox.get('ev-old'))?.prunedAt);
        assert.deepEqual((await storage.inbox.get('ev-old-pending'))?.event, { keep: true }, 'unprocessed: kept');
        assert.deepEqual((await storage.inbox.get('ev-new'))?.event, { keep: true });

        assert.equal(await storage.deliveries.replay('old-dead', now), false, 'a pruned dead letter cannot be replayed');
        assert.equal(await storage.deliveries.replayAllDead(now), 0);
        assert.deepEqual(await createOutbox(storage.deliveries).enqueue([planned('old-ok')], 'ev-old'), { inserted: 0, duplicates: 1 }, 'the id still dedupes');
        assert.deepEqual(await storage.inbox.insertMany([{ key: 'ev-old', source: 'webhook', type: 'order', action: 'insert', objectId: '1', date: DATE, receivedAt: now }]), [false]);
      } finally {
        await cleanup();
      }
    });

    test('erase: deliveries to the address (any case) lose address and request, others carrying it their request, unsent ones die unsent; events carrying it lose their text; contact links go; the rest is untouched', async () => {
      const { storage, cleanup } = await open();
      try {
        const now = Date.now();
        const outbox = createOutbox(storage.deliveries);
        await outbox.enqueue([planned('sent', 'klaviyo', 'main', { to: 'Eva@Shop.example' }), planned('other')], 'ev-1');
        await finishAll(storage, 'klaviyo:main', Date.now() + 1000, 'delivered');
        await outbox.enqueue([planned('queued', 'rule', 'r1', { to: 'eva@shop.example' })], 'ev-2');
        const repCopy = planned('rep-copy', 'rule', 'r1', { to: 'rep@shop.example', recipient: 'sales_rep' });
        await outbox.enqueue([{ ...repCopy, request: { ...repCopy.request, body: { buyer: { email: 'Eva@Shop.example' } } } }], 'ev-5');
        await storage.inbox.insertMany([
          { key: 'ev-1', source: 'direct', type: 'order', action: 'insert', objectId: '1', date: DATE, receivedAt: now, event: { customer: { email: 'EVA@shop.example' } } },
          { key: 'ev-3', source: 'direct', type: 'customer', action: 'insert', objectId: '3', date: DATE, receivedAt: now, event: { email: 'eva@shop.example' } },
          { key: 'ev-4', source: 'direct', type: 'customer', action: 'insert', objectId: '4', date: DATE, receivedAt: now, event: { email: 'someone@else.example' } },
        ]);
        await storage.inbox.markProcessed('ev-1', now, { note: 'x' });
        await storage.contacts.put({ plugin: 'v', customerId: 3, email: 'Eva@shop.example', contactId: 'c3', contactType: 'member' });
        await storage.contacts.put({ plugin: 'v', customerId: 4, email: 'someone@else.example', contactId: 'c4', contactType: 'member' });

        const r = await storage.maintenance.erasePerson('  eva@SHOP.example ', now);
        assert.deepEqual(r, { deliveries: 2, mentioning: 1, cancelled: 2, events: 2, contactLinks: 1 });
        const rep = await storage.deliveries.getDelivery('rep-copy');
        assert.deepEqual([rep?.to, rep?.status, rep?.request], ['rep@shop.example', 'dead', REMOVED_REQUEST], "a sales rep's copy carrying the address: its request goes, its address stays");
        const sent = await storage.deliveries.getDelivery('sent');
        assert.deepEqual([sent?.to, sent?.status, sent?.request], [ERASED_ADDRESS, 'delivered', REMOVED_REQUEST]);
        const queued = await storage.deliveries.getDelivery('queued');
        assert.deepEqual([queued?.to, queued?.status], [ERASED_ADDRESS, 'dead']);
        assert.match(queued?.lastError ?? '', /erased/);
        assert.equal(await storage.deliveries.countDeliveries({ email: 'eva@shop.example' }), 0, 'no longer found by the address');
        assert.equal((await storage.deliveries.getDelivery('other'))?.to, 'other@example.com');
        assert.equal((await storage.inbox.get('ev-1'))?.event, null);
        const ev3 = await storage.inbox.get('ev-3');
        assert.deepEqual([ev3?.event, ev3?.status], [null, 'failed'], 'an unprocessed event is never processed without its text');
        assert.deepEqual((await storage.inbox.get('ev-4'))?.event, { email: 'someone@else.example' });
        assert.equal(await storage.contacts.byCustomer('v', 3), null);
        assert.equal((await storage.contacts.byCustomer('v', 4))?.contactId, 'c4');
        assert.equal(await storage.deliveries.replay('queued', now), false, 'an erased delivery is never sent');
        assert.deepEqual(await outbox.enqueue([planned('queued', 'rule', 'r1')], 'ev-2'), { inserted: 0, duplicates: 1 }, 'nor planned again');
        assert.deepEqual(await storage.maintenance.erasePerson('nobody@example.com', now), { deliveries: 0, mentioning: 0, cancelled: 0, events: 0, contactLinks: 0 });
      } finally {
        await cleanup();
      }
    });

    test('renaming a plugin moves its deliveries, lane and contact links; pluginsInUse lists what rows still name', async () => {
      const { storage, cleanup } = await open();
      try {
        const outbox = createOutbox(storage.deliveries);
        await outbox.enqueue([planned('p1', 'voyado', 'old'), planned('p2', 'voyado', 'old'), planned('k1')], 'ev');
        await finishAll(storage, 'klaviyo:main', Date.now() + 1000, 'dead');
        await storage.contacts.put({ plugin: 'old', customerId: 1, email: 'a@x.example', contactId: 'c1', contactType: 'member' });
        await storage.contacts.put({ plugin: 'old', customerId: 2, email: 'b@x.example', contactId: 'c2-old', contactType: 'member' });
        await storage.contacts.put({ plugin: 'new', customerId: 2, email: 'b@x.example', contactId: 'c2-new', contactType: 'member' });
        assert.deepEqual(await storage.maintenance.pluginsInUse(), [
          { esp: 'klaviyo', plugin: 'main', active: 0, dead: 1 },
          { esp: 'voyado', plugin: 'old', active: 2, dead: 0 },
        ]);
        const r = await storage.maintenance.renamePlugin({ esp: 'voyado', from: 'old', to: 'new', fromLane: 'voyado:old', toLane: 'voyado:new' });
        assert.deepEqual(r, { deliveries: 2, contactLinks: 1 });
        const p1 = await storage.deliveries.getDelivery('p1');
        assert.deepEqual([p1?.plugin, p1?.lane], ['new', 'voyado:new']);
        assert.deepEqual((await storage.deliveries.lanes()).map((l) => l.lane), ['klaviyo:main', 'voyado:new']);
        assert.equal((await storage.contacts.byCustomer('new', 1))?.contactId, 'c1');
        assert.equal((await storage.contacts.byCustomer('new', 2))?.contactId, 'c2-new', "the new name's own link wins");
        assert.equal(await storage.contacts.byCustomer('old', 2), null);
        assert.equal((await storage.deliveries.claimDue({ lane: 'voyado:new', owner: 'w', now: Date.now() + 10, leaseMs: 1000, limit: 10 })).length, 2, 'claimable in the new lane');
      } finally {
        await cleanup();
      }
    });
  });
}
