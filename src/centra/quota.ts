// Centra's Integration API quota as the client holds it: token buckets that every request in the
// process waits for (the processor, events pull mode, manual sends, the start-up probe), so the
// bridge stays under Centra's limit instead of learning it from 429s. Centra's rate-limit page
// (docs/centra.md §2, quota) counts requests per 10 s and per hour; the config's default
// (`centra.rateLimits`, config/server.ts) is its example quota.
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
