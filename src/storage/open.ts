// Opens the store the config names: the outbox (DeliveryStore) and the inbox (InboxStore),
// both on the embedded SQLite file or both on one PostgreSQL schema (one pool shared by the two).
import path from 'node:path';
import type { Config } from '../config/schema.ts';
import { InputError } from '../config/errors.ts';
import { resolveSecret } from '../config/secret.ts';
import { openSqliteInbox } from '../ingest/sqlite-inbox.ts';
import type { InboxStore } from '../ingest/inbox.ts';
import type { DeliveryStore } from './port.ts';
import { connectPostgres, type PostgresHandle } from './postgres/connect.ts';
import { openPostgresInbox } from './postgres/inbox.ts';
import { openPostgresStore } from './postgres/store.ts';
import { openSqliteStore } from './sqlite/store.ts';

export interface OpenStoreOptions {
  /** Overrides storage.sqlitePath (tests, the demo). */
  sqlitePath?: string;
  env?: NodeJS.ProcessEnv;
}

/** The SQLite `synchronous` level the config asks for (outbox and inbox alike). */
export function sqliteSynchronous(config: Config): 'NORMAL' | 'FULL' {
  return config.storage.synchronous === 'full' ? 'FULL' : 'NORMAL';
}

/** Where the store lives, for log lines and summaries (never the URL: it may hold a password). */
export function describeStore(config: Config, opts: OpenStoreOptions = {}): string {
  return config.storage.kind === 'postgres' ? `PostgreSQL schema ${config.storage.postgres.schema}` : path.resolve(opts.sqlitePath ?? config.storage.sqlitePath);
}

function postgresOf(config: Config, opts: OpenStoreOptions): PostgresHandle {
  const pg = config.storage.postgres;
  let url: string;
  try {
    url = resolveSecret(pg.url, opts.env);
  } catch (err) {
    throw new InputError('storage.postgres.url', [(err as Error).message]);
  }
  return connectPostgres({ url, schema: pg.schema, maxConnections: pg.maxConnections });
}

export function openDeliveryStore(config: Config, opts: OpenStoreOptions = {}): DeliveryStore {
  if (config.storage.kind === 'postgres') return openPostgresStore(postgresOf(config, opts));
  return openSqliteStore({ path: path.resolve(opts.sqlitePath ?? config.storage.sqlitePath), synchronous: sqliteSynchronous(config) });
}

export function openInboxStore(config: Config, opts: OpenStoreOptions = {}): InboxStore {
  if (config.storage.kind === 'postgres') return openPostgresInbox(postgresOf(config, opts));
  return openSqliteInbox({ path: path.resolve(opts.sqlitePath ?? config.storage.sqlitePath), synchronous: sqliteSynchronous(config) });
}
