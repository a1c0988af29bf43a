// The callers waiting for a rate-limit token, first come first served: what the in-process
// limiter (rate-limiter.ts) and the shared gate (shared-rate-gate.ts) both hand tokens out to, and
// Centra's shared complexity gate its tickets (centra/shared-complexity-gate.ts): what a grant carries is T.
interface Waiter<T> {
  resolve: (value: T) => void;
  reject: (e: unknown) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

export class GrantQueue<T = void> {
  private readonly waiters: Waiter<T>[] = [];

  get length(): number {
    return this.waiters.length;
  }

  /** Resolves once `grant` reaches it; rejects (and leaves the queue) when `signal` aborts first. */
  wait(signal?: AbortSignal): Promise<T> {
    if (signal?.aborted) return Promise.reject(signal.reason ?? new Error('aborted'));
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter<T> = { resolve, reject, signal };
      if (signal) {
        waiter.onAbort = () => {
          const i = this.waiters.indexOf(waiter);
          if (i >= 0) this.waiters.splice(i, 1);
          reject(signal.reason ?? new Error('aborted'));
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.waiters.push(waiter);
    });
  }

  /** Lets the first waiter through, with `value`. */
  grantOne(value: T): void {
    const w = this.waiters.shift();
    if (!w) return;
    if (w.signal && w.onAbort) w.signal.removeEventListener('abort', w.onAbort);
    w.resolve(value);
  }
}
