// The scale-out store: the outbox in PostgreSQL, shared by any number of worker processes.
// Same tables and state machine as the embedded store (src/storage/sqlite/deliveries.ts); the
// differences are how a claim stays exclusive (FOR UPDATE SKIP LOCKED: two workers never lease
// the same row, and neither waits for the other) and that every call is a network round trip.
import type { ClaimArgs, DeliveryFilter, DeliveryStore, LaneInfo, NewDelivery, StateCount } from '../deliveries.ts';
import { ACTIVE, deliveryWhere, pageOf, toAttempt, toDelivery, type AttemptRow, type DeliveryRow } from '../rows.ts';
import type { PostgresHandle } from './connect.ts';
import { postgresFinishes } from './finish.ts';

export interface PostgresDeliveryStore extends DeliveryStore {
  /** Writes the outcomes waiting for the next group commit. */
  flush(): Promise<void>;
}

export function openPostgresDeliveries(handle: PostgresHandle): PostgresDeliveryStore {
  const { query, ready } = handle;

  const finishes = postgresFinishes(handle);
  return {
    async insertDeliveries(rows: NewDelivery[]) {
      if (rows.length === 0) return { inserted: 0, duplicates: 0 };
      await ready;
      const inserted = await handle.transaction(async (client) => {
        const col = <K extends keyof NewDelivery>(k: K) => rows.map((r) => r[k]);
        const res = await client.query(
          `INSERT INTO deliveries (id, event_id, email_type, recipient, recipient_address, plugin, esp, lane,
                                   request, status, attempts, next_attempt_at, created_at, updated_at, order_number, object)
           SELECT id, event_id, email_type, recipient, recipient_address, plugin, esp, lane, request, status, 0, created_at, created_at, created_at, order_number, object
             FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::bigint[], $11::text[], $12::text[], $13::text[])
                  AS t(id, event_id, email_type, recipient, recipient_address, plugin, esp, lane, request, created_at, order_number, object, status)
           ON CONFLICT (id) DO NOTHING`,
          [col('id'), col('eventId'), col('emailType'), col('recipient'), col('to'), col('plugin'), col('esp'), col('lane'), rows.map((r) => JSON.stringify(r.request)), col('createdAt'),
            rows.map((r) => r.orderNumber ?? null), rows.map((r) => r.object ?? null), rows.map((r) => (r.shadow ? 'shadow' : 'pending'))],
        );
        const lanes = new Map(rows.map((r) => [r.lane, r]));
        await client.query(
          `INSERT INTO lanes (lane, esp, plugin) SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) ON CONFLICT (lane) DO NOTHING`,
          [[...lanes.keys()], [...lanes.values()].map((r) => r.esp), [...lanes.values()].map((r) => r.plugin)],
        );
        return res.rowCount ?? 0;
      });
      return { inserted, duplicates: rows.length - inserted };
    },
    async claimDue(a: ClaimArgs) {
      // An in_flight row carries next_attempt_at = lease_until, so a lapsed lease is simply "due".
      const { rows } = await query<DeliveryRow>(
        `UPDATE deliveries
            SET status = 'in_flight', lease_owner = $2, lease_until = $3, next_attempt_at = $3, attempts = attempts + 1, updated_at = $4
          WHERE id IN (SELECT id FROM deliveries
                        WHERE lane = $1 AND ${ACTIVE} AND next_attempt_at <= $4
                        ORDER BY next_attempt_at
                        LIMIT $5
                        FOR UPDATE SKIP LOCKED)
        RETURNING *`,
        [a.lane, a.owner, a.now + a.leaseMs, a.now, Math.max(0, Math.floor(a.limit))],
      );
      return rows.map(toDelivery).sort((x, y) => x.createdAt - y.createdAt || (x.id < y.id ? -1 : 1));
    },
    finishAttempt: async (a) => (await finishes.append([a]))[0]!,
    flush: () => finishes.flush(),
    async extendLease(id, owner, leaseUntil, now) {
      // An in-flight row carries next_attempt_at = lease_until (see claim).
      const res = await query(
        `UPDATE deliveries SET lease_until = $3, next_attempt_at = $3, updated_at = $4
          WHERE id = $1 AND status = 'in_flight' AND lease_owner = $2`,
        [id, owner, leaseUntil, now],
      );
      return (res.rowCount ?? 0) > 0;
    },
    async releaseClaim(id, owner, nextAttemptAt, now) {
      const res = await query(
        `UPDATE deliveries
            SET status = CASE WHEN attempts > 1 THEN 'retry_scheduled' ELSE 'pending' END,
                attempts = attempts - 1, next_attempt_at = $3, lease_owner = NULL, lease_until = NULL, updated_at = $4
          WHERE id = $1 AND status = 'in_flight' AND lease_owner = $2`,
        [id, owner, nextAttemptAt, now],
      );
      return (res.rowCount ?? 0) > 0;
    },
    async resumeRetries(a) {
      // The lane's ESP is back: the outage's backed-off rows fall due now (LIMIT NULL: all of them).
      const res = await query(
        `UPDATE deliveries SET next_attempt_at = $3, updated_at = $3
          WHERE id IN (SELECT id FROM deliveries
                        WHERE lane = $1 AND status = 'retry_scheduled' AND next_attempt_at > $3 AND updated_at >= $2
                        ORDER BY next_attempt_at
                        LIMIT $4
                        FOR UPDATE SKIP LOCKED)`,
        [a.lane, a.since, a.now, a.limit === undefined ? null : Math.max(0, Math.floor(a.limit))],
      );
      return res.rowCount ?? 0;
    },
    async lanes() {
      return (await query<LaneInfo>('SELECT lane, esp, plugin FROM lanes ORDER BY lane')).rows as LaneInfo[];
    },
    async nextDueAt(lane) {
      return (await query<{ t: number | null }>(`SELECT MIN(next_attempt_at) AS t FROM deliveries WHERE lane = $1 AND ${ACTIVE}`, [lane])).rows[0].t;
    },
    async listDeliveries(f: DeliveryFilter) {
      const w = deliveryWhere(f, (n) => `$${n}`);
      const { limit, offset } = pageOf(f);
      const n = w.params.length;
      const sql = `SELECT * FROM deliveries ${w.sql} ORDER BY created_at DESC, id COLLATE "C" LIMIT $${n + 1} OFFSET $${n + 2}`;
      return (await query<DeliveryRow>(sql, [...w.params, limit, offset])).rows.map(toDelivery);
    },
    async countDeliveries(f: DeliveryFilter) {
      const w = deliveryWhere(f, (n) => `$${n}`);
      return Number((await query<{ n: string }>(`SELECT COUNT(*) AS n FROM deliveries ${w.sql}`, w.params)).rows[0]!.n);
    },
    async getDelivery(id) {
      const r = (await query<DeliveryRow>('SELECT * FROM deliveries WHERE id = $1', [id])).rows[0];
      return r ? toDelivery(r) : null;
    },
    async listAttempts(id) {
      return (await query<AttemptRow>('SELECT * FROM delivery_attempts WHERE delivery_id = $1 ORDER BY id', [id])).rows.map(toAttempt);
    },
    async replay(id, now, opts = {}) {
      const res = await query(
        `UPDATE deliveries SET status = 'pending', attempts = 0, next_attempt_at = $2, lease_owner = NULL, lease_until = NULL,
                delivered_at = NULL, updated_at = $2
          WHERE id = $1 AND status NOT IN ('in_flight', 'shadow') AND pruned_at IS NULL AND ($3 OR status <> 'delivered')`,
        [id, now, opts.evenDelivered === true],
      );
      return (res.rowCount ?? 0) > 0;
    },
    async replayDeadMatching(filter, now, expect) {
      await ready;
      const w = deliveryWhere({ ...filter, status: 'dead' }, (n) => `$${n + 1}`);
      try {
        return await handle.transaction(async (client) => {
          // Counted and changed in one statement; a count other than the one confirmed rolls it back.
          const res = await client.query(
            `UPDATE deliveries SET status = 'pending', attempts = 0, next_attempt_at = $1, lease_owner = NULL, lease_until = NULL, updated_at = $1 ${w.sql} AND pruned_at IS NULL`,
            [now, ...w.params],
          );
          const replayed = res.rowCount ?? 0;
          if (replayed !== expect) throw new CountChanged(replayed);
          return { matched: replayed, replayed };
        });
      } catch (err) {
        if (err instanceof CountChanged) return { matched: err.matched, replayed: 0 };
        throw err;
      }
    },
    async replayAllDead(now) {
      const res = await query(
        `UPDATE deliveries SET status = 'pending', attempts = 0, next_attempt_at = $1, lease_owner = NULL, lease_until = NULL, updated_at = $1
          WHERE status = 'dead' AND pruned_at IS NULL`,
        [now],
      );
      return res.rowCount ?? 0;
    },
    async countsByStateAndEsp(): Promise<StateCount[]> {
      return (await query<StateCount>('SELECT status, esp, COUNT(*)::int AS count FROM deliveries GROUP BY status, esp ORDER BY status, esp')).rows as StateCount[];
    },
    async queueDepth() {
      return (await query<{ n: number }>(`SELECT COUNT(*) AS n FROM deliveries WHERE ${ACTIVE}`)).rows[0].n;
    },
    async oldestActiveCreatedAt() {
      return (await query<{ t: number | null }>(`SELECT MIN(created_at) AS t FROM deliveries WHERE ${ACTIVE}`)).rows[0].t;
    },
    async retriedCount() {
      return (await query<{ n: number }>('SELECT COUNT(*)::int AS n FROM deliveries WHERE attempts > 1')).rows[0].n;
    },
    async countsByEmailType() {
      const sql = 'SELECT email_type AS "emailType", COUNT(*)::int AS count FROM deliveries GROUP BY email_type ORDER BY email_type COLLATE "C"';
      return (await query<{ emailType: string; count: number }>(sql)).rows as Awaited<ReturnType<DeliveryStore['countsByEmailType']>>;
    },
  };
}

/** Rolls back a bulk replay whose count is not the one the operator confirmed. */
class CountChanged extends Error {
  constructor(readonly matched: number) {
    super(`the count changed: ${matched}`);
  }
}
