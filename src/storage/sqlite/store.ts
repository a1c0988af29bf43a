// The embedded store: better-sqlite3 in WAL mode. See docs/delivery.md for the durability choice.
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import type { ClaimArgs, DeliveryFilter, DeliveryStore, FinishArgs, LaneInfo, NewDelivery, StateCount } from '../port.ts';
import { MIGRATIONS } from './migrations.ts';
import { ACTIVE, toAttempt, toDelivery, type AttemptRow, type DeliveryRow as Row } from '../rows.ts';

export interface SqliteStoreOptions {
  /** Database file; default `./data/bridge.sqlite`. Missing directories are created. */
  path?: string;
  /** `NORMAL` (default) or `FULL`; see docs/delivery.md. */
  synchronous?: 'NORMAL' | 'FULL';
  /** How long a writer waits for another process's write lock; default 5000 ms. */
  busyTimeoutMs?: number;
}

export const DEFAULT_SQLITE_PATH = './data/bridge.sqlite';

export function migrate(db: Database.Database): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`);
  const applied = new Set(
    (db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version),
  );
  const done: number[] = [];
  for (const m of MIGRATIONS) {
    if (applied.has(m.version)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        m.version,
        m.name,
        Date.now(),
      );
    }).immediate();
    done.push(m.version);
  }
  return done;
}

export function openSqliteStore(options: SqliteStoreOptions = {}): DeliveryStore & { readonly db: Database.Database } {
  const file = resolve(options.path ?? DEFAULT_SQLITE_PATH);
  mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${options.synchronous ?? 'NORMAL'}`);
  db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
  db.pragma('foreign_keys = ON');
  migrate(db);

  const insertDelivery = db.prepare(`
    INSERT INTO deliveries (id, event_id, email_type, recipient, recipient_address, plugin, esp, lane,
      request, status, attempts, next_attempt_at, created_at, updated_at)
    VALUES (@id, @eventId, @emailType, @recipient, @to, @plugin, @esp, @lane,
      @request, 'pending', 0, @createdAt, @createdAt, @createdAt)
    ON CONFLICT(id) DO NOTHING`);
  const insertLane = db.prepare(`INSERT INTO lanes (lane, esp, plugin) VALUES (?, ?, ?) ON CONFLICT(lane) DO NOTHING`);
  const insertMany = db.transaction((rows: NewDelivery[]) => {
    let inserted = 0;
    const lanes = new Map<string, NewDelivery>();
    for (const r of rows) {
      inserted += insertDelivery.run({ ...r, request: JSON.stringify(r.request) }).changes;
      lanes.set(r.lane, r);
    }
    for (const [lane, r] of lanes) insertLane.run(lane, r.esp, r.plugin);
    return inserted;
  });

  // One statement: pick a bounded batch of due rows from the partial index and lease them.
  // An in_flight row carries next_attempt_at = lease_until, so a lapsed lease is simply "due".
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

  const finishDelivered = db.prepare(`
    UPDATE deliveries
       SET status = 'delivered', delivered_at = @at, lease_owner = NULL, lease_until = NULL,
           last_status = @lastStatus, last_error = NULL, updated_at = @now
     WHERE id = @id AND status <> 'delivered'`);
  const finishRetry = db.prepare(`
    UPDATE deliveries
       SET status = 'retry_scheduled', next_attempt_at = @nextAttemptAt, lease_owner = NULL, lease_until = NULL,
           last_status = @lastStatus, last_error = @error, updated_at = @now
     WHERE id = @id AND status = 'in_flight' AND lease_owner = @owner`);
  const finishDead = db.prepare(`
    UPDATE deliveries
       SET status = 'dead', lease_owner = NULL, lease_until = NULL,
           last_status = @lastStatus, last_error = @error, updated_at = @now
     WHERE id = @id AND status = 'in_flight' AND lease_owner = @owner`);
  const insertAttempt = db.prepare(`
    INSERT INTO delivery_attempts (delivery_id, attempt, worker_id, started_at, finished_at, outcome, status, error, duration_ms)
    VALUES (@deliveryId, @attempt, @workerId, @startedAt, @finishedAt, @outcome, @status, @error, @durationMs)`);
  const finishOne = (a: FinishArgs): boolean => {
    let changes: number;
    const base = { id: a.id, owner: a.owner, now: a.now, lastStatus: a.lastStatus };
    if (a.next.status === 'delivered') {
      changes = finishDelivered.run({ ...base, at: a.next.at }).changes;
    } else if (a.next.status === 'retry_scheduled') {
      changes = finishRetry.run({ ...base, nextAttemptAt: a.next.nextAttemptAt, error: a.next.reason }).changes;
    } else {
      changes = finishDead.run({ ...base, error: a.next.reason }).changes;
    }
    insertAttempt.run(changes > 0 ? a.attempt : { ...a.attempt, outcome: a.next.status === 'delivered' ? 'delivered' : 'lease_lost' });
    return changes > 0;
  };
  // Group commit: the outcomes that arrive in one turn of the event loop are written in one
  // transaction (one WAL append instead of one per delivery). The caller's promise resolves
  // only after its transaction committed.
  const finishAll = db.transaction((batch: FinishArgs[]) => batch.map(finishOne));
  let pendingFinishes: { args: FinishArgs; resolve(v: boolean): void; reject(e: unknown): void }[] = [];
  const flushFinishes = () => {
    const batch = pendingFinishes;
    pendingFinishes = [];
    try {
      const results = finishAll.immediate(batch.map((b) => b.args));
      batch.forEach((b, i) => b.resolve(results[i]));
    } catch (err) {
      for (const b of batch) b.reject(err);
    }
  };

  const release = db.prepare(`
    UPDATE deliveries
       SET status = CASE WHEN attempts > 1 THEN 'retry_scheduled' ELSE 'pending' END,
           attempts = attempts - 1, next_attempt_at = @nextAttemptAt,
           lease_owner = NULL, lease_until = NULL, updated_at = @now
     WHERE id = @id AND status = 'in_flight' AND lease_owner = @owner`);

  const selectLanes = db.prepare('SELECT lane, esp, plugin FROM lanes ORDER BY lane');
  const selectNextDue = db.prepare(
    `SELECT MIN(next_attempt_at) AS t FROM deliveries INDEXED BY deliveries_due WHERE lane = ? AND ${ACTIVE}`,
  );
  const selectOne = db.prepare('SELECT * FROM deliveries WHERE id = ?');
  const selectAttempts = db.prepare('SELECT * FROM delivery_attempts WHERE delivery_id = ? ORDER BY id');
  const replayOne = db.prepare(`
    UPDATE deliveries
       SET status = 'pending', attempts = 0, next_attempt_at = @now, lease_owner = NULL, lease_until = NULL,
           delivered_at = NULL, updated_at = @now
     WHERE id = @id AND status <> 'in_flight'`);
  const replayDead = db.prepare(`
    UPDATE deliveries
       SET status = 'pending', attempts = 0, next_attempt_at = @now, lease_owner = NULL, lease_until = NULL,
           updated_at = @now
     WHERE status = 'dead'`);
  const selectCounts = db.prepare(
    'SELECT status, esp, COUNT(*) AS count FROM deliveries GROUP BY status, esp ORDER BY status, esp',
  );
  const selectDepth = db.prepare(
    `SELECT COUNT(*) AS n FROM deliveries INDEXED BY deliveries_active_created WHERE ${ACTIVE}`,
  );
  const selectOldest = db.prepare(
    `SELECT MIN(created_at) AS t FROM deliveries INDEXED BY deliveries_active_created WHERE ${ACTIVE}`,
  );

  let closed = false;
  return {
    db,
    async insertDeliveries(rows) {
      if (rows.length === 0) return { inserted: 0, duplicates: 0 };
      const inserted = insertMany.immediate(rows);
      return { inserted, duplicates: rows.length - inserted };
    },
    async claimDue(a: ClaimArgs) {
      const rows = claim.all({
        lane: a.lane,
        owner: a.owner,
        now: a.now,
        until: a.now + a.leaseMs,
        limit: Math.max(0, Math.floor(a.limit)),
      }) as Row[];
      return rows.map(toDelivery).sort((x, y) => x.createdAt - y.createdAt || (x.id < y.id ? -1 : 1));
    },
    finishAttempt(a) {
      return new Promise<boolean>((resolve, reject) => {
        if (pendingFinishes.push({ args: a, resolve, reject }) === 1) setImmediate(flushFinishes);
      });
    },
    async releaseClaim(id, owner, nextAttemptAt, now) {
      return release.run({ id, owner, nextAttemptAt, now }).changes > 0;
    },
    async lanes() {
      return selectLanes.all() as LaneInfo[];
    },
    async nextDueAt(lane) {
      const r = selectNextDue.get(lane) as { t: number | null };
      return r.t;
    },
    async listDeliveries(f: DeliveryFilter) {
      const where: string[] = [];
      const params: Record<string, unknown> = {};
      if (f.status) (where.push('status = @status'), (params.status = f.status));
      if (f.esp) (where.push('esp = @esp'), (params.esp = f.esp));
      if (f.emailType) (where.push('email_type = @emailType'), (params.emailType = f.emailType));
      params.limit = Math.min(Math.max(1, Math.floor(f.limit ?? 100)), 1000);
      params.offset = Math.max(0, Math.floor(f.offset ?? 0));
      const sql = `SELECT * FROM deliveries ${where.length ? 'WHERE ' + where.join(' AND ') : ''}
        ORDER BY created_at DESC, id LIMIT @limit OFFSET @offset`;
      return (db.prepare(sql).all(params) as Row[]).map(toDelivery);
    },
    async getDelivery(id) {
      const r = selectOne.get(id) as Row | undefined;
      return r ? toDelivery(r) : null;
    },
    async listAttempts(id) {
      return (selectAttempts.all(id) as AttemptRow[]).map(toAttempt);
    },
    async replay(id, now) {
      return replayOne.run({ id, now }).changes > 0;
    },
    async replayAllDead(now) {
      return replayDead.run({ now }).changes;
    },
    async countsByStateAndEsp(): Promise<StateCount[]> {
      return selectCounts.all() as StateCount[];
    },
    async queueDepth() {
      return (selectDepth.get() as { n: number }).n;
    },
    async oldestActiveCreatedAt() {
      return (selectOldest.get() as { t: number | null }).t;
    },
    async close() {
      if (closed) return;
      closed = true;
      if (pendingFinishes.length) flushFinishes();
      db.close();
    },
  };
}
