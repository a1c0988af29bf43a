// The inbox processor when the store cannot record an outcome (disk full): the event backs off like
// any other failure instead of being fetched again at once, and is processed once the store writes again.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { snapshotKey } from '../../src/centra/graphql-client.ts';
import { createProcessor, type ProcessOutcome } from '../../src/ingest/processor.ts';
import type { InboxStore } from '../../src/storage/inbox.ts';
import { tempStore } from '../delivery/helpers.ts';

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
