// Recording an attempt in the PostgreSQL outbox, as in the embedded one (src/storage/sqlite/finish.ts):
// delivered always wins, any other state only under the lease, the attempt logged either way.
// The outcomes that wait together (src/storage/group-commit.ts: one commit at a time, everything that
// arrived meanwhile in the next) are written by ONE statement (a data-modifying CTE over arrays):
// one round trip however many rows, so an outcome is committed within about one round trip of its
// send ending. A process killed in between repeats only the sends whose outcome was in that batch.
import type { FinishArgs } from '../deliveries.ts';
import { createGroupCommit, type GroupCommit } from '../group-commit.ts';
import type { PostgresHandle } from './connect.ts';

const FINISH_BATCH = `
  WITH v AS (
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::int[], $7::text[], $8::bigint[],
                         $9::int[], $10::text[], $11::bigint[], $12::bigint[], $13::text[], $14::int[], $15::text[], $16::int[])
      AS v(id, owner, next_status, next_attempt_at, delivered_at, last_status, reason, now,
           attempt, worker_id, started_at, finished_at, outcome, status, error, duration_ms)
  ), upd AS (
    UPDATE deliveries d
       SET status = v.next_status,
           next_attempt_at = COALESCE(v.next_attempt_at, d.next_attempt_at),
           delivered_at = CASE WHEN v.next_status = 'delivered' THEN v.delivered_at ELSE d.delivered_at END,
           lease_owner = NULL, lease_until = NULL,
           last_status = v.last_status,
           last_error = CASE WHEN v.next_status = 'delivered' THEN NULL ELSE v.reason END,
           updated_at = v.now
      FROM v
     WHERE d.id = v.id
       AND ((v.next_status = 'delivered' AND d.status <> 'delivered')
         OR (v.next_status <> 'delivered' AND d.status = 'in_flight' AND d.lease_owner = v.owner))
    RETURNING d.id
  ), ins AS (
    -- A write that lost its lease is still recorded, as what it was: the row's history stays complete.
    INSERT INTO delivery_attempts (delivery_id, attempt, worker_id, started_at, finished_at, outcome, status, error, duration_ms)
    SELECT v.id, v.attempt, v.worker_id, v.started_at, v.finished_at,
           CASE WHEN v.id IN (SELECT id FROM upd) THEN v.outcome WHEN v.next_status = 'delivered' THEN 'delivered' ELSE 'lease_lost' END,
           v.status, v.error, v.duration_ms
      FROM v
  )
  SELECT id FROM upd`;

export function postgresFinishes(handle: PostgresHandle): GroupCommit<FinishArgs, boolean> {
  const commit = async (batch: FinishArgs[]): Promise<boolean[]> => {
    await handle.ready;
    const col = <T>(f: (a: FinishArgs) => T) => batch.map(f);
    const res = await handle.query<{ id: string }>(FINISH_BATCH, [
      col((a) => a.id),
      col((a) => a.owner),
      col((a) => a.next.status),
      col((a) => (a.next.status === 'retry_scheduled' ? a.next.nextAttemptAt : null)),
      col((a) => (a.next.status === 'delivered' ? a.next.at : null)),
      col((a) => a.lastStatus),
      col((a) => (a.next.status === 'delivered' ? null : a.next.reason)),
      col((a) => a.now),
      col((a) => a.attempt.attempt),
      col((a) => a.attempt.workerId),
      col((a) => a.attempt.startedAt),
      col((a) => a.attempt.finishedAt),
      col((a) => a.attempt.outcome),
      col((a) => a.attempt.status),
      col((a) => a.attempt.error),
      col((a) => Math.round(a.attempt.durationMs)),
    ]);
    const updated = new Set(res.rows.map((r) => r.id));
    return batch.map((a) => updated.has(a.id));
  };
  return createGroupCommit({ commit });
}
