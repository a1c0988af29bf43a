export { openSqliteStore, migrate, DEFAULT_SQLITE_PATH, type SqliteStoreOptions } from './store.ts';
