// Per-object isolation in batched snapshot fetches, over real HTTP to the Centra emulator with its
// field faults (a resolver of one object throws; graphql-js propagates the error as for any server):
//   a nullable field → null + an error whose path points into that object → it fails alone, 1 request;
//   a non-null field → the error nulls all of `data` ([Order!]!) → the chunk is bisected until the bad
//   object fails alone (≤ 1 + 2·⌈log₂ n⌉ requests); Centra unavailable (429) is never bisected.
import { beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { bisectionBudget, CentraQueryError, CentraUnavailableError, CentraUnsettledError, createCentraClient, snapshotKey, type CentraClient, type SnapshotRef } from '../../src/centra/graphql-client.ts';
import { createProcessor } from '../../src/ingest/processor.ts';
import type { InboxStore, NewInboxEvent } from '../../src/storage/inbox.ts';
import { DEFAULT_CENTRA_TOKEN, type FieldFaultSpec } from '../../sandbox/centra/server.ts';
import { generateDataset } from '../../sandbox/centra/data.ts';
import { centraEmulatorFor } from './emulator.ts';
import { tempStore, waitFor } from '../delivery/helpers.ts';
import { control } from '../sandbox/helpers.ts';

const dataset = generateDataset({ seed: 11, orders: 40 });
const emu = centraEmulatorFor(dataset);
beforeEach(async () => {
  await control(emu.url, 'reset');
});

const atEmulator = () => emu.state.counters.requests;
const client = (opts: { fetchImpl?: typeof fetch } = {}) => createCentraClient({ url: `${emu.url}/graphql`, token: DEFAULT_CENTRA_TOKEN, timeoutMs: 5_000, ...opts });
const tenOrders: SnapshotRef[] = dataset.orders.slice(0, 10).map((o) => ({ type: 'order', id: o.number }));
const numberAt = (i: number) => Number(tenOrders[i].id);

async function fault(spec: FieldFaultSpec): Promise<void> {
  const r = await control(emu.url, 'field-faults', spec);
  assert.equal(r.status, 200, JSON.stringify(r.json));
}

/** Each ref fetched alone by a client of its own (one request each), for comparison. */
async function alone(refs: SnapshotRef[]): Promise<Map<string, unknown>> {
  const c = client();
  const out = new Map<string, unknown>();
  for (const ref of refs) out.set(snapshotKey(ref), await c.fetchSnapshot(ref));
  return out;
}

/** Every good ref's result is a snapshot equal to the same object fetched alone. */
async function assertAsFetchedAlone(got: Map<string, unknown>, good: SnapshotRef[]): Promise<void> {
  const expected = await alone(good);
  for (const ref of good) {
    const v = got.get(snapshotKey(ref));
    assert.ok(v && !(v instanceof Error), snapshotKey(ref));
    assert.deepEqual(v, expected.get(snapshotKey(ref)), snapshotKey(ref));
  }
}

test('the emulator: a fault in a nullable field nulls it with an error at its path; in a non-null field the error nulls all of data (graphql-js propagation)', async () => {
  const bad = numberAt(3);
  const nullable = await control(emu.url, 'field-faults', { type: 'order', id: bad, field: 'lines.product', message: 'product lookup failed' });
  assert.equal(nullable.json.added[0].nullable, true);
  const refused = await control(emu.url, 'field-faults', { type: 'order', id: bad, field: 'lines.nope' });
  assert.equal(refused.status, 400);
  assert.match(refused.json.error, /OrderLine has no field nope/);
  const query = `query Q($keys: [Int!], $n: Int) { orders(where: { number: $keys }, limit: $n) { number grandTotal { value } lines { id product { id } } } }`;
  const ask = async () => {
    const res = await fetch(`${emu.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${DEFAULT_CENTRA_TOKEN}` },
      body: JSON.stringify({ query, variables: { keys: tenOrders.map((r) => r.id), n: 10 } }),
    });
    assert.equal(res.status, 200);
    return (await res.json()) as any;
  };
  const partial = await ask();
  const index = partial.data.orders.findIndex((o: any) => o.number === bad);
  assert.ok(index >= 0);
  assert.ok(partial.data.orders[index].lines.length > 0);
  for (const line of partial.data.orders[index].lines) assert.equal(line.product, null);
  assert.equal(partial.errors.length, partial.data.orders[index].lines.length, 'one error per line');
  assert.deepEqual(partial.errors[0].path, ['orders', index, 'lines', 0, 'product']);
  assert.equal(partial.errors[0].message, 'product lookup failed');
  assert.ok(partial.data.orders.filter((o: any) => o.number !== bad).every((o: any) => o.lines.every((l: any) => l.product !== null)));

  await control(emu.url, 'field-faults', undefined, 'DELETE');
  const nonNull = await control(emu.url, 'field-faults', { type: 'order', id: bad, field: 'grandTotal' });
  assert.equal(nonNull.json.added[0].nullable, false);
  const lost = await ask();
  assert.equal(lost.data, null, 'Order! in [Order!]! under a non-null root: nothing is left');
  assert.equal(lost.errors.length, 1);
  assert.equal(lost.errors[0].path[0], 'orders');
  assert.equal(lost.errors[0].path[2], 'grandTotal');
});

test('10 orders, one with a failing nullable field: 1 request; the 9 others as fetched alone, the bad one an error naming it (never mapped as fine)', async () => {
  const bad = numberAt(3);
  await fault({ type: 'order', id: bad, field: 'lines.product', message: 'product lookup failed' });
  const c = client();
  const before = atEmulator();
  const got = await c.fetchSnapshots(tenOrders);
  assert.equal(c.requests, 1);
  assert.equal(atEmulator() - before, 1);
  const err = got.get(`order:${bad}`);
  assert.ok(err instanceof CentraQueryError, `order ${bad} is an error, not a snapshot: ${JSON.stringify(err)?.slice(0, 200)}`);
  assert.match(err.message, new RegExp(`order ${bad}: product lookup failed \\(at orders\\.\\d+\\.lines\\.0\\.product\\)`));
  assert.ok(err.errors.length >= 1);
  const good = tenOrders.filter((r) => Number(r.id) !== bad);
  await assertAsFetchedAlone(got, good);
});

test('10 orders, one with a failing non-null field (data null): bisected, the 9 others as fetched alone, the bad one an error; 9 requests ≤ 1 + 2·⌈log₂ 10⌉', async () => {
  const bad = numberAt(6);
  await fault({ type: 'order', id: bad, field: 'grandTotal', message: 'grand total unavailable' });
  const c = client();
  const before = atEmulator();
  const got = await c.fetchSnapshots(tenOrders);
  const spent = atEmulator() - before;
  assert.equal(c.requests, spent, 'the client counts every request it sent');
  // 10 → 5|5, the bad one in the second half: 5 → 3|2, 3 → 2|1, 2 → 1|1: 1 + 4 × 2.
  assert.equal(spent, 9);
  assert.ok(spent <= 1 + 2 * Math.ceil(Math.log2(10)));
  const err = got.get(`order:${bad}`);
  assert.ok(err instanceof CentraQueryError);
  assert.match(err.message, new RegExp(`order ${bad}: grand total unavailable \\(at orders\\.0\\.grandTotal\\)`));
  const good = tenOrders.filter((r) => Number(r.id) !== bad);
  await assertAsFetchedAlone(got, good);
  // The emulator's record of the batch's requests (reset before each test): those answered with errors held the bad order.
  const calls = (await control(emu.url, 'records', undefined, 'GET')).json.calls as { errors: number }[];
  assert.equal(calls.slice(0, spent).filter((x) => x.errors > 0).length, 5, 'the bad order was in 5 of the 9 requests (1 per level)');
});

test('two bad orders (one of each kind) and other object types in one batch: each bad one fails alone, all else mapped, within the budget', async () => {
  const nullableBad = numberAt(1);
  const nonNullBad = numberAt(8);
  await fault({ type: 'order', id: nullableBad, field: 'shippingAddress' });
  await fault({ type: 'order', id: nonNullBad, field: 'store' });
  const others: SnapshotRef[] = [
    { type: 'customer', id: dataset.customers[0].id },
    { type: 'account', id: dataset.accounts[0].id },
    { type: 'shipment', id: dataset.shipments.find((s) => s.orderNumber !== nullableBad && s.orderNumber !== nonNullBad)!.id },
  ];
  const refs = [...tenOrders, ...others];
  const c = client();
  const got = await c.fetchSnapshots(refs);
  assert.ok(c.requests <= 1 + bisectionBudget(refs.length), `${c.requests} requests`);
  assert.match(String(got.get(`order:${nullableBad}`)), new RegExp(`order ${nullableBad}: emulated failure: shippingAddress`));
  assert.match(String(got.get(`order:${nonNullBad}`)), new RegExp(`order ${nonNullBad}: emulated failure: store`));
  const good = refs.filter((r) => !(r.type === 'order' && (Number(r.id) === nullableBad || Number(r.id) === nonNullBad)));
  await assertAsFetchedAlone(got, good);
});

test('a shipment whose order has a failing field fails with it (its order is part of its answer), the other objects do not', async () => {
  const shipment = dataset.shipments[0];
  await fault({ type: 'order', id: shipment.orderNumber, field: 'lines.product' });
  const otherOrder = dataset.orders.find((o) => o.number !== shipment.orderNumber)!.number;
  const c = client();
  const got = await c.fetchSnapshots([{ type: 'shipment', id: shipment.id }, { type: 'order', id: otherOrder }]);
  assert.equal(c.requests, 1);
  assert.match(String(got.get(`shipment:${shipment.id}`)), new RegExp(`shipment ${shipment.id}: .* \\(at shipments\\.0\\.order\\.lines\\.0\\.product\\)`));
  assert.equal((got.get(`order:${otherOrder}`) as { number: number }).number, otherOrder);
});

test('a 429 is not bisected: the whole call throws CentraUnavailableError after 1 request, even with a bad object in the batch', async () => {
  await fault({ type: 'order', id: numberAt(2), field: 'grandTotal' });
  await control(emu.url, 'faults', { mode: '429', count: 1, retryAfter: '0' });
  const c = client();
  const before = atEmulator();
  await assert.rejects(c.fetchSnapshots(tenOrders), (e: unknown) => e instanceof CentraUnavailableError && e.status === 429);
  assert.equal(c.requests, 1);
  assert.equal(atEmulator() - before, 1);
});

test('a 429 in the middle of a bisection throws for the whole call; nothing more is sent', async () => {
  await fault({ type: 'order', id: numberAt(2), field: 'grandTotal' });
  let calls = 0;
  // Real HTTP to the emulator; before the third request (the second half of the first split) it is told to answer 429.
  const fetchImpl: typeof fetch = async (input, init) => {
    if (++calls === 3) await control(emu.url, 'faults', { mode: '429', count: 1, retryAfter: '0' });
    return fetch(input, init);
  };
  const c = client({ fetchImpl });
  const before = atEmulator();
  await assert.rejects(c.fetchSnapshots(tenOrders), (e: unknown) => e instanceof CentraUnavailableError && e.status === 429);
  assert.equal(c.requests, 3);
  assert.equal(atEmulator() - before, 3);
});

test('a request error Centra gives every part of the batch alike (no path, no data: a document it refuses) costs 3 requests, not 2n − 1', async () => {
  // The client's documents validate against the schema; this one is broken on the way (still real HTTP).
  const fetchImpl: typeof fetch = (input, init) => {
    const body = JSON.parse(String(init!.body));
    body.query = body.query.replace('__typename id number', '__typename id number noSuchField');
    return fetch(input, { ...init, body: JSON.stringify(body) });
  };
  const c = client({ fetchImpl });
  const got = await c.fetchSnapshots(tenOrders);
  assert.equal(c.requests, 3);
  for (const ref of tenOrders) assert.match(String(got.get(snapshotKey(ref))), /Cannot query field "noSuchField".*the same request error for every part/);
});

/** Order events for `refs` in a fresh inbox, worked by a processor on this emulator until none is pending; what was planned, and the inbox. */
async function processOrders(refs: SnapshotRef[], tuning: { retryBaseMs: number; retryCapMs?: number; pollMs: number }, check: (r: { inbox: InboxStore; rows: NewInboxEvent[]; planned: number[]; client: CentraClient }) => Promise<void>): Promise<void> {
  const rows: NewInboxEvent[] = refs.map((r, i) => ({ key: `order:${r.id}:update:${i}`, source: 'webhook', type: 'order', action: 'update', objectId: String(r.id), date: '2024-03-04 10:00:00', receivedAt: Date.now() }));
  const t = tempStore();
  await t.storage.inbox.insertMany(rows);
  const planned: number[] = [];
  const submit = async (event: any) => {
    planned.push(event.object.number);
    return { deliveries: [], inserted: 0, duplicates: 0, skipped: [], orderNumber: String(event.object.number), object: 'order' };
  };
  const c = client();
  const processor = createProcessor({ inbox: t.storage.inbox, bridge: { submit } as never, centra: c, batchSize: 100, ...tuning });
  try {
    processor.start();
    await waitFor(async () => (await t.storage.inbox.pendingCount()) === 0, 20_000, 'every event settled');
    await check({ inbox: t.storage.inbox, rows, planned, client: c });
  } finally {
    await processor.stop();
    await t.cleanup();
  }
}

test('the processor: 10 order events, two bad orders (nullable and non-null field) → those two failed with the reason, the other 8 processed and planned', async () => {
  const nullableBad = numberAt(4);
  const nonNullBad = numberAt(0);
  await fault({ type: 'order', id: nullableBad, field: 'lines.product' });
  await fault({ type: 'order', id: nonNullBad, field: 'grandTotal' });
  await processOrders(tenOrders, { retryBaseMs: 60_000, pollMs: 50 }, async ({ inbox, rows, planned, client: c }) => {
    const counts = await inbox.counts();
    assert.equal(counts.processed, 8, JSON.stringify(counts));
    assert.equal(counts.failed, 2, JSON.stringify(counts));
    assert.equal(counts.retry ?? 0, 0, 'no event is kept back for a retry: Centra answered');
    assert.deepEqual(planned.sort(), tenOrders.map((r) => Number(r.id)).filter((n) => n !== nullableBad && n !== nonNullBad).sort());
    for (const r of rows) {
      const row = (await inbox.get(r.key))!;
      const bad = r.objectId === String(nullableBad) || r.objectId === String(nonNullBad);
      assert.equal(row.status, bad ? 'failed' : 'processed', r.key);
      if (bad) assert.match(String(row.lastError), new RegExp(`Centra could not give order ${r.objectId}: emulated failure`));
    }
    assert.ok(c.requests <= 1 + bisectionBudget(10), `${c.requests} requests`);
  });
});

test('a batch that spends its extra requests: the good orders it could not tell apart are retried later and processed, only the bad ones fail', async () => {
  // Three non-null faults in 40 orders: more than the budget (4·⌈log₂ 40⌉ = 24) can isolate in one pass.
  const refs: SnapshotRef[] = dataset.orders.slice(0, 40).map((o) => ({ type: 'order', id: o.number }));
  const bad = [0, 13, 27].map((i) => Number(refs[i].id));
  for (const id of bad) await fault({ type: 'order', id, field: 'grandTotal' });
  const first = await client().fetchSnapshots(refs);
  const unsettled = [...first.values()].filter((r) => r instanceof CentraUnsettledError);
  assert.ok(unsettled.length > 0, 'the budget ran out before every object was told apart');
  for (const r of unsettled) assert.match((r as Error).message, /not isolated: .*asked for again later/);

  await processOrders(refs, { retryBaseMs: 20, retryCapMs: 100, pollMs: 20 }, async ({ inbox, planned }) => {
    const counts = await inbox.counts();
    assert.equal(counts.failed, 3, JSON.stringify(counts));
    assert.equal(counts.processed, 37, JSON.stringify(counts));
    // Each good order planned once: retried ones were not planned before (they were never mapped).
    assert.deepEqual(planned.sort(), refs.map((r) => Number(r.id)).filter((n) => !bad.includes(n)).sort());
  });
});

test('buyers, read through their accounts (Centra has no buyers query): a nullable field fault fails that buyer alone, a non-null one also the buyers of its account asked with it', async () => {
  const account = dataset.accounts.find((a) => a.buyerIds.length >= 2)!;
  const [bad, sibling] = account.buyerIds;
  const other = dataset.buyers.find((b) => !account.buyerIds.includes(b.id))!.id;
  const refs: SnapshotRef[] = [bad, sibling, other].map((id) => ({ type: 'buyer', id }));
  await fault({ type: 'buyer', id: bad, field: 'firstName', message: 'name lookup failed' });
  const c = client();
  let res = await c.fetchSnapshots(refs);
  assert.equal(c.requests, 1);
  assert.match(String(res.get(`buyer:${bad}`)), /Centra could not give buyer \d+: name lookup failed \(at buyerAccounts\.\d+\.buyers\.\d+\.firstName\)/);
  assert.equal((res.get(`buyer:${sibling}`) as { id: number }).id, sibling);
  assert.equal((res.get(`buyer:${other}`) as { id: number }).id, other);

  await control(emu.url, 'reset');
  await fault({ type: 'buyer', id: bad, field: 'email', message: 'email lookup failed' });
  res = await client().fetchSnapshots(refs);
  assert.ok(res.get(`buyer:${bad}`) instanceof CentraQueryError);
  assert.ok(res.get(`buyer:${sibling}`) instanceof CentraQueryError, 'the account is nulled with its bad buyer');
  assert.equal((res.get(`buyer:${other}`) as { id: number }).id, other);
});
