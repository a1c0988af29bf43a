// The inbox in the embedded SQLite file (migrations 2 and 4: tables inbox_events, inbox_batches),
// on the store's one connection.
import type Database from 'better-sqlite3';
import { orderOfResult, type CallDecoder, type InboxFilter, type InboxSource, type InboxStatus, type InboxStore, type NewInboxEvent, type StoredCall } from '../inbox.ts';
import { DUE, toInboxEvent as toEvent, type InboxRow as Row } from '../rows.ts';

export function openSqliteInbox(db: Database.Database): InboxStore {
  const insertRows = inserting(db);
  const insertAll = db.transaction(insertRows);
  const appendAll = appending(db);
  const expand = expanding(db, insertRows);
  const dueStmt = db.prepare(`SELECT * FROM inbox_events WHERE ${DUE} AND next_attempt_at <= ? ORDER BY next_attempt_at, received_at LIMIT ?`);
  const processed = db.prepare(`UPDATE inbox_events SET status = 'processed', attempts = attempts + 1, updated_at = ?, processed_at = ?, last_error = NULL, result = ?, order_number = ? WHERE key = ?`);
  const failed = db.prepare(`UPDATE inbox_events SET status = 'failed', attempts = attempts + 1, updated_at = ?, last_error = ? WHERE key = ?`);
  const retry = db.prepare(`UPDATE inbox_events SET status = 'retry', attempts = attempts + 1, updated_at = ?, next_attempt_at = ?, last_error = ? WHERE key = ?`);
  const getStmt = db.prepare('SELECT * FROM inbox_events WHERE key = ?');
  const listAll = db.prepare('SELECT * FROM inbox_events ORDER BY received_at DESC, key LIMIT ? OFFSET ?');
  const listBy = db.prepare('SELECT * FROM inbox_events WHERE status = ? ORDER BY received_at DESC, key LIMIT ? OFFSET ?');
  const countStmt = db.prepare('SELECT status, COUNT(*) AS n FROM inbox_events GROUP BY status');
  const pendingStmt = db.prepare(`SELECT COUNT(*) AS n FROM inbox_events WHERE ${DUE}`);
  const nextDueStmt = db.prepare(`SELECT MIN(next_attempt_at) AS t FROM inbox_events WHERE ${DUE}`);
  const callEvents = db.prepare('SELECT COALESCE(SUM(count), 0) AS n FROM inbox_batches');

  return {
    async insertMany(rows) {
      return rows.length ? insertAll(rows) : [];
    },
    async appendCalls(calls) {
      if (calls.length) appendAll(calls);
    },
    async expandCalls(maxEvents, decode) {
      return expand.immediate(maxEvents, decode);
    },
    async due(now, limit, exclude) {
      const extra = exclude?.size ?? 0;
      const rows = (dueStmt.all(now, limit + extra) as Row[]).filter((r) => !exclude?.has(r.key));
      return rows.slice(0, limit).map(toEvent);
    },
    async markProcessed(key, now, result) {
      processed.run(now, now, JSON.stringify(result ?? null), orderOfResult(result), key);
    },
    async markFailed(key, now, error) {
      failed.run(now, error.slice(0, 4000), key);
    },
    async markRetry(key, now, nextAttemptAt, error) {
      retry.run(now, nextAttemptAt, error.slice(0, 4000), key);
    },
    async get(key) {
      const r = getStmt.get(key) as Row | undefined;
      return r ? toEvent(r) : null;
    },
    async list(filter: InboxFilter) {
      const limit = Math.max(1, Math.min(filter.limit ?? 100, 1000));
      const offset = Math.max(0, filter.offset ?? 0);
      const rows = (filter.status ? listBy.all(filter.status, limit, offset) : listAll.all(limit, offset)) as Row[];
      return rows.map(toEvent);
    },
    async eventsFor(q) {
      const keys = [...new Set(q.keys ?? [])].slice(0, 1000);
      const rows = db
        .prepare(`SELECT * FROM inbox_events WHERE order_number = ? OR key IN (SELECT value FROM json_each(?)) ORDER BY received_at, key LIMIT 1000`)
        .all(q.order ?? null, JSON.stringify(keys)) as Row[];
      return rows.map(toEvent);
    },
    async counts() {
      const out: Record<InboxStatus, number> = { pending: 0, retry: 0, processed: 0, failed: 0 };
      for (const r of countStmt.all() as { status: InboxStatus; n: number }[]) out[r.status] = r.n;
      out.pending += (callEvents.get() as { n: number }).n;
      return out;
    },
    async pendingCount() {
      return (pendingStmt.get() as { n: number }).n + (callEvents.get() as { n: number }).n;
    },
    async nextDueAt() {
      return (nextDueStmt.get() as { t: number | null }).t;
    },
  };
}

/** Inserts rows (outside a transaction of its own); per row, whether it was new. */
function inserting(db: Database.Database): (rows: readonly NewInboxEvent[]) => boolean[] {
  const insert = db.prepare(`
    INSERT INTO inbox_events (key, source, type, action, object_id, date, event, status, attempts, next_attempt_at, received_at, updated_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?)
    ON CONFLICT (key) DO NOTHING`);
  return (rows) =>
    rows.map(
      (r) =>
        insert.run(r.key, r.source, r.type, r.action, r.objectId, r.date, r.event === undefined ? null : JSON.stringify(r.event), r.nextAttemptAt ?? r.receivedAt, r.receivedAt, r.receivedAt)
          .changes === 1,
    );
}

/** A stored call keeps its payload text as received: no per-event work before the acknowledgement. */
function appending(db: Database.Database): (calls: readonly StoredCall[]) => void {
  const insertCall = db.prepare('INSERT INTO inbox_batches (source, received_at, events, count) VALUES (?, ?, ?, ?)');
  return db.transaction((calls: readonly StoredCall[]) => {
    for (const c of calls) insertCall.run(c.source, c.receivedAt, c.payload, c.count);
  });
}

/** Moves the oldest stored calls' events into inbox rows, in one transaction; an unreadable call becomes one failed row. */
function expanding(db: Database.Database, insertRows: (rows: readonly NewInboxEvent[]) => boolean[]) {
  const oldestCalls = db.prepare('SELECT id, count FROM inbox_batches ORDER BY id LIMIT ?');
  const callById = db.prepare('SELECT source, received_at, events FROM inbox_batches WHERE id = ?');
  const deleteCall = db.prepare('DELETE FROM inbox_batches WHERE id = ?');
  const insertFailedCall = db.prepare(`
    INSERT INTO inbox_events (key, source, type, action, object_id, date, event, status, attempts, next_attempt_at, received_at, updated_at, last_error)
    VALUES (?, ?, 'call', 'expand', ?, '', ?, 'failed', 1, ?, ?, ?, ?)
    ON CONFLICT (key) DO NOTHING`);
  return db.transaction((maxEvents: number, decode: CallDecoder) => {
    let calls = 0;
    let events = 0;
    let inserted = 0;
    // Calls hold at most a few hundred events: take the oldest one by one until the budget is spent.
    for (const { id, count } of oldestCalls.all(64) as { id: number; count: number }[]) {
      if (calls > 0 && events + count > maxEvents) break;
      const row = callById.get(id) as { source: InboxSource; received_at: number; events: string };
      const call: StoredCall = { source: row.source, receivedAt: row.received_at, payload: row.events, count };
      let rows: NewInboxEvent[] | null = null;
      try {
        rows = decode(call);
      } catch (err) {
        const now = Date.now();
        insertFailedCall.run(`call:${id}`, row.source, String(id), JSON.stringify({ payload: row.events }), now, row.received_at, now, `stored call could not be read: ${(err as Error).message}`.slice(0, 4000));
      }
      if (rows) for (const r of insertRows(rows)) if (r) inserted++;
      deleteCall.run(id);
      calls++;
      events += count;
    }
    return { calls, events, inserted };
  });
}
