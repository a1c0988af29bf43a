// The inbox in PostgreSQL (the scale-out store): the same tables and semantics as the embedded
// inbox (src/ingest/sqlite-inbox.ts). What differs is that several bridge processes may share
// the tables, so the two reads that hand out work also claim it:
//  - expandCalls locks the stored calls it takes (FOR UPDATE SKIP LOCKED): two expanders never
//    expand the same call, and neither waits for the other;
//  - due() leases the rows it returns by pushing their next_attempt_at `leaseMs` ahead: no other
//    process takes them meanwhile, and if this one dies they are due again when the lease ends.
// Every write of inbox rows is one statement with its keys in sorted order, so that two
// transactions inserting overlapping keys wait for each other in the same order and never deadlock.
import type { PoolClient, QueryResultRow } from 'pg';
import type { CallDecoder, InboxFilter, InboxSource, InboxStatus, InboxStore, NewInboxEvent } from '../../ingest/inbox.ts';
import { DUE, toInboxEvent as toEvent, type InboxRow as Row } from '../../ingest/inbox-rows.ts';
import type { PostgresHandle } from './connect.ts';

export interface PostgresInboxOptions {
  /** How long a row returned by due() stays claimed by this process (default 60 s). */
  leaseMs?: number;
}

/** A row as written (event as JSON text): new events are pending, an unreadable stored call is written failed. */
type RowToInsert = Omit<NewInboxEvent, 'event' | 'nextAttemptAt'> & {
  event: string | null;
  status: 'pending' | 'failed';
  attempts: number;
  nextAttemptAt: number;
  updatedAt: number;
  lastError: string | null;
};

interface CallRow {
  id: number;
  source: InboxSource;
  received_at: number;
  events: string;
  count: number;
}

/**
 * The oldest stored calls not being expanded by another process, about `$1` events' worth.
 * How many to lock is estimated from the oldest 64 calls (as the embedded inbox looks at), locked
 * or not; the caller applies the exact budget to what it got. A call it then leaves aside stays
 * locked until the commit, which only makes another expander skip it for that long.
 */
const TAKE_CALLS = `
  SELECT id, source, received_at, events, count FROM inbox_batches
   ORDER BY id
   LIMIT (SELECT GREATEST(1, COUNT(*)) FROM (
            SELECT SUM(count) OVER (ORDER BY id) AS upto FROM (SELECT id, count FROM inbox_batches ORDER BY id LIMIT 64) oldest
          ) running WHERE upto <= $1)
     FOR UPDATE SKIP LOCKED`;

function pendingRow(r: NewInboxEvent): RowToInsert {
  return {
    key: r.key,
    source: r.source,
    type: r.type,
    action: r.action,
    objectId: r.objectId,
    date: r.date,
    event: r.event === undefined ? null : JSON.stringify(r.event),
    status: 'pending',
    attempts: 0,
    nextAttemptAt: r.nextAttemptAt ?? r.receivedAt,
    receivedAt: r.receivedAt,
    updatedAt: r.receivedAt,
    lastError: null,
  };
}

/** Error texts are kept short, and without NUL characters, which a PostgreSQL TEXT column rejects (SQLite does not). */
function errorText(error: string): string {
  return error.replace(/\u0000/g, '').slice(0, 4000);
}

/**
 * Inserts the rows in one statement, a key already stored left untouched; per row, whether it was new.
 * A key repeated within `rows` is sent once: its first occurrence may be new, the later ones are not.
 */
async function insertRows(client: PoolClient, rows: readonly RowToInsert[]): Promise<boolean[]> {
  if (!rows.length) return [];
  const firstIndex = new Map<string, number>();
  rows.forEach((r, i) => {
    if (!firstIndex.has(r.key)) firstIndex.set(r.key, i);
  });
  const unique = [...firstIndex.values()].map((i) => rows[i]);
  const col = <K extends keyof RowToInsert>(k: K) => unique.map((r) => r[k]);
  const res = await client.query<{ key: string }>(
    `INSERT INTO inbox_events (key, source, type, action, object_id, date, event, status, attempts, next_attempt_at, received_at, updated_at, last_error)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::int[], $10::bigint[], $11::bigint[], $12::bigint[], $13::text[])
                AS t(key, source, type, action, object_id, date, event, status, attempts, next_attempt_at, received_at, updated_at, last_error)
      ORDER BY key
     ON CONFLICT (key) DO NOTHING
     RETURNING key`,
    [
      col('key'), col('source'), col('type'), col('action'), col('objectId'), col('date'), col('event'),
      col('status'), col('attempts'), col('nextAttemptAt'), col('receivedAt'), col('updatedAt'), col('lastError'),
    ],
  );
  const inserted = new Set(res.rows.map((r) => r.key));
  return rows.map((r, i) => firstIndex.get(r.key) === i && inserted.has(r.key));
}

/** The inbox in the schema of `handle`. `close()` releases the handle (once). */
export function openPostgresInbox(handle: PostgresHandle, options: PostgresInboxOptions = {}): InboxStore {
  const { pool, ready } = handle;
  const leaseMs = options.leaseMs ?? 60_000;
  const query = async <R extends QueryResultRow>(sql: string, params: unknown[] = []): Promise<R[]> => {
    await ready;
    return (await pool.query<R>(sql, params)).rows;
  };
  let closed = false;

  return {
    async insertMany(rows) {
      await ready;
      if (!rows.length) return [];
      return handle.transaction((client) => insertRows(client, rows.map(pendingRow)));
    },

    async appendCalls(calls) {
      await ready;
      if (!calls.length) return;
      // One statement, so one transaction; WITH ORDINALITY keeps the ids in the order the calls came.
      await pool.query(
        `INSERT INTO inbox_batches (source, received_at, events, count)
         SELECT source, received_at, events, count
           FROM unnest($1::text[], $2::bigint[], $3::text[], $4::int[]) WITH ORDINALITY AS t(source, received_at, events, count, n)
          ORDER BY n`,
        [calls.map((c) => c.source), calls.map((c) => c.receivedAt), calls.map((c) => c.payload), calls.map((c) => c.count)],
      );
    },

    async expandCalls(maxEvents: number, decode: CallDecoder) {
      await ready;
      return handle.transaction(async (client) => {
        const locked = (await client.query<CallRow>(TAKE_CALLS, [maxEvents])).rows;
        const taken: CallRow[] = [];
        let events = 0;
        for (const c of locked) {
          if (taken.length > 0 && events + c.count > maxEvents) break;
          taken.push(c);
          events += c.count;
        }
        if (!taken.length) return { calls: 0, events: 0, inserted: 0 };

        // In id order, so that an event in two calls keeps its first arrival, as in the embedded inbox.
        const rows: RowToInsert[] = [];
        for (const c of taken) {
          try {
            rows.push(...decode({ source: c.source, receivedAt: c.received_at, payload: c.events, count: c.count }).map(pendingRow));
          } catch (err) {
            // Kept, payload and all, as a failed row: nothing accepted is lost, and it does not block the calls after it.
            const now = Date.now();
            rows.push({
              key: `call:${c.id}`, source: c.source, type: 'call', action: 'expand', objectId: String(c.id), date: '',
              event: JSON.stringify({ payload: c.events }), status: 'failed', attempts: 1, nextAttemptAt: now,
              receivedAt: c.received_at, updatedAt: now, lastError: errorText(`stored call could not be read: ${(err as Error).message}`),
            });
          }
        }
        const isNew = await insertRows(client, rows);
        // Only decoded events count as inserted: a failed row has nothing for the processor.
        const inserted = rows.filter((r, i) => isNew[i] && r.status === 'pending').length;
        await client.query('DELETE FROM inbox_batches WHERE id = ANY($1::bigint[])', [taken.map((c) => c.id)]);
        return { calls: taken.length, events, inserted };
      });
    },

    /**
     * Claims the due rows: they come back with nextAttemptAt = now + leaseMs (the end of the
     * claim), not the time they were due. markProcessed/markFailed/markRetry end the claim; a row
     * whose outcome is never recorded is due again once the lease ends (processed at least once).
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
      return rows.map(toEvent);
    },

    async markProcessed(key, now, result) {
      await query(
        `UPDATE inbox_events SET status = 'processed', attempts = attempts + 1, updated_at = $1, processed_at = $1, last_error = NULL, result = $2 WHERE key = $3`,
        [now, JSON.stringify(result ?? null), key],
      );
    },

    async markFailed(key, now, error) {
      await query(`UPDATE inbox_events SET status = 'failed', attempts = attempts + 1, updated_at = $1, last_error = $2 WHERE key = $3`, [now, errorText(error), key]);
    },

    async markRetry(key, now, nextAttemptAt, error) {
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

    async close() {
      if (closed) return;
      closed = true;
      // Not while the migrations may still be running on the pool; whether they failed no longer matters.
      await ready.catch(() => {});
      await handle.release();
    },
  };
}
