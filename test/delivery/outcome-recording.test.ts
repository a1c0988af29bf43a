// The result of a send must be written before its lease can lapse, or the row is sent again.
// Two ways that happened: the store refused the write for longer than a lease (disk full), and a
// row claimed in a batch queued for a rate-limit token until its lease had lapsed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createOutbox } from '../../src/delivery/outbox.ts';
import { createWorker } from '../../src/delivery/worker.ts';
import type { DeliveryStore } from '../../src/storage/deliveries.ts';
import { openSqliteStorage } from '../../src/storage/sqlite/open.ts';
import { FakeTransport, planned, tempStore, waitFor } from './helpers.ts';

const DISK_FULL = 'SQLITE_FULL: database or disk is full';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The store with its outcome writes refused while `full.on` (claims still work: the worst case). */
function fullDisk(store: DeliveryStore) {
  const full = { on: true, refused: 0 };
  const wrapped: DeliveryStore = Object.assign(Object.create(store) as DeliveryStore, {
    finishAttempt: async (...a: Parameters<DeliveryStore['finishAttempt']>) => {
      if (full.on) {
        full.refused++;
        throw new Error(DISK_FULL);
      }
      return store.finishAttempt(...a);
    },
  });
  return { store: wrapped, full };
}

test('disk full for five leases: each row is sent once, its outcome written when the disk frees, the log a few lines', async () => {
  const t = tempStore();
  const { store, full } = fullDisk(t.store);
  const transport = new FakeTransport('klaviyo');
  const errors: object[] = [];
  const log = { debug() {}, info() {}, warn() {}, error: (o: object) => void errors.push(o) };
  const worker = createWorker({ store, transports: [transport], pollMs: 20, leaseMs: 300, limits: { default: { attemptTimeoutMs: 100 } }, logger: log });
  try {
    await createOutbox(t.store).enqueue(Array.from({ length: 10 }, (_, i) => planned(`d${i}`)), 'ev');
    worker.start();
    await waitFor(() => transport.calls.length === 10, 5_000, 'ten sends');
    await sleep(1_500);
    assert.ok(full.refused > 10, `the outcome writes were retried (${full.refused} refused)`);
    assert.equal(transport.calls.length, 10, 'no row sent again while its outcome waited, though its lease lapsed five times');
    assert.ok(errors.length <= 10, `${errors.length} error lines in 1.5 s: one per row, not one per try`);
    full.on = false;
    await waitFor(async () => (await t.store.countsByStateAndEsp()).every((c) => c.status === 'delivered'), 5_000, 'all delivered');
    await worker.stop();
    assert.deepEqual(Array.from({ length: 10 }, (_, i) => transport.sendsOf(`d${i}`)), Array(10).fill(1));
    const attempts = await t.store.listAttempts('d0');
    assert.equal(attempts.filter((a) => a.outcome === 'delivered').length, 1, JSON.stringify(attempts));
  } finally {
    await worker.stop();
    await t.cleanup();
  }
});

test('a store that never writes again: the worker stops (it does not hang) and the row stays in flight for a later try', async () => {
  const t = tempStore();
  const { store } = fullDisk(t.store);
  const transport = new FakeTransport('klaviyo');
  const worker = createWorker({ store, transports: [transport], pollMs: 20, leaseMs: 300, limits: { default: { attemptTimeoutMs: 100 } } });
  try {
    await createOutbox(t.store).enqueue([planned('x')], 'ev');
    worker.start();
    await waitFor(() => transport.calls.length === 1, 5_000, 'the send');
    await worker.stop();
    assert.equal((await t.store.getDelivery('x'))?.status, 'in_flight');
  } finally {
    await t.cleanup();
  }
});

test('rows that queued for a rate-limit token past their lease are not sent by the worker that lost them', async () => {
  // Two workers on one file; 5 sends a second for the lane, a batch of 10 claimed at once and a
  // lease of 600 ms: most of a batch waits longer than its lease for a token.
  const t = tempStore();
  const second = openSqliteStorage({ path: t.path });
  const transport = new FakeTransport('klaviyo');
  const opts = { transports: [transport], pollMs: 20, leaseMs: 600, batchSize: 10, limits: { default: { attemptTimeoutMs: 200, concurrency: 10, rates: [{ limit: 5, intervalMs: 1_000, burst: 1 }] } } };
  const a = createWorker({ ...opts, store: t.store, workerId: 'a' });
  const b = createWorker({ ...opts, store: second.deliveries, workerId: 'b' });
  try {
    await createOutbox(t.store).enqueue(Array.from({ length: 12 }, (_, i) => planned(`r${i}`)), 'ev');
    a.start();
    await sleep(50);
    b.start();
    await waitFor(async () => (await t.store.countsByStateAndEsp()).every((c) => c.status === 'delivered'), 20_000, 'all delivered');
    const sends = Array.from({ length: 12 }, (_, i) => transport.sendsOf(`r${i}`));
    assert.deepEqual(sends, Array(12).fill(1), `sends per row: ${sends.join(',')}`);
  } finally {
    await Promise.all([a.stop(), b.stop()]);
    await second.close();
    await t.cleanup();
  }
});
