// Centra's Integration API quota as the client holds it: token buckets that every request in the
// process waits for (the processor, events pull mode, manual sends, the start-up probe), so the
// bridge stays under Centra's limit instead of learning it from 429s. Centra's rate-limit page
// (docs/centra.md §2, quota) counts requests per 10 s and per hour; the config's default
// (`centra.rateLimits`, config/server.ts) is its example quota.
import { systemClock, type Clock } from '../delivery/clock.ts';
import { GrantQueue } from '../delivery/grant-queue.ts';
import { RateLimiter, type RateSpec } from '../delivery/rate-limiter.ts';
import { COMPLEXITY_POINTS_PER_TOKEN, type CentraGate } from './graphql-client.ts';
import type { RateLimitsQuery } from './generated/results.ts';

/** A request bucket as configured: at most `limit` requests per `intervalMs`. */
export interface CentraRate {
  limit: number;
  intervalMs: number;
}

/**
 * The process's Centra gate: one RateLimiter holding every bucket (a request goes out when each has a
 * token). The limiter paces below the limit in any window (delivery/rate-limiter.ts), so it fits a
 * token bucket as Centra describes it and a sliding window alike. `[]` = no client-side limit.
 */
export function createCentraGate(rates: readonly CentraRate[]): CentraGate {
  const specs: RateSpec[] = rates.map((r) => ({ limit: r.limit, intervalMs: r.intervalMs }));
  return new RateLimiter(specs);
}

/**
 * For a gate of createCentraGate: resolves once a request could go out at once (nothing is taken;
 * another caller may still come first, and the request then waits at the gate as it would have).
 * The processor forms its next batch then, so the events that arrive while the quota is waited for
 * go in that request (src/ingest/processor.ts). Undefined for other gates (the shared one on PostgreSQL).
 */
export function whenGateFree(gate: CentraGate): (() => Promise<void>) | undefined {
  if (!(gate instanceof RateLimiter)) return undefined;
  return async () => {
    for (let ms = gate.freeInMs(); ms > 0; ms = gate.freeInMs()) await new Promise((r) => setTimeout(r, ms));
  };
}

/**
 * The complexity gate: Centra's QUERY_COMPLEXITY buckets in tokens of COMPLEXITY_POINTS_PER_TOKEN
 * points, held as windows (WindowGate): in any span of a bucket's interval, at most four fifths of
 * its quota is granted. The fifth left over is for the answer whose complexity is not known yet (a
 * query's complexity is only known from Centra's answer, so the client is one request's complexity
 * ahead of this gate; a full batch is about 20,000 of 150,000 points). Centra's bucket starts full
 * (docs/centra.md §2, quota), so a burst of four fifths goes out at once: 1,000 events' worth of
 * objects (about 90,000 points) does not wait here. Under Centra's token-bucket reading and under a
 * fixed or sliding window alike this stays within the quota: whatever stays under N in every window
 * of length W also stays under a full-starting bucket of N refilled at N per W.
 */
export function createComplexityGate(limits: readonly CentraRate[]): CentraGate {
  return new WindowGate(
    limits.map((r) => {
      const tokens = Math.max(1, Math.floor(r.limit / COMPLEXITY_POINTS_PER_TOKEN));
      return { limit: Math.max(1, Math.floor((tokens * 4) / 5)), intervalMs: r.intervalMs };
    }),
  );
}

/**
 * A gate that grants at most `limit` tokens in any span of `intervalMs`, per window (every window
 * must have room): a log of grants, oldest first, same-millisecond grants merged, kept as long as
 * the longest window. FIFO among waiters; a timer for the moment the oldest grants leave, never a busy loop.
 */
export class WindowGate implements CentraGate {
  private readonly windows: { limit: number; intervalMs: number; from: number; sum: number }[];
  private at: number[] = [];
  private count: number[] = [];
  private readonly waiters = new GrantQueue();
  private timer: unknown = null;

  constructor(
    specs: readonly CentraRate[],
    private readonly clock: Clock = systemClock,
  ) {
    for (const s of specs) if (!(s.limit >= 1) || !(s.intervalMs > 0)) throw new Error(`invalid window ${JSON.stringify(s)}`);
    this.windows = specs.map((s) => ({ limit: Math.floor(s.limit), intervalMs: s.intervalMs, from: 0, sum: 0 }));
  }

  acquire(signal?: AbortSignal): Promise<void> {
    if (this.waiters.length === 0 && this.take()) return Promise.resolve();
    const granted = this.waiters.wait(signal);
    this.schedule();
    return granted;
  }

  /** Drops from each window the grants that left it (granted at or before now − intervalMs). */
  private expire(now: number): void {
    for (const w of this.windows) {
      while (w.from < this.at.length && this.at[w.from] <= now - w.intervalMs) w.sum -= this.count[w.from++];
    }
    const oldest = Math.min(...this.windows.map((w) => w.from));
    if (oldest > 1024 && oldest * 2 > this.at.length) {
      this.at = this.at.slice(oldest);
      this.count = this.count.slice(oldest);
      for (const w of this.windows) w.from -= oldest;
    }
  }

  private take(): boolean {
    const now = this.clock.now();
    this.expire(now);
    if (this.windows.some((w) => w.sum + 1 > w.limit)) return false;
    const last = this.at.length - 1;
    if (last >= 0 && this.at[last] === now) this.count[last]++;
    else {
      this.at.push(now);
      this.count.push(1);
    }
    for (const w of this.windows) w.sum++;
    return true;
  }

  /** Milliseconds until every window has room for one more token. */
  private waitMs(): number {
    const now = this.clock.now();
    let wait = 1;
    for (const w of this.windows) {
      let excess = w.sum + 1 - w.limit;
      for (let i = w.from; excess > 0 && i < this.at.length; i++) {
        excess -= this.count[i];
        if (excess <= 0) wait = Math.max(wait, this.at[i] + w.intervalMs - now);
      }
    }
    return wait;
  }

  private schedule(): void {
    if (this.timer !== null) return;
    while (this.waiters.length > 0 && this.take()) this.waiters.grantOne();
    if (this.waiters.length === 0) return;
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      this.schedule();
    }, this.waitMs());
  }
}

/**
 * How long the quota alone makes k requests take, each charged its share of the tightest bucket
 * (intervalMs / limit: 0.5 s under 20 per 10 s): the bound a burst is measured against (bench/centra.ts).
 */
export function quotaBoundMs(requests: number, rates: readonly CentraRate[]): number {
  return Math.max(0, ...rates.map((r) => (requests * r.intervalMs) / r.limit));
}

/** Centra's interval names (RateLimitInterval) in milliseconds. */
const INTERVAL_MS: Record<string, number> = { TEN_SECONDS: 10_000, ONE_HOUR: 3_600_000 };

/** What the start-up probe learns from Centra's `rateLimits`: problems with the configured buckets, and a summary. */
export interface QuotaCheck {
  /** A configured bucket above Centra's quota for its interval, or Centra's bucket with no client bucket for it. */
  problems: string[];
  /** `REQUEST_COUNT/TEN_SECONDS 20 (3 used)`, … for the log. */
  summary: string[];
}

/**
 * Compares the client's buckets (`centra.rateLimits`, `centra.complexityLimits`) with the quota
 * Centra reports for the token. A configured limit above Centra's own sends requests Centra refuses
 * with 429; a Centra bucket the client does not hold at all is learnt only from 429s. Mutation
 * buckets are Centra's alone (the bridge's only mutations are the events mode's confirmations).
 */
export function checkQuota(
  configured: { rateLimits: readonly CentraRate[]; complexityLimits: readonly CentraRate[] },
  reported: RateLimitsQuery['rateLimits'],
): QuotaCheck {
  const problems: string[] = [];
  const summary = reported.map((r) => `${r.type}/${r.intervalSeconds} ${r.quota} (${r.usedQuota} used)`);
  const held = { REQUEST_COUNT: ['centra.rateLimits', configured.rateLimits], QUERY_COMPLEXITY: ['centra.complexityLimits', configured.complexityLimits] } as const;
  for (const r of reported) {
    if (r.type === 'MUTATION_COUNT') continue;
    const [setting, rates] = held[r.type];
    const intervalMs = INTERVAL_MS[r.intervalSeconds];
    const mine = rates.filter((c) => c.intervalMs === intervalMs);
    if (!mine.length) problems.push(`${setting} has no bucket of ${intervalMs} ms where Centra's quota is ${r.quota} per ${r.intervalSeconds}`);
    for (const c of mine) if (c.limit > r.quota) problems.push(`${setting} allows ${c.limit} per ${intervalMs} ms where Centra's quota for this token is ${r.quota} per ${r.intervalSeconds}: Centra will answer 429`);
  }
  return { problems, summary };
}
