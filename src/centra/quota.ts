// Centra's Integration API quota as the client holds it: token buckets that every request in the
// process waits for (the processor, events pull mode, manual sends, the start-up probe), so the
// bridge stays under Centra's limit instead of learning it from 429s. Centra's rate-limit page
// (docs/centra.md §2, quota) counts requests per 10 s and per hour; the config's default
// (`centra.rateLimits`, config/server.ts) is its example quota.
import { RateLimiter, type RateSpec } from '../delivery/rate-limiter.ts';
import type { CentraGate } from './graphql-client.ts';

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
 * How long the quota alone makes k requests take, each charged its share of the tightest bucket
 * (intervalMs / limit: 0.5 s under 20 per 10 s): the bound a burst is measured against (bench/centra.ts).
 */
export function quotaBoundMs(requests: number, rates: readonly CentraRate[]): number {
  return Math.max(0, ...rates.map((r) => (requests * r.intervalMs) / r.limit));
}
