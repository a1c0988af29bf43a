// Writing inbox rows in PostgreSQL: new events (deduplicated by key) and the expansion of stored
// calls into rows. Each write of rows is one statement with its keys in sorted order, so that two
// transactions inserting overlapping keys wait for each other in the same order and never deadlock.
import type { PoolClient } from 'pg';
import type { CallDecoder, InboxSource, NewInboxEvent } from '../inbox.ts';

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
export function errorText(error: string): string {
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

/** Inserts new events as pending rows; per row, whether it was new. */
export function insertPending(client: PoolClient, rows: readonly NewInboxEvent[]): Promise<boolean[]> {
  return insertRows(client, rows.map(pendingRow));
}

/**
 * Inside the caller's transaction: locks the oldest stored calls no other process is expanding
 * (at least one, about `maxEvents` events), inserts their events, keeps an unreadable call as a
 * failed row, and deletes the calls.
 */
export async function expandCalls(client: PoolClient, maxEvents: number, decode: CallDecoder): Promise<{ calls: number; events: number; inserted: number }> {
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
}
