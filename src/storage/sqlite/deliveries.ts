// The outbox in the embedded SQLite file: the DeliveryStore port assembled from small units,
// each owning its statements (enqueue, claim, finish in src/storage/sqlite/finish.ts, operator
// writes, reads in src/storage/sqlite/deliveries-read.ts).
import type Database from 'better-sqlite3';
import type { ClaimArgs, DeliveryFilter, DeliveryStore, NewDelivery, StoredDelivery } from '../deliveries.ts';
import { ACTIVE, deliveryWhere, toDelivery, type DeliveryRow } from '../rows.ts';
import { sqliteDeliveryReads } from './deliveries-read.ts';
import { sqliteFinishes } from './finish.ts';

export interface SqliteDeliveryStore extends DeliveryStore {
  /** The plan SQLite picks for the claim statement the store runs (EXPLAIN QUERY PLAN), one line per step. */
  explainClaim(): string[];
  /** Writes the outcomes waiting for the next group commit. */
  flush(): Promise<void>;
}

export function openSqliteDeliveries(db: Database.Database): SqliteDeliveryStore {
  const enqueue = enqueueing(db);
  const claim = claiming(db);
  const finishes = sqliteFinishes(db);
  const operator = operatorWrites(db);
  return {
    ...sqliteDeliveryReads(db),
    async insertDeliveries(rows) {
      if (rows.length === 0) return { inserted: 0, duplicates: 0 };
      const inserted = enqueue(rows);
      return { inserted, duplicates: rows.length - inserted };
    },
    async claimDue(a) {
      return claim.run(a);
    },
    explainClaim: () => claim.explain(),
    finishAttempt: async (a) => (await finishes.append([a]))[0]!,
    flush: () => finishes.flush(),
    async extendLease(id, owner, leaseUntil, now) {
      return operator.extend.run({ id, owner, leaseUntil, now }).changes > 0;
    },
    async releaseClaim(id, owner, nextAttemptAt, now) {
      return operator.release.run({ id, owner, nextAttemptAt, now }).changes > 0;
    },
    async resumeRetries(a) {
      return operator.resume.run({ lane: a.lane, since: a.since, now: a.now, limit: a.limit === undefined ? -1 : Math.max(0, Math.floor(a.limit)) }).changes;
    },
    async replay(id, now, opts = {}) {
      return operator.replayOne.run({ id, now, evenDelivered: opts.evenDelivered ? 1 : 0 }).changes > 0;
    },
    async replayAllDead(now) {
      return operator.replayDead.run({ now }).changes;
    },
    async replayDeadMatching(filter, now, expect) {
      return operator.replayDeadMatching(filter, now, expect);
    },
  };
}

/** Inserts new rows and their lanes in one transaction; returns how many rows were new. */
function enqueueing(db: Database.Database): (rows: NewDelivery[]) => number {
  const insertDelivery = db.prepare(`
    INSERT INTO deliveries (id, event_id, email_type, recipient, recipient_address, plugin, esp, lane,
      request, status, attempts, next_attempt_at, created_at, updated_at, order_number, object)
    VALUES (@id, @eventId, @emailType, @recipient, @to, @plugin, @esp, @lane,
      @request, @status, 0, @createdAt, @createdAt, @createdAt, @orderNumber, @object)
    ON CONFLICT(id) DO NOTHING`);
  const insertLane = db.prepare(`INSERT INTO lanes (lane, esp, plugin) VALUES (?, ?, ?) ON CONFLICT(lane) DO NOTHING`);
  const insertMany = db.transaction((rows: NewDelivery[]) => {
    let inserted = 0;
    const lanes = new Map<string, NewDelivery>();
    for (const r of rows) {
      const { shadow, ...row } = r;
      inserted += insertDelivery.run({ ...row, status: shadow ? 'shadow' : 'pending', request: JSON.stringify(r.request), orderNumber: r.orderNumber ?? null, object: r.object ?? null }).changes;
      lanes.set(r.lane, r);
    }
    for (const [lane, r] of lanes) insertLane.run(lane, r.esp, r.plugin);
    return inserted;
  });
  return (rows) => insertMany.immediate(rows);
}

/**
 * One statement: pick a bounded batch of due rows from the partial index and lease them.
 * An in_flight row carries next_attempt_at = lease_until, so a lapsed lease is simply "due".
 */
function claiming(db: Database.Database): { run(a: ClaimArgs): StoredDelivery[]; explain(): string[] } {
  const claim = db.prepare(`
    UPDATE deliveries
       SET status = 'in_flight', lease_owner = @owner, lease_until = @until, next_attempt_at = @until,
           attempts = attempts + 1, updated_at = @now
     WHERE id IN (
       SELECT id FROM deliveries INDEXED BY deliveries_due
        WHERE lane = @lane AND ${ACTIVE} AND next_attempt_at <= @now
        ORDER BY next_attempt_at
        LIMIT @limit)
    RETURNING *`);
  const params = (a: ClaimArgs) => ({ lane: a.lane, owner: a.owner, now: a.now, until: a.now + a.leaseMs, limit: Math.max(0, Math.floor(a.limit)) });
  return {
    run(a) {
      const rows = claim.all(params(a)) as DeliveryRow[];
      return rows.map(toDelivery).sort((x, y) => x.createdAt - y.createdAt || (x.id < y.id ? -1 : 1));
    },
    explain() {
      const plan = db.prepare(`EXPLAIN QUERY PLAN ${claim.source}`).all(params({ lane: '', owner: '', now: 0, leaseMs: 0, limit: 1 }));
      return (plan as { detail: string }[]).map((p) => p.detail);
    },
  };
}

/** What an operator (or a paused lane) does to a row besides attempting it. */
function operatorWrites(db: Database.Database) {
  return {
    // An in-flight row carries next_attempt_at = lease_until (see claim).
    extend: db.prepare(`
      UPDATE deliveries SET lease_until = @leaseUntil, next_attempt_at = @leaseUntil, updated_at = @now
       WHERE id = @id AND status = 'in_flight' AND lease_owner = @owner`),
    // Hands a claimed row back unattempted.
    release: db.prepare(`
      UPDATE deliveries
         SET status = CASE WHEN attempts > 1 THEN 'retry_scheduled' ELSE 'pending' END,
             attempts = attempts - 1, next_attempt_at = @nextAttemptAt,
             lease_owner = NULL, lease_until = NULL, updated_at = @now
       WHERE id = @id AND status = 'in_flight' AND lease_owner = @owner`),
    // The lane's ESP is back: the outage's backed-off rows fall due now (LIMIT -1: all of them).
    resume: db.prepare(`
      UPDATE deliveries SET next_attempt_at = @now, updated_at = @now
       WHERE id IN (
         SELECT id FROM deliveries INDEXED BY deliveries_due
          WHERE lane = @lane AND ${ACTIVE} AND status = 'retry_scheduled' AND next_attempt_at > @now AND updated_at >= @since
          ORDER BY next_attempt_at
          LIMIT @limit)`),
    replayOne: db.prepare(`
      UPDATE deliveries
         SET status = 'pending', attempts = 0, next_attempt_at = @now, lease_owner = NULL, lease_until = NULL,
             delivered_at = NULL, updated_at = @now
       WHERE id = @id AND status NOT IN ('in_flight', 'shadow') AND pruned_at IS NULL AND (@evenDelivered = 1 OR status <> 'delivered')`),
    replayDead: db.prepare(`
      UPDATE deliveries
         SET status = 'pending', attempts = 0, next_attempt_at = @now, lease_owner = NULL, lease_until = NULL,
             updated_at = @now
       WHERE status = 'dead' AND pruned_at IS NULL`),
    replayDeadMatching: db.transaction((filter: DeliveryFilter, now: number, expect: number) => {
      const w = deliveryWhere({ ...filter, status: 'dead' }, () => '?');
      const matched = (db.prepare(`SELECT COUNT(*) AS n FROM deliveries ${w.sql} AND pruned_at IS NULL`).get(...w.params) as { n: number }).n;
      if (matched !== expect) return { matched, replayed: 0 };
      const sql = `UPDATE deliveries SET status = 'pending', attempts = 0, next_attempt_at = ?, lease_owner = NULL, lease_until = NULL, updated_at = ? ${w.sql} AND pruned_at IS NULL`;
      return { matched, replayed: db.prepare(sql).run(now, now, ...w.params).changes };
    }),
  };
}
