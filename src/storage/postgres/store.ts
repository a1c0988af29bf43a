// The scale-out store: the outbox in PostgreSQL, shared by any number of worker processes.
// Same tables and state machine as the embedded store (src/storage/sqlite/store.ts); the
// differences are how a claim stays exclusive (FOR UPDATE SKIP LOCKED: two workers never lease
// the same row, and neither waits for the other) and that every call is a network round trip.
import type { ClaimArgs, DeliveryFilter, DeliveryStore, FinishArgs, LaneInfo, NewDelivery, StateCount } from '../port.ts';
import { ACTIVE, toAttempt, toDelivery, type AttemptRow, type DeliveryRow } from '../rows.ts';
import type { PoolClient } from 'pg';
import type { PostgresHandle } from './connect.ts';

export function openPostgresStore(handle: PostgresHandle): DeliveryStore & { readonly handle: PostgresHandle } {
  const { pool, ready } = handle;
  const query = async <R extends object = Record<string, unknown>>(sql: string, params: unknown[] = []) => {
    await ready;
    return pool.query<R & Record<string, any>>(sql, params);
  };

  async function finishOne(client: PoolClient, a: FinishArgs): Promise<boolean> {
    const n = a.next;
    const res =
      n.status === 'delivered'
        ? await client.query(
            `UPDATE deliveries SET status = 'delivered', delivered_at = $2, lease_owner = NULL, lease_until = NULL,
                    last_status = $3, last_error = NULL, updated_at = $4
              WHERE id = $1 AND status <> 'delivered'`,
            [a.id, n.at, a.lastStatus, a.now],
          )
        : await client.query(
            `UPDATE deliveries SET status = $3, next_attempt_at = COALESCE($4, next_attempt_at), lease_owner = NULL, lease_until = NULL,
                    last_status = $5, last_error = $6, updated_at = $7
              WHERE id = $1 AND status = 'in_flight' AND lease_owner = $2`,
            [a.id, a.owner, n.status, n.status === 'retry_scheduled' ? n.nextAttemptAt : null, a.lastStatus, n.reason, a.now],
          );
    const updated = (res.rowCount ?? 0) > 0;
    // A write that lost its lease is still recorded, as what it was: the row's history stays complete.
    const at = updated ? a.attempt : { ...a.attempt, outcome: n.status === 'delivered' ? ('delivered' as const) : ('lease_lost' as const) };
    await client.query(
      `INSERT INTO delivery_attempts (delivery_id, attempt, worker_id, started_at, finished_at, outcome, status, error, duration_ms)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [at.deliveryId, at.attempt, at.workerId, at.startedAt, at.finishedAt, at.outcome, at.status, at.error, Math.round(at.durationMs)],
    );
    return updated;
  }

  // Group commit, as in the embedded store: the outcomes of one event-loop turn share a transaction.
  let pendingFinishes: { args: FinishArgs; resolve(v: boolean): void; reject(e: unknown): void }[] = [];
  let finishing: Promise<void> = Promise.resolve();
  const flushFinishes = () => {
    const batch = pendingFinishes;
    pendingFinishes = [];
    if (!batch.length) return finishing;
    finishing = finishing.then(async () => {
      await ready;
      try {
        const results = await handle.transaction(async (client) => {
          const out: boolean[] = [];
          for (const b of batch) out.push(await finishOne(client, b.args));
          return out;
        });
        batch.forEach((b, i) => b.resolve(results[i]));
      } catch (err) {
        for (const b of batch) b.reject(err);
      }
    });
    return finishing;
  };

  let closed = false;
  return {
    handle,
    async insertDeliveries(rows: NewDelivery[]) {
      if (rows.length === 0) return { inserted: 0, duplicates: 0 };
      await ready;
      const inserted = await handle.transaction(async (client) => {
        const col = <K extends keyof NewDelivery>(k: K) => rows.map((r) => r[k]);
        const res = await client.query(
          `INSERT INTO deliveries (id, event_id, email_type, recipient, recipient_address, plugin, esp, lane,
                                   request, status, attempts, next_attempt_at, created_at, updated_at)
           SELECT id, event_id, email_type, recipient, recipient_address, plugin, esp, lane, request, 'pending', 0, created_at, created_at, created_at
             FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::bigint[])
                  AS t(id, event_id, email_type, recipient, recipient_address, plugin, esp, lane, request, created_at)
           ON CONFLICT (id) DO NOTHING`,
          [col('id'), col('eventId'), col('emailType'), col('recipient'), col('to'), col('plugin'), col('esp'), col('lane'), rows.map((r) => JSON.stringify(r.request)), col('createdAt')],
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
    finishAttempt(a) {
      return new Promise<boolean>((resolve, reject) => {
        if (pendingFinishes.push({ args: a, resolve, reject }) === 1) setImmediate(flushFinishes);
      });
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
    async lanes() {
      return (await query<LaneInfo>('SELECT lane, esp, plugin FROM lanes ORDER BY lane')).rows as LaneInfo[];
    },
    async nextDueAt(lane) {
      return (await query<{ t: number | null }>(`SELECT MIN(next_attempt_at) AS t FROM deliveries WHERE lane = $1 AND ${ACTIVE}`, [lane])).rows[0].t;
    },
    async listDeliveries(f: DeliveryFilter) {
      const where: string[] = [];
      const params: unknown[] = [];
      const add = (sql: string, v: unknown) => (params.push(v), where.push(`${sql} = $${params.length}`));
      if (f.status) add('status', f.status);
      if (f.esp) add('esp', f.esp);
      if (f.emailType) add('email_type', f.emailType);
      params.push(Math.min(Math.max(1, Math.floor(f.limit ?? 100)), 1000), Math.max(0, Math.floor(f.offset ?? 0)));
      const sql = `SELECT * FROM deliveries ${where.length ? 'WHERE ' + where.join(' AND ') : ''}
        ORDER BY created_at DESC, id COLLATE "C" LIMIT $${params.length - 1} OFFSET $${params.length}`;
      return (await query<DeliveryRow>(sql, params)).rows.map(toDelivery);
    },
    async getDelivery(id) {
      const r = (await query<DeliveryRow>('SELECT * FROM deliveries WHERE id = $1', [id])).rows[0];
      return r ? toDelivery(r) : null;
    },
    async listAttempts(id) {
      return (await query<AttemptRow>('SELECT * FROM delivery_attempts WHERE delivery_id = $1 ORDER BY id', [id])).rows.map(toAttempt);
    },
    async replay(id, now) {
      const res = await query(
        `UPDATE deliveries SET status = 'pending', attempts = 0, next_attempt_at = $2, lease_owner = NULL, lease_until = NULL,
                delivered_at = NULL, updated_at = $2
          WHERE id = $1 AND status <> 'in_flight'`,
        [id, now],
      );
      return (res.rowCount ?? 0) > 0;
    },
    async replayAllDead(now) {
      const res = await query(
        `UPDATE deliveries SET status = 'pending', attempts = 0, next_attempt_at = $1, lease_owner = NULL, lease_until = NULL, updated_at = $1
          WHERE status = 'dead'`,
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
    async close() {
      if (closed) return;
      closed = true;
      await flushFinishes();
      await handle.release();
    },
  };
}
