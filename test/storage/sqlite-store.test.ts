// SQLite-only checks of the embedded store; the behaviour both stores share is in
// test/storage/delivery-store-contract.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tempStore } from '../delivery/helpers.ts';

test('migrations are recorded and not applied twice', async () => {
  const t = tempStore();
  try {
    const { MIGRATIONS } = await import('../../src/storage/sqlite/migrations.ts');
    const all = MIGRATIONS.map((m) => ({ version: m.version }));
    const rows = t.storage.db.prepare('SELECT version FROM schema_migrations ORDER BY version').all();
    assert.deepEqual(rows, all);
    const { openSqliteStorage } = await import('../../src/storage/sqlite/open.ts');
    const again = openSqliteStorage({ path: t.path });
    assert.deepEqual(again.db.prepare('SELECT version FROM schema_migrations ORDER BY version').all(), all);
    assert.equal(again.db.pragma('journal_mode', { simple: true }), 'wal');
    await again.close();
  } finally {
    await t.cleanup();
  }
});

test('the claim statement the store runs reads the partial due index, already in due order', async () => {
  const t = tempStore();
  try {
    const plan = t.store.explainClaim().join('\n');
    assert.match(plan, /SEARCH deliveries USING INDEX deliveries_due \(lane=\? AND next_attempt_at<\?\)/);
    assert.doesNotMatch(plan, /TEMP B-TREE/, 'no sort: the index gives the due order');
    assert.doesNotMatch(plan, /SCAN deliveries/, 'no full scan of the table');
  } finally {
    await t.cleanup();
  }
});
