// The scale-out store: the outbox, the inbox and the contact map on one pool to one schema
// (src/storage/postgres/connect.ts migrates it on first use).
import type { Storage } from '../port.ts';
import type { QuotaStore } from '../quotas.ts';
import { connectPostgres, type PostgresHandle, type PostgresOptions } from './connect.ts';
import { postgresContactLinks } from './contacts.ts';
import { postgresMaintenance } from './maintenance.ts';
import { openPostgresDeliveries, type PostgresDeliveryStore } from './deliveries.ts';
import { openPostgresInbox, type PostgresInbox, type PostgresInboxOptions } from './inbox.ts';
import { postgresQuotas } from './quotas.ts';

export interface PostgresStorage extends Storage {
  readonly deliveries: PostgresDeliveryStore;
  readonly quotas: QuotaStore;
  readonly inbox: PostgresInbox;
  /** The pool (tests wait on `handle.ready` before writing tables directly). */
  readonly handle: PostgresHandle;
}

export function openPostgresStorage(options: PostgresOptions, inbox: PostgresInboxOptions = {}): PostgresStorage {
  const handle = connectPostgres(options);
  const deliveries = openPostgresDeliveries(handle);
  const inboxStore = openPostgresInbox(handle, inbox);
  let closing: Promise<void> | undefined;
  return {
    handle,
    deliveries,
    inbox: inboxStore,
    contacts: postgresContactLinks(handle),
    maintenance: postgresMaintenance(handle),
    quotas: postgresQuotas(handle),
    describe: () => `PostgreSQL schema ${handle.schema}`,
    close() {
      closing ??= (async () => {
        inboxStore.close();
        await deliveries.flush();
        // Not while the migrations may still be running on the pool; whether they failed no longer matters.
        await handle.ready.catch(() => {});
        await handle.release();
      })();
      return closing;
    },
  };
}
