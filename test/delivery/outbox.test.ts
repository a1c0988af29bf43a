import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createOutbox } from '../../src/delivery/outbox.ts';
import { planned, tempStore } from './helpers.ts';

test('enqueue is idempotent: the same ids twice yield one row each', async () => {
  const t = tempStore();
  try {
    assert.ok(existsSync(t.path), 'directories created, file opened');
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
    assert.deepEqual(a?.request.body, { id: 'a' });
    const c = await outbox.getDelivery('c');
    assert.equal(c?.lane, 'rule:r1');
    assert.deepEqual(await t.store.lanes(), [
      { lane: 'klaviyo:main', esp: 'klaviyo', plugin: 'main' },
      { lane: 'rule:r1', esp: 'rule', plugin: 'r1' },
    ]);
    const counts = await outbox.countsByStateAndEsp();
    assert.deepEqual(counts, [
      { status: 'pending', esp: 'klaviyo', count: 4 },
      { status: 'pending', esp: 'rule', count: 1 },
    ]);
    assert.equal((await outbox.listDeliveries({ esp: 'rule' })).length, 1);
    assert.ok((await outbox.oldestPendingAgeMs()) >= 0);
  } finally {
    await t.cleanup();
  }
});

test('migrations are recorded and not applied twice', async () => {
  const t = tempStore();
  try {
    const { MIGRATIONS } = await import('../../src/storage/sqlite/migrations.ts');
    const all = MIGRATIONS.map((m) => ({ version: m.version }));
    const rows = t.store.db.prepare('SELECT version FROM schema_migrations ORDER BY version').all();
    assert.deepEqual(rows, all);
    const { openSqliteStore } = await import('../../src/storage/sqlite/store.ts');
    const again = openSqliteStore({ path: t.path });
    assert.deepEqual(again.db.prepare('SELECT version FROM schema_migrations ORDER BY version').all(), all);
    assert.equal(again.db.pragma('journal_mode', { simple: true }), 'wal');
    await again.close();
  } finally {
    await t.cleanup();
  }
});

test('claim leases a bounded batch; a lapsed lease makes the row claimable by another worker', async () => {
  const t = tempStore();
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
    const reclaimed = await t.store.claimDue({ lane: 'klaviyo:main', owner: 'w2', now: now + 1000, leaseMs: 1000, limit: 10 });
    assert.deepEqual(reclaimed.map((r) => r.id).sort(), ['a', 'b']);
    assert.ok(reclaimed.every((r) => r.leaseOwner === 'w2' && r.attempts === 2));
    // w1 comes back late with a failure: its lease is gone, nothing is overwritten.
    const late = await t.store.finishAttempt({
      id: 'a', owner: 'w1', now: now + 1001, lastStatus: 500,
      next: { status: 'retry_scheduled', nextAttemptAt: now + 5000, reason: 'x' },
      attempt: { deliveryId: 'a', attempt: 1, workerId: 'w1', startedAt: now, finishedAt: now + 1001, outcome: 'transient', status: 500, error: 'x', durationMs: 1001 },
    });
    assert.equal(late, false);
    assert.equal((await t.store.getDelivery('a'))?.leaseOwner, 'w2');
    const log = await t.store.listAttempts('a');
    assert.equal(log[0]?.outcome, 'lease_lost');
  } finally {
    await t.cleanup();
  }
});

test('the claim query uses the partial due index', async () => {
  const t = tempStore();
  try {
    const plan = t.store.db
      .prepare(`EXPLAIN QUERY PLAN SELECT id FROM deliveries WHERE lane = 'l' AND status IN ('pending', 'retry_scheduled', 'in_flight') AND next_attempt_at <= 1 ORDER BY next_attempt_at LIMIT 5`)
      .all() as { detail: string }[];
    assert.match(plan.map((p) => p.detail).join('\n'), /USING INDEX deliveries_due/);
    assert.doesNotMatch(plan.map((p) => p.detail).join('\n'), /TEMP B-TREE/);
  } finally {
    await t.cleanup();
  }
});
