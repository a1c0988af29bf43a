// Housekeeping of the embedded store (the port and its rules: src/storage/maintenance.ts).
import type Database from 'better-sqlite3';
import { ERASED_ADDRESS, PRUNE_BATCH, inBatches, REMOVED_REQUEST, erasedKey, type PluginCount, type PluginUse, type StoreMaintenance } from '../maintenance.ts';
import { ACTIVE } from '../rows.ts';

const REMOVED = JSON.stringify(REMOVED_REQUEST);

export function sqliteMaintenance(db: Database.Database): StoreMaintenance {
  const probe = db.prepare('INSERT INTO health_probe (id, at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET at = excluded.at');

  // Batches walk the primary key from where the last one stopped: each row is looked at once, however many are pruned already.
  // (`+status`: not by the status index, which would sort every finished row again for each batch.)
  const oldDeliveries = db.prepare(`SELECT id FROM deliveries WHERE id > ? AND +status IN ('delivered', 'dead', 'shadow') AND pruned_at IS NULL AND created_at < ? ORDER BY id LIMIT ?`);
  const pruneDeliveries = db.prepare(`UPDATE deliveries SET request = ?, pruned_at = ? WHERE id IN (SELECT value FROM json_each(?))`);
  const blankAttempts = db.prepare(`UPDATE delivery_attempts SET error = NULL WHERE delivery_id IN (SELECT value FROM json_each(?))`);
  const oldEvents = db.prepare(`SELECT key FROM inbox_events WHERE key > ? AND +status IN ('processed', 'failed') AND pruned_at IS NULL AND received_at < ? ORDER BY key LIMIT ?`);
  const pruneEvents = db.prepare(`UPDATE inbox_events SET event = NULL, last_error = NULL, pruned_at = ? WHERE key IN (SELECT value FROM json_each(?))`);
  const deliveriesBatch = db.transaction((after: string, before: number, now: number, batch: number) => {
    const ids = (oldDeliveries.all(after, before, batch) as { id: string }[]).map((r) => r.id);
    const list = JSON.stringify(ids);
    pruneDeliveries.run(REMOVED, now, list);
    blankAttempts.run(list);
    return ids;
  });
  const eventsBatch = db.transaction((after: string, before: number, now: number, batch: number) => {
    const keys = (oldEvents.all(after, before, batch) as { key: string }[]).map((r) => r.key);
    pruneEvents.run(now, JSON.stringify(keys));
    return keys;
  });


  // The text scans (requests and events carrying the address) read outside the write transaction, so
  // that they never hold the write lock (WAL: readers and the writer do not wait on each other);
  // the rows to the address are taken again inside it, by the email index.
  const toPerson = db.prepare('SELECT id FROM deliveries WHERE lower(recipient_address) = ?');
  const mentioning = db.prepare('SELECT id FROM deliveries WHERE pruned_at IS NULL AND instr(lower(request), ?) > 0');
  const carrying = db.prepare('SELECT key FROM inbox_events WHERE event IS NOT NULL AND instr(lower(event), ?) > 0');
  const affected = db.prepare(`SELECT id, event_id AS eventId, lower(recipient_address) = ? AS toPerson, ${ACTIVE} AS active FROM deliveries WHERE id IN (SELECT value FROM json_each(?))`);
  const eraseDeliveries = db.prepare(`
    UPDATE deliveries
       SET status = CASE WHEN ${ACTIVE} THEN 'dead' ELSE status END,
           last_error = CASE WHEN ${ACTIVE} THEN 'erased on request before it was sent' ELSE last_error END,
           lease_owner = NULL, lease_until = NULL,
           recipient_address = CASE WHEN lower(recipient_address) = ? THEN ? ELSE recipient_address END,
           request = ?, pruned_at = ?, updated_at = ?
     WHERE id IN (SELECT value FROM json_each(?))`);
  const eraseEvents = db.prepare(`
    UPDATE inbox_events
       SET status = CASE WHEN status IN ('pending', 'retry') THEN 'failed' ELSE status END,
           last_error = CASE WHEN status IN ('pending', 'retry') THEN 'erased on request before it was processed' ELSE NULL END,
           event = NULL, pruned_at = ?, updated_at = ?
     WHERE event IS NOT NULL AND key IN (SELECT value FROM json_each(?))`);
  const eraseLinks = db.prepare('DELETE FROM engage_contacts WHERE email = ?');
  const erase = db.transaction((email: string, now: number, mentions: string[], eventKeys: string[]) => {
    const ids = JSON.stringify([...new Set([...(toPerson.all(email) as { id: string }[]).map((r) => r.id), ...mentions])]);
    const rows = affected.all(email, ids) as { id: string; eventId: string; toPerson: number; active: number }[];
    eraseDeliveries.run(email, ERASED_ADDRESS, REMOVED, now, now, ids);
    blankAttempts.run(ids);
    const events = eraseEvents.run(now, now, JSON.stringify([...new Set([...rows.map((r) => r.eventId), ...eventKeys])])).changes;
    const contactLinks = eraseLinks.run(email).changes;
    const deliveries = rows.filter((r) => r.toPerson).length;
    return { deliveries, mentioning: rows.length - deliveries, cancelled: rows.filter((r) => r.active).length, events, contactLinks };
  });

  const moveDeliveries = db.prepare('UPDATE deliveries SET plugin = @to, lane = @toLane WHERE esp = @esp AND plugin = @from');
  const addLane = db.prepare('INSERT INTO lanes (lane, esp, plugin) VALUES (@toLane, @esp, @to) ON CONFLICT (lane) DO NOTHING');
  const dropLane = db.prepare('DELETE FROM lanes WHERE lane = @fromLane');
  // A customer linked under both names keeps the new name's link.
  const moveLinks = db.prepare('UPDATE OR IGNORE engage_contacts SET plugin = @to WHERE plugin = @from');
  const dropLinks = db.prepare('DELETE FROM engage_contacts WHERE plugin = @from');
  const rename = db.transaction((a: { esp: string; from: string; to: string; fromLane: string; toLane: string }) => {
    const deliveries = moveDeliveries.run(a).changes;
    if (deliveries > 0) addLane.run(a);
    dropLane.run(a);
    const contactLinks = moveLinks.run(a).changes;
    dropLinks.run(a);
    return { deliveries, contactLinks };
  });

  const inUse = db.prepare(`
    SELECT esp, plugin, SUM(CASE WHEN status = 'dead' THEN 0 ELSE 1 END) AS active, SUM(CASE WHEN status = 'dead' THEN 1 ELSE 0 END) AS dead
      FROM deliveries WHERE status NOT IN ('delivered', 'shadow') GROUP BY esp, plugin ORDER BY esp, plugin`);

  const byPlugin = db.prepare('SELECT status, esp, plugin, COUNT(*) AS count FROM deliveries GROUP BY status, esp, plugin ORDER BY status, esp, plugin');

  return {
    async countsByPlugin() {
      return byPlugin.all() as PluginCount[];
    },
    async probeWrite(now) {
      probe.run(now);
    },
    async prune({ now, deliveriesBefore, eventsBefore, batch = PRUNE_BATCH }) {
      const deliveries = deliveriesBefore === null ? 0 : await inBatches(batch, async (after) => deliveriesBatch.immediate(after, deliveriesBefore, now, batch));
      const events = eventsBefore === null ? 0 : await inBatches(batch, async (after) => eventsBatch.immediate(after, eventsBefore, now, batch));
      return { deliveries, events };
    },
    async erasePerson(email, now) {
      const key = erasedKey(email);
      const mentions = (mentioning.all(key) as { id: string }[]).map((r) => r.id);
      const eventKeys = (carrying.all(key) as { key: string }[]).map((r) => r.key);
      return erase.immediate(key, now, mentions, eventKeys);
    },
    async renamePlugin(a) {
      return rename.immediate(a);
    },
    async pluginsInUse() {
      return inUse.all() as PluginUse[];
    },
  };
}
