// A delivery store that tells an observer what it did: rows stored, claimed, finished (with the
// attempt's outcome and HTTP status) and handed back. Metrics keep their gauges from these events
// instead of counting the table per scrape, and readiness keeps each lane's recent attempts. The
// wrapped store behaves exactly as before; an observer that throws is ignored.
import type { AttemptRecord, DeliveryStatus, DeliveryStore, NextState } from '../storage/deliveries.ts';

export interface RowRef {
  esp: string;
  plugin: string;
  lane: string;
}

export type DeliveryEvent =
  /** Rows stored, pending or shadow (all of them new: no duplicate in the batch). */
  | { type: 'stored'; rows: (RowRef & { status: DeliveryStatus })[] }
  /** A row leased by this process: `from` is the status it had (pending for a first attempt, else retry_scheduled). */
  | { type: 'claimed'; row: RowRef; from: DeliveryStatus }
  /** An attempt recorded; `moved` says whether the row changed state (false: the lease was lost meanwhile). */
  | { type: 'attempted'; row: RowRef; attempt: AttemptRecord; next: NextState; moved: boolean; at: number }
  /** A leased row handed back unattempted. */
  | { type: 'released'; row: RowRef; to: DeliveryStatus }
  /** Rows changed in ways these events do not describe (a batch with duplicates, a replay): counts must be read again. */
  | { type: 'changed' };

export type DeliveryObserver = (event: DeliveryEvent) => void;

export function observeDeliveryStore<S extends DeliveryStore>(store: S, observer: DeliveryObserver): S {
  const tell = (e: DeliveryEvent) => {
    try {
      observer(e);
    } catch {
      // An observer's bug must never fail a delivery.
    }
  };
  // Rows leased here, by id: finish and release name only the id.
  const leased = new Map<string, RowRef & { attempts: number }>();
  return {
    ...store,
    async insertDeliveries(rows) {
      const r = await store.insertDeliveries(rows);
      if (r.duplicates === 0) tell({ type: 'stored', rows: rows.map(({ esp, plugin, lane, shadow }) => ({ esp, plugin, lane, status: shadow ? 'shadow' : 'pending' })) });
      else if (r.inserted > 0) tell({ type: 'changed' });
      return r;
    },
    async claimDue(args) {
      const rows = await store.claimDue(args);
      for (const r of rows) {
        const ref = { esp: r.esp, plugin: r.plugin, lane: r.lane };
        leased.set(r.id, { ...ref, attempts: r.attempts });
        tell({ type: 'claimed', row: ref, from: r.attempts > 1 ? 'retry_scheduled' : 'pending' });
      }
      return rows;
    },
    async finishAttempt(args) {
      const moved = await store.finishAttempt(args);
      const ref = leased.get(args.id);
      leased.delete(args.id);
      if (ref) tell({ type: 'attempted', row: { esp: ref.esp, plugin: ref.plugin, lane: ref.lane }, attempt: args.attempt, next: args.next, moved, at: args.now });
      return moved;
    },
    async releaseClaim(id, owner, nextAttemptAt, now) {
      const ok = await store.releaseClaim(id, owner, nextAttemptAt, now);
      const ref = leased.get(id);
      leased.delete(id);
      if (ok && ref) tell({ type: 'released', row: { esp: ref.esp, plugin: ref.plugin, lane: ref.lane }, to: ref.attempts > 1 ? 'retry_scheduled' : 'pending' });
      return ok;
    },
    async replay(id, now, opts) {
      const ok = await store.replay(id, now, opts);
      if (ok) tell({ type: 'changed' });
      return ok;
    },
    async replayAllDead(now) {
      const n = await store.replayAllDead(now);
      if (n > 0) tell({ type: 'changed' });
      return n;
    },
    async replayDeadMatching(filter, now, expect) {
      const r = await store.replayDeadMatching(filter, now, expect);
      if (r.replayed > 0) tell({ type: 'changed' });
      return r;
    },
  };
}
