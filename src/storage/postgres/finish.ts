// Recording an attempt in the PostgreSQL outbox, as in the embedded one (src/storage/sqlite/finish.ts):
// delivered always wins, any other state only under the lease, the attempt logged either way.
// The outcomes of one event-loop turn share a transaction (one round trip of BEGIN…COMMIT).
import type { PoolClient } from 'pg';
import type { FinishArgs } from '../deliveries.ts';
import { perTurnBatches, type PerTurnBatches } from '../per-turn.ts';
import type { PostgresHandle } from './connect.ts';

export function postgresFinishes(handle: PostgresHandle): PerTurnBatches<FinishArgs, boolean> {
  return perTurnBatches(async (batch: FinishArgs[]) => {
    await handle.ready;
    return handle.transaction(async (client) => {
      const out: boolean[] = [];
      for (const a of batch) out.push(await finishOne(client, a));
      return out;
    });
  });
}

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
