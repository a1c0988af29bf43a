// Contact links in PostgreSQL (table engage_contacts of migration 1: the name stays, see ../contacts.ts), on the store's pool.
import { normalEmail, type ContactLinks } from '../contacts.ts';
import { toLink, type ContactRow } from '../rows.ts';
import type { PostgresHandle } from './connect.ts';

export function postgresContactLinks(handle: PostgresHandle): ContactLinks {
  const query = async (sql: string, params: unknown[]) => (await handle.query<ContactRow>(sql, params)).rows;
  return {
    async byCustomer(plugin, customerId) {
      return toLink((await query('SELECT * FROM engage_contacts WHERE plugin = $1 AND customer_id = $2', [plugin, customerId]))[0]);
    },
    async put(l) {
      await query(
        `INSERT INTO engage_contacts (plugin, customer_id, email, contact_id, contact_type, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (plugin, customer_id) DO UPDATE SET email = excluded.email, contact_id = excluded.contact_id,
           contact_type = excluded.contact_type, updated_at = excluded.updated_at`,
        [l.plugin, l.customerId, normalEmail(l.email), l.contactId, l.contactType, Date.now()],
      );
    },
    async forget(plugin, customerId) {
      await query('DELETE FROM engage_contacts WHERE plugin = $1 AND customer_id = $2', [plugin, customerId]);
    },
  };
}
