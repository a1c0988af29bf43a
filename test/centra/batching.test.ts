// Batched, deduplicated snapshot fetching: the inbox processor asks Centra for the objects of the
// events it takes together in one request per batch (grouped by type, Centra's list filters), so N
// events about n objects cost ⌈n / batch⌉ requests, counted at the emulator; each event keeps its
// own outcome (not found → processed with a note, a bad id → failed, Centra unavailable → retry).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCentraClient, snapshotKey, type SnapshotRef } from '../../src/centra/graphql-client.ts';
import { createProcessor } from '../../src/ingest/processor.ts';
import { createCentraGate, whenGateFree } from '../../src/centra/quota.ts';
import type { NewInboxEvent } from '../../src/storage/inbox.ts';
import { DEFAULT_CENTRA_TOKEN } from '../../sandbox/centra/server.ts';
import { generateDataset } from '../../sandbox/centra/data.ts';
import { centraEmulatorFor } from './emulator.ts';
import { tempStore, waitFor } from '../delivery/helpers.ts';
import { control } from '../sandbox/helpers.ts';

const dataset = generateDataset({ seed: 5, orders: 80 });
const emu = centraEmulatorFor(dataset);

const requests = () => emu.state.counters.requests;
const client = (batchSize: number) => createCentraClient({ url: `${emu.url}/graphql`, token: DEFAULT_CENTRA_TOKEN, batchSize, timeoutMs: 5_000 });

/** One ref of every kind the bridge fetches, then more orders, shipments and customers: `n` distinct objects. */
function objects(n: number): SnapshotRef[] {
  const d = dataset;
  const mixed: SnapshotRef[] = [
    { type: 'shipment', id: d.shipments[0].id },
    { type: 'return', id: d.returns[0].id },
    { type: 'customer', id: d.customers[0].id },
    { type: 'buyer', id: d.buyers[0].id },
    { type: 'invoice', id: d.invoices[0].id },
    { type: 'account', id: d.accounts[0].id },
  ];
  const orders = d.orders.map((o): SnapshotRef => ({ type: 'order', id: o.number }));
  return [...mixed, ...orders].slice(0, n);
}

test('fetchSnapshots: 130 refs of 45 objects of seven types, batch 20 → ⌈45/20⌉ = 3 requests, each object as fetchSnapshot gives it', async () => {
  const distinct = objects(45);
  const refs = [...distinct, ...distinct, ...distinct.slice(0, 40)];
  const c = client(20);
  const before = requests();
  const got = await c.fetchSnapshots(refs);
  assert.equal(requests() - before, 3);
  assert.equal(c.requests, 3);
  for (const ref of distinct) assert.ok(got.get(snapshotKey(ref)), `${snapshotKey(ref)} fetched`);
  for (const ref of distinct.slice(0, 7)) assert.deepEqual(got.get(snapshotKey(ref)), await c.fetchSnapshot(ref), snapshotKey(ref));
});

test('fetchSnapshots: an unknown object is null and a bad id an error for that ref only; nothing is sent for a bad id alone', async () => {
  const c = client(100);
  const before = requests();
  const got = await c.fetchSnapshots([{ type: 'order', id: 1 }, { type: 'order', id: dataset.orders[0].number }, { type: 'shipment', id: 'abc' }, { type: 'order', id: 99_999_999_999 }]);
  assert.match(String(got.get('order:99999999999')), /32-bit/, 'an id GraphQL\'s Int cannot hold fails alone, not the batch');
  assert.equal(got.get('order:1'), null);
  assert.equal((got.get(`order:${dataset.orders[0].number}`) as { number: number }).number, dataset.orders[0].number);
  assert.ok(got.get('shipment:abc') instanceof Error);
  assert.equal(requests() - before, 1);
  await c.fetchSnapshots([{ type: 'shipment', id: 'abc' }]);
  assert.equal(requests() - before, 1);
});

function rows(refs: SnapshotRef[]): NewInboxEvent[] {
  return refs.map((r, i) => ({ key: `${r.type}:${r.id}:update:${i}`, source: 'webhook', type: r.type, action: 'update', objectId: String(r.id), date: '2024-03-04 10:00:00', receivedAt: Date.now() }));
}

async function processAll(refs: SnapshotRef[], batchSize: number, submit = async (_event: any, _key: string) => ({ deliveries: [], inserted: 0, duplicates: 0, skipped: [], orderNumber: null, object: 'x' as string })) {
  const t = tempStore();
  await t.storage.inbox.insertMany(rows(refs));
  const processor = createProcessor({ inbox: t.storage.inbox, bridge: { submit } as never, centra: client(batchSize), batchSize, retryBaseMs: 60_000, pollMs: 50 });
  return { t, processor };
}

test('the processor: 30 events about 25 objects (account events aside), batch 10 → ⌈25/10⌉ = 3 requests at the emulator, every event processed', async () => {
  // 24 objects that are fetched plus the account (acknowledged without a fetch): 25 distinct, 30 events.
  const distinct = objects(26).filter((r) => r.type !== 'account');
  assert.equal(distinct.length, 25);
  const refs = [...distinct, ...distinct.slice(0, 5)];
  const { t, processor } = await processAll(refs, 10);
  try {
    const before = requests();
    processor.start();
    await waitFor(async () => (await t.storage.inbox.pendingCount()) === 0, 20_000, 'every event processed');
    assert.equal(requests() - before, 3);
    const counts = await t.storage.inbox.counts();
    assert.equal(counts.processed, 30, JSON.stringify(counts));
  } finally {
    await processor.stop();
    await t.cleanup();
  }
});

test('the processor in a batch: not found → processed with a note, a bad id → failed, the others planned; Centra down → every event of the batch kept for a retry', async () => {
  const planned: string[] = [];
  const good = objects(3);
  const refs: SnapshotRef[] = [...good, { type: 'order', id: 1 }, { type: 'customer', id: '12x' }];
  const { t, processor } = await processAll(refs, 100, async (event: any, key: string) => {
    planned.push(key);
    return { deliveries: [], inserted: 0, duplicates: 0, skipped: [], orderNumber: null, object: event.type };
  });
  try {
    processor.start();
    await waitFor(async () => (await t.storage.inbox.pendingCount()) === 0, 20_000, 'every event settled');
    const byKey = new Map((await Promise.all(rows(refs).map((r) => t.storage.inbox.get(r.key)))).map((r) => [r!.key, r!]));
    const rowOf = (ref: SnapshotRef) => [...byKey.values()].find((r) => r.type === ref.type && r.objectId === String(ref.id))!;
    for (const ref of good) assert.equal(rowOf(ref).status, 'processed');
    assert.equal(planned.length, 3);
    assert.equal(rowOf({ type: 'order', id: 1 }).status, 'processed');
    assert.match(JSON.stringify(rowOf({ type: 'order', id: 1 }).result), /not found in Centra/);
    assert.equal(rowOf({ type: 'customer', id: '12x' }).status, 'failed');
  } finally {
    await processor.stop();
    await t.cleanup();
  }

  const down = await processAll(objects(4), 100);
  try {
    await control(emu.url, 'faults', { mode: '5xx', count: 1 });
    const before = requests();
    down.processor.start();
    await waitFor(async () => (await down.t.storage.inbox.counts()).retry === 4, 10_000, 'all four kept for a retry');
    assert.equal(requests() - before, 1, 'one request for the batch, answered 503');
  } finally {
    await down.processor.stop();
    await down.t.cleanup();
    await control(emu.url, 'reset');
  }
});

test('the processor forms each batch when the quota lets the request go out: objects asked for while it waits for the gate share that request (3 groups of 8 objects → 2 requests, not 3)', async () => {
  // One request a second (a bucket of 1): the second request waits about a second after the first.
  const gate = createCentraGate([{ limit: 4, intervalMs: 2_000 }]);
  const c = createCentraClient({ url: `${emu.url}/graphql`, token: DEFAULT_CENTRA_TOKEN, batchSize: 100, timeoutMs: 5_000, gate });
  const orders = dataset.orders.map((o): SnapshotRef => ({ type: 'order', id: o.number }));
  const groups = [orders.slice(0, 8), orders.slice(8, 16), orders.slice(16, 24)].map((g, i) => rows(g).map((r) => ({ ...r, key: `${r.key}:g${i}` })));
  const t = tempStore();
  const submit = async () => ({ deliveries: [], inserted: 0, duplicates: 0, skipped: [], orderNumber: null, object: 'order' });
  const processor = createProcessor({ inbox: t.storage.inbox, bridge: { submit } as never, centra: c, centraReady: whenGateFree(gate), batchSize: 100, retryBaseMs: 60_000, pollMs: 20 });
  const processed = async () => (await t.storage.inbox.counts()).processed;
  try {
    const before = requests();
    await t.storage.inbox.insertMany(groups[0]);
    processor.start();
    await waitFor(async () => (await processed()) === 8, 5_000, 'the first group processed');
    assert.equal(requests() - before, 1);
    // The first answer is in and the gate is closed for most of a second: the second group is taken
    // at once; the third arrives while the request for the second still waits for the quota.
    await t.storage.inbox.insertMany(groups[1]);
    processor.notify();
    await new Promise((r) => setTimeout(r, 150));
    await t.storage.inbox.insertMany(groups[2]);
    processor.notify();
    await waitFor(async () => (await processed()) === 24, 5_000, 'every event processed');
    assert.equal(requests() - before, 2, 'the second and third groups went in one request');
  } finally {
    await processor.stop();
    await t.cleanup();
  }
});
