// Group commit: requests append their events to an in-memory batch; one transaction stores
// everything appended since the last one (on the next event-loop turn, or as soon as the previous
// commit finished), and every request is answered only once the batch that holds its events has
// committed. One commit serves many requests, so the cost of a transaction is shared instead of
// paid per event or per request. A batch that fails is committed again append by append, so
// that one bad append fails only its own request.

export interface GroupCommitOptions<T, R> {
  /** Stores a batch in one transaction; returns one result per item, in order. */
  commit: (items: T[]) => Promise<R[]>;
  /** Commit at once when this many items wait, and put at most this many in one commit unless one append alone is larger (default 5000). */
  maxItems?: number;
  /** Wait this long after the first append before committing (default 0: the next turn of the event loop). */
  maxDelayMs?: number;
}

export interface GroupCommit<T, R> {
  /** Resolves with one result per item once they are committed; rejects if the commit of these items failed (alone). */
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
  /** The commit in progress, if any. One at a time: what arrives meanwhile waits and goes in the next one. */
  let committing: Promise<void> | null = null;
  const stats = { commits: 0, items: 0 };

  function schedule(): void {
    if (scheduled || committing) return;
    if (maxDelayMs > 0) {
      const t = setTimeout(commitWaiting, maxDelayMs);
      scheduled = { cancel: () => clearTimeout(t) };
    } else {
      const t = setImmediate(commitWaiting);
      scheduled = { cancel: () => clearImmediate(t) };
    }
  }

  /**
   * Commits everything waiting, then, if more arrived while that commit ran, commits that too.
   * The batch is formed when the store is free, not when items arrive: with a store that answers
   * over the network, every request that arrives during one commit shares the next.
   */
  function commitWaiting(): Promise<void> {
    scheduled?.cancel();
    scheduled = undefined;
    if (committing) return committing;
    committing = (async () => {
      while (items.length) {
        const batchWaiters = takeWaiters();
        const n = batchWaiters.reduce((sum, w) => sum + w.count, 0);
        const batch = n === items.length ? items : items.slice(0, n);
        items = n === items.length ? [] : items.slice(n);
        for (const w of waiters) w.from -= n;
        try {
          const results = await opts.commit(batch);
          stats.commits++;
          stats.items += batch.length;
          for (const w of batchWaiters) w.resolve(results.slice(w.from, w.from + w.count));
        } catch (err) {
          if (batchWaiters.length === 1) batchWaiters[0].reject(err);
          // One bad append must not fail the others of the same moment: each is committed alone.
          else for (const w of batchWaiters) await commitAlone(w, batch.slice(w.from, w.from + w.count));
        }
      }
    })().finally(() => {
      committing = null;
      // Appended by a continuation of the last batch's callers, after the loop looked.
      if (items.length) schedule();
    });
    return committing;
  }

  async function commitAlone(w: Waiter<R>, own: T[]): Promise<void> {
    try {
      const results = await opts.commit(own);
      stats.commits++;
      stats.items += own.length;
      w.resolve(results);
    } catch (err) {
      w.reject(err);
    }
  }

  /** The oldest appends, whole, up to maxItems items (at least one append, however large). */
  function takeWaiters(): Waiter<R>[] {
    let n = 0;
    let k = 0;
    while (k < waiters.length && (k === 0 || n + waiters[k].count <= maxItems)) n += waiters[k++].count;
    return waiters.splice(0, k);
  }

  return {
    append(newItems) {
      if (!newItems.length) return Promise.resolve([]);
      return new Promise<R[]>((resolve, reject) => {
        waiters.push({ from: items.length, count: newItems.length, resolve, reject });
        for (const it of newItems) items.push(it);
        if (committing) return;
        if (items.length >= maxItems) void commitWaiting();
        else schedule();
      });
    },
    async flush() {
      await commitWaiting();
    },
    get waiting() {
      return items.length;
    },
    stats,
  };
}
