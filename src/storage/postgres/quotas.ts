// Rate buckets shared by the processes of one PostgreSQL schema (table rate_buckets, migration 3).
// A lease is one statement: it locks the credential's bucket rows in one order (so two leases
// never deadlock), refills them to the database's clock — one clock for every process, whatever
// their own clocks say — and takes the same number of tokens from each. A charge (Centra's
// post-paid complexity buckets) is one call of the function rate_charge (migration 5).
import type { ChargeResult, QuotaLease, QuotaStore } from '../quotas.ts';
import type { PostgresHandle } from './connect.ts';

/** The database's clock in epoch milliseconds (clock_timestamp: the moment of the statement, not of its transaction). */
const DB_NOW = `(extract(epoch FROM clock_timestamp()) * 1000)::bigint`;

export function postgresQuotas(handle: PostgresHandle): QuotaStore {
  return {
    async declare(credential, buckets) {
      const sorted = [...buckets].sort((a, b) => a.intervalMs - b.intervalMs);
      await handle.query(
        `INSERT INTO rate_buckets (credential, interval_ms, capacity, per_ms, tokens, updated_at)
         SELECT $1, interval_ms, capacity, per_ms, capacity, ${DB_NOW}
           FROM unnest($2::bigint[], $3::float8[], $4::float8[]) WITH ORDINALITY AS t(interval_ms, capacity, per_ms, n)
          ORDER BY n
         ON CONFLICT (credential, interval_ms) DO UPDATE
            SET capacity = excluded.capacity, per_ms = excluded.per_ms, tokens = LEAST(rate_buckets.tokens, excluded.capacity)`,
        [credential, sorted.map((b) => b.intervalMs), sorted.map((b) => b.capacity), sorted.map((b) => b.perMs)],
      );
    },

    async lease(credential, intervalsMs, want): Promise<QuotaLease> {
      // The clock is read before the row locks may be waited for: a lease that waited refills from
      // the later of the two times (GREATEST), so no stretch of time is ever counted twice.
      const { rows } = await handle.query<{ interval_ms: number; tokens: number; per_ms: number; granted: number }>(
        `WITH clock AS (SELECT ${DB_NOW} AS t),
         cur AS (
           SELECT b.interval_ms, b.per_ms, GREATEST(b.updated_at, clock.t) AS t,
                  LEAST(b.capacity, b.tokens + GREATEST(0, clock.t - b.updated_at) * b.per_ms) AS avail
             FROM rate_buckets b CROSS JOIN clock
            WHERE b.credential = $1 AND b.interval_ms = ANY($2::bigint[])
            ORDER BY b.interval_ms
              FOR UPDATE OF b
         ),
         g AS (SELECT GREATEST(0, LEAST($3::int, floor(min(avail) + 1e-9)))::int AS n FROM cur)
         UPDATE rate_buckets b SET tokens = cur.avail - g.n, updated_at = cur.t
           FROM cur CROSS JOIN g
          WHERE b.credential = $1 AND b.interval_ms = cur.interval_ms
         RETURNING b.interval_ms, b.tokens, b.per_ms, g.n AS granted`,
        [credential, [...intervalsMs], Math.max(0, Math.floor(want))],
      );
      return {
        granted: rows.length === intervalsMs.length ? (rows[0]?.granted ?? 0) : 0,
        left: rows.map((r) => ({ intervalMs: r.interval_ms, tokens: r.tokens, perMs: r.per_ms })),
      };
    },

    async charge(credential, intervalsMs, holder, op): Promise<ChargeResult> {
      const { rows } = await handle.query<{ interval_ms: number; tokens: number; per_ms: number; held: number; granted: number }>(
        `SELECT interval_ms, tokens, per_ms, held, granted FROM rate_charge($1, $2::bigint[], $3, $4, $5, $6, $7, $8)`,
        [credential, [...intervalsMs], holder, op.release, op.cost, op.unit, Math.max(0, Math.floor(op.want)), Math.round(op.holdMs)],
      );
      return {
        granted: rows.length === intervalsMs.length ? (rows[0]?.granted ?? 0) : 0,
        left: rows.map((r) => ({ intervalMs: r.interval_ms, tokens: r.tokens, perMs: r.per_ms })),
        held: rows[0]?.held ?? 0,
      };
    },
  };
}
