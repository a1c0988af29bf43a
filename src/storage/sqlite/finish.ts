// Recording an attempt in the embedded outbox: the row moves on (delivered always wins; any other
// state only while the worker still holds the lease) and the attempt is logged either way, as what
// it was. Outcomes are group-committed (src/storage/group-commit.ts): one transaction per batch.
import type Database from 'better-sqlite3';
import type { FinishArgs } from '../deliveries.ts';
import { createGroupCommit, type GroupCommit } from '../group-commit.ts';

export function sqliteFinishes(db: Database.Database): GroupCommit<FinishArgs, boolean> {
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
    const base = { id: a.id, owner: a.owner, now: a.now, lastStatus: a.lastStatus };
    const n = a.next;
    const changes =
      n.status === 'delivered'
        ? finishDelivered.run({ ...base, at: n.at }).changes
        : n.status === 'retry_scheduled'
          ? finishRetry.run({ ...base, nextAttemptAt: n.nextAttemptAt, error: n.reason }).changes
          : finishDead.run({ ...base, error: n.reason }).changes;
    insertAttempt.run(changes > 0 ? a.attempt : { ...a.attempt, outcome: n.status === 'delivered' ? 'delivered' : 'lease_lost' });
    return changes > 0;
  };
  const finishAll = db.transaction((batch: FinishArgs[]) => batch.map(finishOne));
  return createGroupCommit({ commit: async (batch: FinishArgs[]) => finishAll.immediate(batch) });
}
