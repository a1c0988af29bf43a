// Opens the store the `storage:` config names, once: the outbox, the inbox and the contact map
// on the embedded SQLite file or on one PostgreSQL pool. The one place that picks the engine.
import path from 'node:path';
import { InputError } from '../config/errors.ts';
import { resolveSecret } from '../config/secret.ts';
import type { StorageConfig } from './config.ts';
import type { Storage } from './port.ts';
import { openPostgresStorage } from './postgres/open.ts';
import { openSqliteStorage } from './sqlite/open.ts';

export interface OpenStorageOptions {
  /** Overrides storage.sqlitePath (tests, the demo); relative paths resolve from the working directory. */
  sqlitePath?: string;
  /** Where the PostgreSQL URL's variable is read (default process.env). */
  env?: NodeJS.ProcessEnv;
}

export function openStorage(config: StorageConfig, opts: OpenStorageOptions = {}): Storage {
  if (config.kind === 'postgres') {
    const pg = config.postgres;
    let url: string;
    try {
      url = resolveSecret(pg.url, opts.env);
    } catch (err) {
      throw new InputError('storage.postgres.url', [(err as Error).message]);
    }
    return openPostgresStorage({ url, schema: pg.schema, maxConnections: pg.maxConnections }, { leaseMs: pg.inboxLeaseMs });
  }
  return openSqliteStorage({
    path: path.resolve(opts.sqlitePath ?? config.sqlitePath),
    synchronous: config.synchronous === 'full' ? 'FULL' : 'NORMAL',
  });
}
