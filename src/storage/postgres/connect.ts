// One connection pool per process to the PostgreSQL store, in its own schema, migrated once.
// Several bridge processes may share the database: that is what this store is for (DESIGN.md,
// "scale-out store"); claims use FOR UPDATE SKIP LOCKED so that they never hand a row out twice.
import pg from 'pg';
import { StoreUnavailableError } from '../errors.ts';
import { PG_MIGRATIONS } from './migrations.ts';

export interface PostgresOptions {
  /** postgres://user:password@host:port/database (read from the environment variable the config names). */
  url: string;
  /** Schema holding the bridge's tables (created if missing); default `esp_bridge`. */
  schema?: string;
  /** Pool size; default 10. */
  maxConnections?: number;
}

export interface PostgresHandle {
  readonly pool: pg.Pool;
  readonly schema: string;
  /** Resolves once the schema exists and every migration ran (the first caller runs them). */
  readonly ready: Promise<void>;
  /** Runs one statement on the pool, once the migrations ran. */
  query<R extends pg.QueryResultRow = any>(sql: string, params?: unknown[]): Promise<pg.QueryResult<R>>;
  /** Runs `fn` in one transaction on one connection. */
  transaction<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T>;
  /** Ends the pool once every user of the handle has released it. */
  release(): Promise<void>;
}

const INT8 = 20;
/** Epoch milliseconds and counts come back as numbers (they stay far below 2^53). */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => (oid === INT8 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text'))) as typeof pg.types.getTypeParser,
};

export { StoreUnavailableError };

/** host:port/database of a connection URL: what an error may show (never the user or password). */
export function describePostgresUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || 5432}${u.pathname}`;
  } catch {
    return 'an unparseable URL';
  }
}

const handles = new Map<string, { handle: PostgresHandle; users: number }>();

/** A shared handle per (url, schema): the outbox, the inbox and the contact map use one pool. */
export function connectPostgres(options: PostgresOptions): PostgresHandle {
  const schema = options.schema ?? 'esp_bridge';
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`storage.postgres.schema "${schema}" must be a plain lower-case identifier`);
  const id = `${options.url}\u0000${schema}`;
  const known = handles.get(id);
  if (known) {
    known.users++;
    return known.handle;
  }
  const pool = new pg.Pool({ connectionString: options.url, max: options.maxConnections ?? 10, types, options: `-c search_path=${schema}` });
  // An idle client's error (the server restarted) must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  const transaction = async <T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  };
  const ready = migrate(pool, schema).catch((err: Error) => {
    throw err instanceof StoreUnavailableError ? err : new StoreUnavailableError(`PostgreSQL store at ${describePostgresUrl(options.url)} (schema ${schema}) is not available: ${err.message}`);
  });
  ready.catch(() => {});
  const entry = { users: 1, handle: undefined as unknown as PostgresHandle };
  entry.handle = {
    pool,
    schema,
    ready,
    async query(sql, params) {
      await ready;
      return pool.query(sql, params);
    },
    transaction,
    async release() {
      if (--entry.users > 0) return;
      handles.delete(id);
      await pool.end();
    },
  };
  handles.set(id, entry);
  return entry.handle;
}

/** Creates the schema and applies the missing migrations, under an advisory lock so that processes starting together do not race. */
async function migrate(pool: pg.Pool, schema: string): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [`esp-bridge:${schema}`]);
    try {
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      await client.query(`CREATE TABLE IF NOT EXISTS ${schema}.schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`);
      const applied = new Set((await client.query<{ version: number }>(`SELECT version FROM ${schema}.schema_migrations`)).rows.map((r) => r.version));
      for (const m of PG_MIGRATIONS) {
        if (applied.has(m.version)) continue;
        await client.query('BEGIN');
        try {
          await client.query(m.sql);
          await client.query(`INSERT INTO ${schema}.schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)`, [m.version, m.name, Date.now()]);
          await client.query('COMMIT');
        } catch (err) {
          await client.query('ROLLBACK');
          throw new StoreUnavailableError(`PostgreSQL migration ${m.version} (${m.name}) failed: ${(err as Error).message}`);
        }
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock(hashtext($1))', [`esp-bridge:${schema}`]);
    }
  } finally {
    client.release();
  }
}
