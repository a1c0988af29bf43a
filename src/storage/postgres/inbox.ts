// The inbox in PostgreSQL (the scale-out store): the same tables and semantics as the embedded
// inbox (src/storage/sqlite/inbox.ts). What differs is that several bridge processes may share
// the tables, so the two reads that hand out work also claim it:
//  - expandCalls locks the stored calls it takes (FOR UPDATE SKIP LOCKED): two expanders never
//    expand the same call, and neither waits for the other;
//  - due() leases the rows it returns by pushing their next_attempt_at `leaseMs` (15 s) ahead: no
//    other process takes them meanwhile; the lease is renewed while the row is worked on
//    (inbox-lease.ts), and if this process dies the rows are due again when the lease ends.
// The writes of rows and the expansion of stored calls are in src/storage/postgres/inbox-writes.ts.
import type { QueryResultRow } from 'pg';
import { orderOfResult, type CallDecoder, type InboxFilter, type InboxStatus, type InboxStore } from '../inbox.ts';
import { DUE, toInboxEvent as toEvent, type InboxRow as Row } from '../rows.ts';
import type { PostgresHandle } from './connect.ts';
import { errorText, expandCalls, insertPending } from './inbox-writes.ts';
import { inboxLeaseKeeper, type InboxLeaseKeeper } from './inbox-lease.ts';

export interface PostgresInboxOptions {
  /** How long a row returned by due() stays claimed by this process unless renewed; renewed every third of it while worked on (default 15 s). */
  leaseMs?: number;
  /** How often those leases are renewed (default a third of leaseMs; 0 = never by itself: tests on a fake clock). */
  renewEveryMs?: number;
}

export const DEFAULT_INBOX_LEASE_MS = 15_000;

export interface PostgresInbox extends InboxStore {
  /** The claims this process keeps renewed. */
  readonly leases: InboxLeaseKeeper;
  /** Stops renewing (the store is closing). */
  close(): void;
}

/** The inbox in the schema of `handle` (the store's pool; src/storage/postgres/open.ts releases it). */
export function openPostgresInbox(handle: PostgresHandle, options: PostgresInboxOptions = {}): PostgresInbox {
  const { ready } = handle;
  const leaseMs = options.leaseMs ?? DEFAULT_INBOX_LEASE_MS;
  const leases = inboxLeaseKeeper(handle, { leaseMs, renewEveryMs: options.renewEveryMs });
  const query = async <R extends QueryResultRow>(sql: string, params: unknown[] = []): Promise<R[]> => (await handle.query<R>(sql, params)).rows;
  return {
    leases,
    close: () => leases.close(),
    async insertMany(rows) {
      await ready;
      if (!rows.length) return [];
      return handle.transaction((client) => insertPending(client, rows));
    },

    async appendCalls(calls) {
      await ready;
      if (!calls.length) return;
      // One statement, so one transaction; WITH ORDINALITY keeps the ids in the order the calls came.
      await handle.query(
        `INSERT INTO inbox_batches (source, received_at, events, count)
         SELECT source, received_at, events, count
           FROM unnest($1::text[], $2::bigint[], $3::text[], $4::int[]) WITH ORDINALITY AS t(source, received_at, events, count, n)
          ORDER BY n`,
        [calls.map((c) => c.source), calls.map((c) => c.receivedAt), calls.map((c) => c.payload), calls.map((c) => c.count)],
      );
    },

    async expandCalls(maxEvents: number, decode: CallDecoder) {
      await ready;
      return handle.transaction((client) => expandCalls(client, maxEvents, decode));
    },

    /**
     * Claims the due rows: they come back with nextAttemptAt = now + leaseMs (the end of the
     * claim), not the time they were due, and stay claimed (renewed) until markProcessed,
     * markFailed or markRetry ends the claim; a row whose outcome is never recorded is due again
     * once the lease ends (processed at least once).
     */
    async due(now, limit, exclude) {
      const rows = await query<Row & { due_at: number }>(
        `WITH claimed AS (
           SELECT key, next_attempt_at AS due_at FROM inbox_events
            WHERE ${DUE} AND next_attempt_at <= $1 AND key <> ALL($3::text[])
            ORDER BY next_attempt_at, received_at
            LIMIT $2
              FOR UPDATE SKIP LOCKED
         )
         UPDATE inbox_events e SET next_attempt_at = $4 FROM claimed WHERE e.key = claimed.key
         RETURNING e.*, claimed.due_at`,
        [now, Math.max(0, limit), [...(exclude ?? [])], now + leaseMs],
      );
      // UPDATE … RETURNING has no order of its own: oldest due first, as claimed.
      rows.sort((a, b) => a.due_at - b.due_at || a.received_at - b.received_at);
      leases.claimed(rows.map((r) => ({ key: r.key, until: r.next_attempt_at })));
      return rows.map(toEvent);
    },

    async markProcessed(key, now, result) {
      leases.ended(key);
      await query(
        `UPDATE inbox_events SET status = 'processed', attempts = attempts + 1, updated_at = $1, processed_at = $1, last_error = NULL, result = $2, order_number = $4 WHERE key = $3`,
        [now, JSON.stringify(result ?? null), key, orderOfResult(result)],
      );
    },

    async markFailed(key, now, error) {
      leases.ended(key);
      await query(`UPDATE inbox_events SET status = 'failed', attempts = attempts + 1, updated_at = $1, last_error = $2 WHERE key = $3`, [now, errorText(error), key]);
    },

    async markRetry(key, now, nextAttemptAt, error) {
      leases.ended(key);
      await query(
        `UPDATE inbox_events SET status = 'retry', attempts = attempts + 1, updated_at = $1, next_attempt_at = $2, last_error = $3 WHERE key = $4`,
        [now, nextAttemptAt, errorText(error), key],
      );
    },

    async get(key) {
      const [r] = await query<Row>('SELECT * FROM inbox_events WHERE key = $1', [key]);
      return r ? toEvent(r) : null;
    },

    async list(filter: InboxFilter) {
      const limit = Math.max(1, Math.min(filter.limit ?? 100, 1000));
      const offset = Math.max(0, filter.offset ?? 0);
      const rows = filter.status
        ? await query<Row>('SELECT * FROM inbox_events WHERE status = $3 ORDER BY received_at DESC, key LIMIT $1 OFFSET $2', [limit, offset, filter.status])
        : await query<Row>('SELECT * FROM inbox_events ORDER BY received_at DESC, key LIMIT $1 OFFSET $2', [limit, offset]);
      return rows.map(toEvent);
    },

    async eventsFor(q) {
      const keys = [...new Set(q.keys ?? [])].slice(0, 1000);
      const rows = await query<Row>('SELECT * FROM inbox_events WHERE order_number = $1 OR key = ANY($2::text[]) ORDER BY received_at, key LIMIT 1000', [q.order ?? null, keys]);
      return rows.map(toEvent);
    },

    // The counts below are single statements, so one snapshot: a call being expanded concurrently
    // is counted either as a stored call or as its rows, never as both.
    async counts() {
      const out: Record<InboxStatus, number> = { pending: 0, retry: 0, processed: 0, failed: 0 };
      const rows = await query<{ status: InboxStatus | null; n: number }>(
        `SELECT status, COUNT(*) AS n FROM inbox_events GROUP BY status
         UNION ALL
         SELECT NULL, COALESCE(SUM(count), 0) FROM inbox_batches`,
      );
      // NULL: the events of stored calls not yet expanded, which are pending.
      for (const r of rows) out[r.status ?? 'pending'] += r.n;
      return out;
    },

    async pendingCount() {
      const [r] = await query<{ n: number }>(
        `SELECT (SELECT COUNT(*) FROM inbox_events WHERE ${DUE}) + (SELECT COALESCE(SUM(count), 0) FROM inbox_batches) AS n`,
      );
      return r.n;
    },

    /** Includes claimed rows, at the end of their lease: when they would be due again. */
    async nextDueAt() {
      const [r] = await query<{ t: number | null }>(`SELECT MIN(next_attempt_at) AS t FROM inbox_events WHERE ${DUE}`);
      return r.t;
    },
  };
}
