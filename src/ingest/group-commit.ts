// Group commit: requests append their events to an in-memory batch; one transaction per tick
// stores everything appended since the last one, and every request is answered only once the
// batch that holds its events has committed. One commit serves many requests, so the cost of a
// transaction is shared instead of paid per event or per request.

export interface GroupCommitOptions<T, R> {
  /** Stores a batch in one transaction; returns one result per item, in order. */
  commit: (items: T[]) => Promise<R[]>;
  /** Commit at once when this many items wait (default 5000). */
  maxItems?: number;
  /** Wait this long after the first append before committing (default 0: the next turn of the event loop). */
  maxDelayMs?: number;
}

export interface GroupCommit<T, R> {
  /** Resolves with one result per item once they are committed; rejects if the commit failed. */
  append(items: readonly T[]): Promise<R[]>;
  /** Commits whatever waits now and resolves when every batch so far has committed. */
  flush(): Promise<void>;
  /** Items waiting for the next commit. */
  readonly waiting: number;
  readonly stats: { commits: number; items: number };
}

interface Waiter<R> {
  from: number;
  count: number;
  resolve: (r: R[]) => void;
  reject: (e: unknown) => void;
}

export function createGroupCommit<T, R>(opts: GroupCommitOptions<T, R>): GroupCommit<T, R> {
  const maxItems = opts.maxItems ?? 5000;
  const maxDelayMs = opts.maxDelayMs ?? 0;
  let items: T[] = [];
  let waiters: Waiter<R>[] = [];
  let scheduled: { cancel(): void } | undefined;
  let running: Promise<void> = Promise.resolve();
  const stats = { commits: 0, items: 0 };

  function schedule(): void {
    if (scheduled) return;
    if (maxDelayMs > 0) {
      const t = setTimeout(tick, maxDelayMs);
      scheduled = { cancel: () => clearTimeout(t) };
    } else {
      const t = setImmediate(tick);
      scheduled = { cancel: () => clearImmediate(t) };
    }
  }

  function tick(): void {
    scheduled?.cancel();
    scheduled = undefined;
    if (!items.length) return;
    const batch = items;
    const batchWaiters = waiters;
    items = [];
    waiters = [];
    // Commits run one after another: the next batch fills while this one is written.
    running = running.then(async () => {
      try {
        const results = await opts.commit(batch);
        stats.commits++;
        stats.items += batch.length;
        for (const w of batchWaiters) w.resolve(results.slice(w.from, w.from + w.count));
      } catch (err) {
        for (const w of batchWaiters) w.reject(err);
      }
    });
  }

  return {
    append(newItems) {
      if (!newItems.length) return Promise.resolve([]);
      return new Promise<R[]>((resolve, reject) => {
        waiters.push({ from: items.length, count: newItems.length, resolve, reject });
        for (const it of newItems) items.push(it);
        if (items.length >= maxItems) tick();
        else schedule();
      });
    },
    async flush() {
      tick();
      await running;
    },
    get waiting() {
      return items.length;
    },
    stats,
  };
}
