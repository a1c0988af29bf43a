// Centra's Integration API quota as the client holds it: token buckets that every request in the
// process waits for (the processor, events pull mode, manual sends, the start-up probe), so the
// bridge stays under Centra's limit instead of learning it from 429s. Centra's rate-limit page
// (docs/centra.md §2, quota) counts requests per 10 s and per hour; the config's default
// (`centra.rateLimits`, config/server.ts) is its example quota.
import { RateLimiter, type RateSpec } from '../delivery/rate-limiter.ts';
import { COMPLEXITY_POINTS_PER_TOKEN, type CentraGate } from './graphql-client.ts';

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
 * The complexity gate: Centra's QUERY_COMPLEXITY buckets in tokens of COMPLEXITY_POINTS_PER_TOKEN
 * points. Its burst is a fifth of each bucket (Centra's bucket starts full, so a fifth is safe under
 * any reading of it), so a full batch (about 22,000 points for 100 orders) goes out at once and the
 * steady rate stays below the quota (delivery/rate-limiter.ts: burst + refill ≤ the limit in any window).
 */
export function createComplexityGate(limits: readonly CentraRate[]): CentraGate {
  const specs: RateSpec[] = limits.map((r) => {
    const limit = Math.max(1, Math.floor(r.limit / COMPLEXITY_POINTS_PER_TOKEN));
    return { limit, intervalMs: r.intervalMs, burst: Math.max(1, Math.floor(limit / 5)) };
  });
  return new RateLimiter(specs);
}

/**
 * How long the quota alone makes k requests take, each charged its share of the tightest bucket
 * (intervalMs / limit: 0.5 s under 20 per 10 s): the bound a burst is measured against (bench/centra.ts).
 */
export function quotaBoundMs(requests: number, rates: readonly CentraRate[]): number {
  return Math.max(0, ...rates.map((r) => (requests * r.intervalMs) / r.limit));
}
