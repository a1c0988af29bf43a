// The whole store, opened once (src/storage/open.ts): the outbox, the inbox and the ESPs'
// contact links on one SQLite file or one PostgreSQL pool. Whoever opened it closes it.
import type { ContactLinks } from './contacts.ts';
import type { DeliveryStore } from './deliveries.ts';
import type { InboxStore } from './inbox.ts';
import type { StoreMaintenance } from './maintenance.ts';
import type { QuotaStore } from './quotas.ts';

export interface Storage {
  readonly deliveries: DeliveryStore;
  readonly inbox: InboxStore;
  readonly contacts: ContactLinks;
  /** Across the tables: readiness probe, retention, erase, plugin renames (src/storage/maintenance.ts). */
  readonly maintenance: StoreMaintenance;
  /** Rate buckets shared with the other processes of this store (PostgreSQL); absent where one process owns the store (SQLite). */
  readonly quotas?: QuotaStore;
  /** Where the store lives, for log lines and summaries (never a URL: it may hold a password). */
  describe(): string;
  /** Writes what waits (the deliveries' group commit), then closes the connection or pool. Once. */
  close(): Promise<void>;
}
