// Contact links in the embedded SQLite file (table engage_contacts of migration 3: the name stays, see ../contacts.ts).
import type Database from 'better-sqlite3';
import { normalEmail, type ContactLinks } from '../contacts.ts';
import { toLink, type ContactRow } from '../rows.ts';

export function sqliteContactLinks(db: Database.Database): ContactLinks {
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
