// The inbox processor when the store cannot record an outcome (disk full): the event backs off like
// any other failure instead of being fetched again at once, and is processed once the store writes again.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { snapshotKey } from '../../src/centra/graphql-client.ts';
import { createProcessor, type ProcessOutcome } from '../../src/ingest/processor.ts';
import type { InboxStore } from '../../src/storage/inbox.ts';
import { tempStore, waitFor } from '../delivery/helpers.ts';
import { createCentraClient } from '../../src/centra/graphql-client.ts';
import { createCentraGate, createComplexityGate } from '../../src/centra/quota.ts';
import { CENTRA_EXAMPLE_COMPLEXITY_QUOTA, CENTRA_EXAMPLE_REQUEST_QUOTA } from '../../src/config/server.ts';
import { DEFAULT_CENTRA_TOKEN, generateDataset, startCentraEmulator } from '../../sandbox/index.ts';

const DISK_FULL = 'SQLITE_FULL: database or disk is full';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The store's inbox, with its outcome writes failing while `full.processed` / `full.retry` say so. */
function failingWrites(inbox: InboxStore) {
  const full = { processed: true, retry: true };
  const store: InboxStore = Object.assign(Object.create(inbox) as InboxStore, {
    markProcessed: async (...a: Parameters<InboxStore['markProcessed']>) => {
      if (full.processed) throw new Error(DISK_FULL);
      return inbox.markProcessed(...a);
    },
    markRetry: async (...a: Parameters<InboxStore['markRetry']>) => {
      if (full.retry) throw new Error(DISK_FULL);
      return inbox.markRetry(...a);
    },
  });
  return { store, full };
}

async function run(full: { processed: boolean; retry: boolean }) {
  const t = tempStore();
  const w = failingWrites(t.storage.inbox);
  Object.assign(w.full, full);
  await t.storage.inbox.insertMany([{ key: 'order:1:update:d', source: 'webhook', type: 'order', action: 'update', objectId: '1', date: '2024-03-04 10:00:00', receivedAt: Date.now() }]);
  let fetches = 0;
  const outcomes: ProcessOutcome[] = [];
  const errors: object[] = [];
  const logger = { debug() {}, info() {}, warn() {}, error: (o: object) => void errors.push(o) };
  const processor = createProcessor({
    inbox: w.store,
    bridge: { submit: async () => assert.fail('a missing object plans nothing') },
    centra: { fetchSnapshots: async (refs) => (fetches++, new Map(refs.map((r) => [snapshotKey(r), null]))) },
    logger,
    retryBaseMs: 100,
    retryCapMs: 2_000,
    pollMs: 50,
    onOutcome: (_row, o) => void outcomes.push(o),
  });
  return { t, w, processor, outcomes, errors, fetches: () => fetches };
}

test('an outcome that cannot be recorded (disk full): the event backs off, no hot loop; processed once the store writes again', async () => {
  const r = await run({ processed: true, retry: true });
  try {
    r.processor.start();
    await sleep(1_000);
    // Without a back-off the row stays due and is fetched again as soon as the last attempt ends (thousands a second).
    // With 80–100 % of 100 ms × 2^n: attempts at about 0, 0.1, 0.3, 0.7 s.
    assert.ok(r.fetches() >= 2 && r.fetches() <= 5, `${r.fetches()} Centra fetches in 1 s with the disk full`);
    assert.equal(r.errors.length, r.fetches(), 'one log line per attempt');
    assert.match(JSON.stringify(r.errors[0]), /SQLITE_FULL/);
    assert.equal((await r.t.storage.inbox.get('order:1:update:d'))?.status, 'pending', 'nothing could be written');

    r.w.full.processed = r.w.full.retry = false;
    const seen = r.fetches();
    await sleep(2_000);
    assert.equal((await r.t.storage.inbox.get('order:1:update:d'))?.status, 'processed');
    assert.equal(r.fetches(), seen + 1, 'taken again once its back-off ended, then done');
  } finally {
    await r.processor.stop();
    await r.t.cleanup();
  }
});

test('only the outcome write fails (a retry can be written): the event is marked for a retry with the reason', async () => {
  const r = await run({ processed: true, retry: false });
  try {
    r.processor.start();
    await sleep(400);
    const row = await r.t.storage.inbox.get('order:1:update:d');
    assert.equal(row?.status, 'retry');
    assert.match(row?.lastError ?? '', /the outcome could not be recorded: SQLITE_FULL/);
    assert.ok(row!.nextAttemptAt > Date.now() - 400 && r.fetches() <= 3, `${r.fetches()} fetches in 0.4 s`);
    r.w.full.processed = false;
    await sleep(1_500);
    assert.equal((await r.t.storage.inbox.get('order:1:update:d'))?.status, 'processed');
  } finally {
    await r.processor.stop();
    await r.t.cleanup();
  }
});

test('disk full for a while with 60 events due: Centra requests stay within its quota (0 × 429 at the emulator) and the log at a few lines a second; all processed once the store writes again', async () => {
  const dataset = generateDataset({ seed: 5, orders: 60 });
  // Centra's example quota, enforced by the emulator; the client holds the same buckets.
  const centra = await startCentraEmulator({ dataset });
  const t = tempStore();
  const w = failingWrites(t.storage.inbox);
  const lines: number[] = [];
  const logger = { debug() {}, info() {}, warn: () => void lines.push(Date.now()), error: () => void lines.push(Date.now()) };
  const client = createCentraClient({ url: `${centra.url}/graphql`, token: DEFAULT_CENTRA_TOKEN, gate: createCentraGate(CENTRA_EXAMPLE_REQUEST_QUOTA), complexityGate: createComplexityGate(CENTRA_EXAMPLE_COMPLEXITY_QUOTA) });
  await t.storage.inbox.insertMany(
    dataset.orders.map((o, i) => ({ key: `order:${o.number}:update:${i}`, source: 'webhook', type: 'order', action: 'update', objectId: String(o.number), date: '2024-03-04 10:00:00', receivedAt: Date.now() })),
  );
  const submit = async () => ({ deliveries: [], inserted: 0, duplicates: 0, skipped: [], orderNumber: null, object: 'order' });
  const processor = createProcessor({ inbox: w.store, bridge: { submit } as never, centra: client, logger, retryBaseMs: 100, retryCapMs: 2_000, pollMs: 50 });
  const FULL_MS = 4_000;
  try {
    const t0 = Date.now();
    processor.start();
    await sleep(FULL_MS);
    const seconds = (Date.now() - t0) / 1000;
    const requests = centra.state.counters.requests;
    // The quota lets 20 through at once and 2 a second after; the client keeps below that.
    assert.ok(requests >= 1 && requests <= 20 + 2 * seconds, `${requests} Centra requests in ${seconds} s with the disk full`);
    assert.equal(centra.state.counters.status429, 0);
    // A burst of 5 lines, then 2 a second (each line counts the ones it stands for).
    assert.ok(lines.length <= 5 + 2 * seconds + 1, `${lines.length} log lines in ${seconds} s`);
    assert.ok(lines.length >= 2, 'the trouble is logged');

    w.full.processed = w.full.retry = false;
    await waitFor(async () => (await t.storage.inbox.counts()).processed === 60, 20_000, 'all 60 processed');
    assert.equal(centra.state.counters.status429, 0);
  } finally {
    await processor.stop();
    await t.cleanup();
    await centra.close();
  }
});
