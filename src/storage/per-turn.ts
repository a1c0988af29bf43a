// Group commit of attempt outcomes: the outcomes that arrive in one turn of the event loop are
// written in one transaction (one WAL append or one round trip instead of one per delivery).
// A caller's promise resolves only after the transaction holding its outcome committed;
// transactions run one at a time, in order.

export interface PerTurnBatches<T, R> {
  /** Resolves with the item's result once its batch committed; rejects if that commit failed. */
  add(item: T): Promise<R>;
  /** Commits what waits now; resolves when every batch so far has committed. */
  flush(): Promise<void>;
}

export function perTurnBatches<T, R>(commit: (items: T[]) => R[] | Promise<R[]>): PerTurnBatches<T, R> {
  let waiting: { item: T; resolve(r: R): void; reject(e: unknown): void }[] = [];
  let last: Promise<void> = Promise.resolve();
  function flush(): Promise<void> {
    const batch = waiting;
    waiting = [];
    if (!batch.length) return last;
    last = last.then(async () => {
      try {
        const results = await commit(batch.map((b) => b.item));
        batch.forEach((b, i) => b.resolve(results[i]));
      } catch (err) {
        for (const b of batch) b.reject(err);
      }
    });
    return last;
  }
  return {
    add(item) {
      return new Promise<R>((resolve, reject) => {
        if (waiting.push({ item, resolve, reject }) === 1) setImmediate(flush);
      });
    },
    flush,
  };
}
