// Housekeeping of the PostgreSQL store (the port and its rules: src/storage/maintenance.ts).
import { ERASED_ADDRESS, PRUNE_BATCH, inBatches, REMOVED_REQUEST, erasedKey, type PluginCount, type PluginUse, type StoreMaintenance } from '../maintenance.ts';
import { ACTIVE } from '../rows.ts';
import type { PostgresHandle } from './connect.ts';

const REMOVED = JSON.stringify(REMOVED_REQUEST);

export function postgresMaintenance(handle: PostgresHandle): StoreMaintenance {
  const { query } = handle;

  // Batches walk the primary key's index, in its own order, from where the last stopped (the last
  // key of a batch is its greatest in that order); SKIP LOCKED so that two processes pruning at
  // once do not wait on each other.
  /** One batch of finished deliveries: request replaced, attempts' errors removed; their ids in key order. */
  async function pruneDeliveryBatch(after: string, before: number, now: number, batch: number): Promise<string[]> {
    await handle.ready;
    return handle.transaction(async (c) => {
      const { rows } = await c.query<{ id: string }>(
        `WITH batch AS (SELECT id FROM deliveries WHERE id > $5 AND status IN ('delivered', 'dead', 'shadow') AND pruned_at IS NULL AND created_at < $3
                        ORDER BY id LIMIT $4 FOR UPDATE SKIP LOCKED),
              done AS (UPDATE deliveries d SET request = $1, pruned_at = $2 FROM batch WHERE d.id = batch.id RETURNING d.id)
         SELECT id FROM done ORDER BY id`,
        [REMOVED, now, before, batch, after],
      );
      const ids = rows.map((r) => r.id);
      if (ids.length) await c.query('UPDATE delivery_attempts SET error = NULL WHERE delivery_id = ANY($1::text[])', [ids]);
      return ids;
    });
  }

  async function pruneEventBatch(after: string, before: number, now: number, batch: number): Promise<string[]> {
    const { rows } = await query<{ key: string }>(
      `WITH batch AS (SELECT key FROM inbox_events WHERE key > $4 AND status IN ('processed', 'failed') AND pruned_at IS NULL AND received_at < $2
                      ORDER BY key LIMIT $3 FOR UPDATE SKIP LOCKED),
            done AS (UPDATE inbox_events e SET event = NULL, last_error = NULL, pruned_at = $1 FROM batch WHERE e.key = batch.key RETURNING e.key)
       SELECT key FROM done ORDER BY key`,
      [now, before, batch, after],
    );
    return rows.map((r) => r.key);
  }

  return {
    async countsByPlugin() {
      const sql = 'SELECT status, esp, plugin, COUNT(*)::int AS count FROM deliveries GROUP BY status, esp, plugin ORDER BY status COLLATE "C", esp COLLATE "C", plugin COLLATE "C"';
      return (await query<PluginCount>(sql)).rows;
    },
    async probeWrite(now) {
      await query('INSERT INTO health_probe (id, at) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET at = excluded.at', [now]);
    },
    async prune({ now, deliveriesBefore, eventsBefore, batch = PRUNE_BATCH }) {
      const deliveries = deliveriesBefore === null ? 0 : await inBatches(batch, (after) => pruneDeliveryBatch(after, deliveriesBefore, now, batch));
      const events = eventsBefore === null ? 0 : await inBatches(batch, (after) => pruneEventBatch(after, eventsBefore, now, batch));
      return { deliveries, events };
    },
    async erasePerson(email, now) {
      const key = erasedKey(email);
      await handle.ready;
      return handle.transaction(async (c) => {
        const { rows } = await c.query<{ id: string; event_id: string; active: boolean; to_person: boolean }>(
          `UPDATE deliveries d
              SET status = CASE WHEN d.${ACTIVE} THEN 'dead' ELSE d.status END,
                  last_error = CASE WHEN d.${ACTIVE} THEN 'erased on request before it was sent' ELSE d.last_error END,
                  lease_owner = NULL, lease_until = NULL,
                  recipient_address = CASE WHEN lower(d.recipient_address) = $1 THEN $2 ELSE d.recipient_address END,
                  request = $3, pruned_at = $4, updated_at = $4
             FROM deliveries old
            WHERE old.id = d.id AND (lower(d.recipient_address) = $1 OR (d.pruned_at IS NULL AND strpos(lower(d.request), $1) > 0))
          RETURNING d.id, d.event_id, old.${ACTIVE} AS active, lower(old.recipient_address) = $1 AS to_person`,
          [key, ERASED_ADDRESS, REMOVED, now],
        );
        const ids = rows.map((r) => r.id);
        if (ids.length) await c.query('UPDATE delivery_attempts SET error = NULL WHERE delivery_id = ANY($1::text[])', [ids]);
        const events = await c.query(
          `UPDATE inbox_events
              SET status = CASE WHEN status IN ('pending', 'retry') THEN 'failed' ELSE status END,
                  last_error = CASE WHEN status IN ('pending', 'retry') THEN 'erased on request before it was processed' ELSE NULL END,
                  event = NULL, pruned_at = $1, updated_at = $1
            WHERE event IS NOT NULL AND (key = ANY($2::text[]) OR strpos(lower(event), $3) > 0)`,
          [now, [...new Set(rows.map((r) => r.event_id))], key],
        );
        const links = await c.query('DELETE FROM engage_contacts WHERE email = $1', [key]);
        const deliveries = rows.filter((r) => r.to_person).length;
        return { deliveries, mentioning: rows.length - deliveries, cancelled: rows.filter((r) => r.active).length, events: events.rowCount ?? 0, contactLinks: links.rowCount ?? 0 };
      });
    },
    async renamePlugin(a) {
      await handle.ready;
      return handle.transaction(async (c) => {
        const moved = await c.query('UPDATE deliveries SET plugin = $3, lane = $4 WHERE esp = $1 AND plugin = $2', [a.esp, a.from, a.to, a.toLane]);
        if ((moved.rowCount ?? 0) > 0) await c.query('INSERT INTO lanes (lane, esp, plugin) VALUES ($1, $2, $3) ON CONFLICT (lane) DO NOTHING', [a.toLane, a.esp, a.to]);
        await c.query('DELETE FROM lanes WHERE lane = $1', [a.fromLane]);
        // A customer linked under both names keeps the new name's link.
        const links = await c.query(
          `UPDATE engage_contacts o SET plugin = $2 WHERE o.plugin = $1
              AND NOT EXISTS (SELECT 1 FROM engage_contacts n WHERE n.plugin = $2 AND n.customer_id = o.customer_id)`,
          [a.from, a.to],
        );
        await c.query('DELETE FROM engage_contacts WHERE plugin = $1', [a.from]);
        return { deliveries: moved.rowCount ?? 0, contactLinks: links.rowCount ?? 0 };
      });
    },
    async pluginsInUse() {
      const { rows } = await query<PluginUse>(
        `SELECT esp, plugin, COUNT(*) FILTER (WHERE status <> 'dead')::int AS active, COUNT(*) FILTER (WHERE status = 'dead')::int AS dead
           FROM deliveries WHERE status NOT IN ('delivered', 'shadow') GROUP BY esp, plugin ORDER BY esp COLLATE "C", plugin COLLATE "C"`,
      );
      return rows;
    },
  };
}
