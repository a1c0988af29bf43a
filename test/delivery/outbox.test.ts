// SQLite-only checks of the embedded store; the behaviour both stores share is in
// test/storage/delivery-store-contract.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tempStore } from './helpers.ts';

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
