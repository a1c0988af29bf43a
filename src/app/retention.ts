// Retention (storage.retention, docs/operations.md): serve and worker prune the personal data of
// finished rows older than the configured days, at start and every `everyMinutes`. Several
// processes pruning the same PostgreSQL store do not wait on each other (SKIP LOCKED) and each
// prunes a row once.
import type { StorageConfig } from '../storage/config.ts';
import type { PruneResult, StoreMaintenance } from '../storage/maintenance.ts';

const DAY_MS = 86_400_000;

type Log = { info(obj: object, msg?: string): void; error(obj: object, msg?: string): void };

/** The cut-offs for now: rows created (deliveries) or received (events) before them are pruned. */
export function retentionCutoffs(retention: StorageConfig['retention'], now: number): { deliveriesBefore: number | null; eventsBefore: number | null } {
  return {
    deliveriesBefore: retention.deliveredDays === null ? null : now - retention.deliveredDays * DAY_MS,
    eventsBefore: retention.eventsDays === null ? null : now - retention.eventsDays * DAY_MS,
  };
}

export async function pruneOnce(maintenance: Pick<StoreMaintenance, 'prune'>, retention: StorageConfig['retention'], now: number = Date.now()): Promise<PruneResult> {
  return maintenance.prune({ now, ...retentionCutoffs(retention, now) });
}

export interface RetentionJob {
  /** The run in progress, if any (close waits for it). */
  stop(): Promise<void>;
}

export function startRetention(maintenance: Pick<StoreMaintenance, 'prune'>, retention: StorageConfig['retention'], log: Log): RetentionJob {
  if (retention.deliveredDays === null && retention.eventsDays === null) return { stop: async () => {} };
  let running: Promise<void> = Promise.resolve();
  const run = () => {
    running = running.then(async () => {
      try {
        const r = await pruneOnce(maintenance, retention);
        if (r.deliveries || r.events) log.info({ ...r, deliveredDays: retention.deliveredDays, eventsDays: retention.eventsDays }, 'retention: personal data of old finished rows removed');
      } catch (err) {
        log.error({ err: (err as Error).message }, 'retention: pruning failed; tried again at the next run');
      }
    });
  };
  const first = setTimeout(run, 1000);
  const timer = setInterval(run, retention.everyMinutes * 60_000);
  first.unref();
  timer.unref();
  return {
    async stop() {
      clearTimeout(first);
      clearInterval(timer);
      await running;
    },
  };
}
