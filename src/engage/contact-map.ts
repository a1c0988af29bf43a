// The Engage contactId of each Centra customer, per Voyado plugin: the port the Voyado transport
// writes (after a lookup, create or update) and the promotions route reads (?customerId=).
// Adapters on the delivery store's database (SQLite migration 3, PostgreSQL migration 1); an in-memory one for tests.
import type Database from 'better-sqlite3';
import type { PostgresHandle } from '../storage/postgres/connect.ts';

export interface ContactLink {
  plugin: string;
  customerId: number;
  email: string;
  contactId: string;
  contactType: string;
}

export interface EngageContactMap {
  byCustomer(plugin: string, customerId: number): Promise<ContactLink | null>;
  byEmail(plugin: string, email: string): Promise<ContactLink | null>;
  put(link: ContactLink): Promise<void>;
  /** Forgets a customer's contact (Engage answered ContactNotFound for it: merged or deleted). */
  forget(plugin: string, customerId: number): Promise<void>;
}

interface Row {
  plugin: string;
  customer_id: number;
  email: string;
  contact_id: string;
  contact_type: string;
}

const toLink = (r: Row | undefined): ContactLink | null =>
  r ? { plugin: r.plugin, customerId: r.customer_id, email: r.email, contactId: r.contact_id, contactType: r.contact_type } : null;

/** On an open better-sqlite3 database that has run the store's migrations (openSqliteStore(...).db). */
export function sqliteContactMap(db: Database.Database): EngageContactMap {
  const one = db.prepare('SELECT * FROM engage_contacts WHERE plugin = ? AND customer_id = ?');
  const byMail = db.prepare('SELECT * FROM engage_contacts WHERE plugin = ? AND email = ? ORDER BY updated_at DESC LIMIT 1');
  const upsert = db.prepare(`
    INSERT INTO engage_contacts (plugin, customer_id, email, contact_id, contact_type, updated_at) VALUES (?, ?, ?, ?, ?, ?)
    ON CONFLICT (plugin, customer_id) DO UPDATE SET email = excluded.email, contact_id = excluded.contact_id,
      contact_type = excluded.contact_type, updated_at = excluded.updated_at`);
  const del = db.prepare('DELETE FROM engage_contacts WHERE plugin = ? AND customer_id = ?');
  return {
    async byCustomer(plugin, customerId) {
      return toLink(one.get(plugin, customerId) as Row | undefined);
    },
    async byEmail(plugin, email) {
      return toLink(byMail.get(plugin, email.trim().toLowerCase()) as Row | undefined);
    },
    async put(l) {
      upsert.run(l.plugin, l.customerId, l.email.trim().toLowerCase(), l.contactId, l.contactType, Date.now());
    },
    async forget(plugin, customerId) {
      del.run(plugin, customerId);
    },
  };
}

export function memoryContactMap(): EngageContactMap & { readonly links: Map<string, ContactLink> } {
  const links = new Map<string, ContactLink>();
  const key = (plugin: string, id: number) => `${plugin}\u0000${id}`;
  return {
    links,
    async byCustomer(plugin, customerId) {
      return links.get(key(plugin, customerId)) ?? null;
    },
    async byEmail(plugin, email) {
      const e = email.trim().toLowerCase();
      return [...links.values()].reverse().find((l) => l.plugin === plugin && l.email === e) ?? null;
    },
    async put(l) {
      links.delete(key(l.plugin, l.customerId));
      links.set(key(l.plugin, l.customerId), { ...l, email: l.email.trim().toLowerCase() });
    },
    async forget(plugin, customerId) {
      links.delete(key(plugin, customerId));
    },
  };
}

/** On the PostgreSQL store's pool (table from its migration 1). */
export function postgresContactMap(handle: PostgresHandle): EngageContactMap {
  const one = async (sql: string, params: unknown[]) => {
    await handle.ready;
    return toLink((await handle.pool.query<Row>(sql, params)).rows[0]);
  };
  return {
    byCustomer: (plugin, customerId) => one('SELECT * FROM engage_contacts WHERE plugin = $1 AND customer_id = $2', [plugin, customerId]),
    byEmail: (plugin, email) => one('SELECT * FROM engage_contacts WHERE plugin = $1 AND email = $2 ORDER BY updated_at DESC LIMIT 1', [plugin, email.trim().toLowerCase()]),
    async put(l) {
      await handle.ready;
      await handle.pool.query(
        `INSERT INTO engage_contacts (plugin, customer_id, email, contact_id, contact_type, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (plugin, customer_id) DO UPDATE SET email = excluded.email, contact_id = excluded.contact_id,
           contact_type = excluded.contact_type, updated_at = excluded.updated_at`,
        [l.plugin, l.customerId, l.email.trim().toLowerCase(), l.contactId, l.contactType, Date.now()],
      );
    },
    async forget(plugin, customerId) {
      await handle.ready;
      await handle.pool.query('DELETE FROM engage_contacts WHERE plugin = $1 AND customer_id = $2', [plugin, customerId]);
    },
  };
}

/** The map on a delivery store: the SQLite adapter exposes `db`, the PostgreSQL one `handle`; anything else has none. */
export function contactMapOf(store: unknown): EngageContactMap | null {
  const s = store as { db?: Database.Database; handle?: PostgresHandle } | null;
  if (s?.db && typeof s.db.prepare === 'function') return sqliteContactMap(s.db);
  if (s?.handle?.pool) return postgresContactMap(s.handle);
  return null;
}
