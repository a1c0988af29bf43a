// Keeps the inbox rows this process is working on claimed: due() leases a row for a short time
// (default 15 s) and, while its outcome is not recorded, the lease is renewed every third of that.
// A process that dies stops renewing, so its rows are due again within one lease, not a minute.
// A renewal moves only a lease this process still holds (next_attempt_at as it set it): a row
// another process took after a lapse, or one whose outcome was written, is left alone.
import type { PostgresHandle } from './connect.ts';

export interface InboxLeaseKeeper {
  /** Rows just claimed by due(), with the end of their lease. */
  claimed(rows: readonly { key: string; until: number }[]): void;
  /** The row's outcome is being written: no more renewals (even if the write fails, the lease then lapses). */
  ended(key: string): void;
  /** Keys renewed now (tests). */
  held(): string[];
  /** Renews every held lease now (the timer's job; tests call it). */
  renew(): Promise<void>;
  close(): void;
}

export interface InboxLeaseOptions {
  leaseMs: number;
  /** How often the held leases are renewed: default a third of leaseMs; 0 = only when renew() is called (tests on a fake clock). */
  renewEveryMs?: number;
  /** Longest a row is kept claimed by renewals (a processing that never ends must not hold a row forever). Default 10 min. */
  maxHoldMs?: number;
  now?: () => number;
}

export function inboxLeaseKeeper(handle: PostgresHandle, options: InboxLeaseOptions): InboxLeaseKeeper {
  const { leaseMs } = options;
  const maxHoldMs = options.maxHoldMs ?? 600_000;
  const now = options.now ?? Date.now;
  const held = new Map<string, { until: number; since: number }>();
  let renewing: Promise<void> | null = null;
  let closed = false;

  async function renewOnce(): Promise<void> {
    const t = now();
    for (const [key, h] of held) if (t - h.since > maxHoldMs) held.delete(key);
    if (held.size === 0) return;
    const sent = [...held].map(([key, h]) => ({ key, until: h.until }));
    const next = t + leaseMs;
    const { rows } = await handle.query<{ key: string }>(
      `UPDATE inbox_events e SET next_attempt_at = $3
         FROM unnest($1::text[], $2::bigint[]) AS h(key, until)
        WHERE e.key = h.key AND e.next_attempt_at = h.until AND e.status IN ('pending', 'retry')
        RETURNING e.key`,
      [sent.map((s) => s.key), sent.map((s) => s.until), next],
    );
    const renewed = new Set(rows.map((r) => r.key));
    for (const s of sent) {
      const h = held.get(s.key);
      // Changed meanwhile (ended, or claimed anew): what we sent says nothing about it now.
      if (!h || h.until !== s.until) continue;
      if (renewed.has(s.key)) h.until = next;
      else held.delete(s.key);
    }
  }

  const keeper: InboxLeaseKeeper = {
    claimed(rows) {
      const t = now();
      for (const r of rows) held.set(r.key, { until: r.until, since: t });
    },
    ended(key) {
      held.delete(key);
    },
    held: () => [...held.keys()],
    renew() {
      renewing ??= renewOnce()
        .catch(() => {
          // The store is unreachable: the leases lapse and the rows are due again, as after a crash.
        })
        .finally(() => (renewing = null));
      return renewing;
    },
    close() {
      closed = true;
      clearInterval(timer);
      held.clear();
    },
  };
  const every = options.renewEveryMs ?? Math.max(100, Math.floor(leaseMs / 3));
  const timer = every > 0 ? setInterval(() => void (closed || keeper.renew()), every) : undefined;
  timer?.unref();
  return keeper;
}
