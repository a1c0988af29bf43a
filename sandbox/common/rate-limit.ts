// Sliding-window rate limiter per key: at most `limit` requests in any `windowMs`.
export class SlidingWindowLimiter {
  private readonly hits = new Map<string, { times: number[]; head: number }>();

  constructor(public limit: number, public windowMs: number) {}

  /** Counts the request if it fits; otherwise returns how long until it would. */
  tryAcquire(key: string, now: number): { ok: true } | { ok: false; retryAfterMs: number } {
    let entry = this.hits.get(key);
    if (!entry) {
      entry = { times: [], head: 0 };
      this.hits.set(key, entry);
    }
    const { times } = entry;
    const from = now - this.windowMs;
    while (entry.head < times.length && times[entry.head] <= from) entry.head++;
    if (entry.head > 4096 && entry.head * 2 > times.length) {
      times.splice(0, entry.head);
      entry.head = 0;
    }
    const inWindow = times.length - entry.head;
    if (inWindow >= this.limit) {
      const oldest = times[times.length - this.limit];
      return { ok: false, retryAfterMs: Math.max(1, oldest + this.windowMs - now) };
    }
    times.push(now);
    return { ok: true };
  }

  clear(): void {
    this.hits.clear();
  }
}

/** Stockholm wall-clock time of an instant, as Rule writes it: `YYYY-MM-DD HH:MM:SS`. */
const stockholm = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Stockholm',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

export function formatStockholmLocal(ms: number): string {
  const p: Record<string, string> = {};
  for (const part of stockholm.formatToParts(new Date(ms))) p[part.type] = part.value;
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}
