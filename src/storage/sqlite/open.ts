// The embedded store: one better-sqlite3 connection in WAL mode to one file, shared by the outbox,
// the inbox and the contact map. better-sqlite3 is synchronous, so no two of their transactions
// ever interleave in a process; other processes on the file wait on busy_timeout.
// See docs/delivery.md for the durability choice (`synchronous`).
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import type { Storage } from '../port.ts';
import { sqliteContactLinks } from './contacts.ts';
import { sqliteMaintenance } from './maintenance.ts';
import { openSqliteDeliveries, type SqliteDeliveryStore } from './deliveries.ts';
import { openSqliteInbox } from './inbox.ts';
import { MIGRATIONS } from './migrations.ts';

export interface SqliteStorageOptions {
  /** The database file; missing directories are created. */
  path: string;
  /** `NORMAL` (default) or `FULL`; see docs/delivery.md. */
  synchronous?: 'NORMAL' | 'FULL';
  /** How long a writer waits for another process's write lock; default 5000 ms. */
  busyTimeoutMs?: number;
}

export interface SqliteStorage extends Storage {
  readonly deliveries: SqliteDeliveryStore;
  /** The connection (tests look at pragmas and tables through it). */
  readonly db: Database.Database;
}

export function openSqliteStorage(options: SqliteStorageOptions): SqliteStorage {
  const file = resolve(options.path);
  mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${options.synchronous ?? 'NORMAL'}`);
  db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
  db.pragma('foreign_keys = ON');
  migrate(db);
  const deliveries = openSqliteDeliveries(db);
  let closing: Promise<void> | undefined;
  return {
    db,
    deliveries,
    inbox: openSqliteInbox(db),
    contacts: sqliteContactLinks(db),
    maintenance: sqliteMaintenance(db),
    describe: () => file,
    close() {
      closing ??= deliveries.flush().finally(() => db.close());
      return closing;
    },
  };
}

/** Applies the migrations not yet recorded in schema_migrations, each in its own transaction; returns their versions. */
export function migrate(db: Database.Database): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`);
  const applied = new Set((db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version));
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  const done: number[] = [];
  for (const m of MIGRATIONS) {
    if (applied.has(m.version)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      record.run(m.version, m.name, Date.now());
    }).immediate();
    done.push(m.version);
  }
  return done;
}
