// The Engage contact map in the embedded SQLite file (migration 3: table engage_contacts).
import type Database from 'better-sqlite3';
import { normalEmail, type EngageContactMap } from '../contacts.ts';
import { toLink, type ContactRow } from '../rows.ts';

export function sqliteContactMap(db: Database.Database): EngageContactMap {
  const one = db.prepare('SELECT * FROM engage_contacts WHERE plugin = ? AND customer_id = ?');
  const upsert = db.prepare(`
    INSERT INTO engage_contacts (plugin, customer_id, email, contact_id, contact_type, updated_at) VALUES (?, ?, ?, ?, ?, ?)
    ON CONFLICT (plugin, customer_id) DO UPDATE SET email = excluded.email, contact_id = excluded.contact_id,
      contact_type = excluded.contact_type, updated_at = excluded.updated_at`);
  const del = db.prepare('DELETE FROM engage_contacts WHERE plugin = ? AND customer_id = ?');
  return {
    async byCustomer(plugin, customerId) {
      return toLink(one.get(plugin, customerId) as ContactRow | undefined);
    },
    async put(l) {
      upsert.run(l.plugin, l.customerId, normalEmail(l.email), l.contactId, l.contactType, Date.now());
    },
    async forget(plugin, customerId) {
      del.run(plugin, customerId);
    },
  };
}
