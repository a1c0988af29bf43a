// A throwaway schema in the machine's PostgreSQL (CI and the dev machine run one on
// 127.0.0.1:5432, trust auth, database `test`; override with TEST_DATABASE_URL).
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TempSchema {
  url: string;
  schema: string;
  /** Runs SQL in the schema (for assertions on what is stored). */
  query<T extends pg.QueryResultRow = any>(sql: string, params?: unknown[]): Promise<T[]>;
  drop(): Promise<void>;
}

export async function tempSchema(prefix = 't'): Promise<TempSchema> {
  const schema = `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  try {
    await client.connect();
  } catch (err) {
    throw new Error(`PostgreSQL is not reachable at ${TEST_DATABASE_URL} (${(err as Error).message}); the tests need it (set TEST_DATABASE_URL)`);
  }
  await client.query(`SET search_path = ${schema}`);
  return {
    url: TEST_DATABASE_URL,
    schema,
    async query(sql, params) {
      return (await client.query(sql, params as unknown[])).rows;
    },
    async drop() {
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    },
  };
}
