// Pure: what happens to a delivery after one attempt. No clock, no randomness of its own.
import type { NextState } from '../storage/deliveries.ts';
import type { SendOutcome } from './types.ts';

export interface EspRetrySettings {
  /** true when a repeated request cannot fire the ESP's automation twice (Klaviyo: unique_id). */
  idempotent: boolean;
  /** What an ambiguous failure (request may have reached the ESP) does when not idempotent. */
  onAmbiguous?: 'retry' | 'dead';
}

export interface RetryPolicy {
  /** First backoff ceiling. Default 10 s (Voyado advises a first retry after about 10 s). */
  baseMs: number;
  /** Each attempt multiplies the ceiling by this. Default 6: 10 s, 1 min, 6 min, 36 min, 3.6 h, 6 h, 6 h. */
  factor: number;
  /** Backoff ceiling. Default 6 h, so 8 attempts span up to about a day. */
  capMs: number;
  /** Attempts before a transient failure becomes dead. Default 8. */
  maxAttempts: number;
  /** Age (since enqueue) after which a transient failure becomes dead. Default 24 h. */
  maxAgeMs: number;
  /** Per ESP (each ESP module's defaults, then the config's); an ESP not listed is treated as not idempotent with onAmbiguous "dead". */
  esps: Partial<Record<string, EspRetrySettings>>;
}

export const AMBIGUOUS_DEAD_REASON = 'ambiguous: may have been delivered; check the ESP, then replay';

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  baseMs: 10_000,
  factor: 6,
  capMs: 6 * 60 * 60_000,
  maxAttempts: 8,
  maxAgeMs: 24 * 60 * 60_000,
  esps: {},
};

export function resolveRetryPolicy(partial: Partial<RetryPolicy> = {}): RetryPolicy {
  return {
    ...DEFAULT_RETRY_POLICY,
    ...partial,
    esps: { ...DEFAULT_RETRY_POLICY.esps, ...(partial.esps ?? {}) },
  };
}

export interface AttemptContext {
  esp: string;
  /** Number of the attempt just made (1 for the first). */
  attempt: number;
  createdAt: number;
  now: number;
}

/**
 * The one backoff of the bridge (deliveries and inbox events): exponential with jitter, uniform in
 * [floor · c, c] where c = min(cap, base · factor^(attempt−1)). floor 0 is full jitter (deliveries:
 * spreads retries of many rows); a floor above 0 never retries sooner than that share of c.
 */
export function backoffMs(attempt: number, policy: Pick<RetryPolicy, 'baseMs' | 'capMs'> & { factor?: number; floor?: number }, random: number): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * (policy.factor ?? 2) ** Math.max(0, Math.min(attempt - 1, 40)));
  const floor = Math.min(Math.max(policy.floor ?? 0, 0), 1);
  return Math.floor((floor + (1 - floor) * Math.min(Math.max(random, 0), 1)) * ceiling);
}

/**
 * Decides the next state. `random` is a number in [0, 1) (Math.random() in production,
 * fixed in tests).
 */
export function decideNext(outcome: SendOutcome, ctx: AttemptContext, policy: RetryPolicy, random: number): NextState {
  if (outcome.kind === 'delivered') return { status: 'delivered', at: ctx.now };
  const status = outcome.status !== undefined ? ` (HTTP ${outcome.status})` : '';
  if (outcome.kind === 'permanent') return { status: 'dead', reason: `permanent${status}: ${outcome.error}` };

  if (outcome.ambiguous) {
    const esp = policy.esps[ctx.esp] ?? { idempotent: false, onAmbiguous: 'dead' as const };
    if (!esp.idempotent && (esp.onAmbiguous ?? 'dead') === 'dead') {
      return { status: 'dead', reason: `${AMBIGUOUS_DEAD_REASON}${status}: ${outcome.error}` };
    }
  }
  if (ctx.attempt >= policy.maxAttempts) {
    return { status: 'dead', reason: `gave up after ${ctx.attempt} attempts${status}: ${outcome.error}` };
  }
  // Never earlier than the ESP asked for; jitter only ever adds to it.
  const delay = Math.max(outcome.retryAfterMs ?? 0, backoffMs(ctx.attempt, policy, random));
  const nextAttemptAt = ctx.now + delay;
  if (nextAttemptAt - ctx.createdAt > policy.maxAgeMs) {
    return { status: 'dead', reason: `gave up: older than ${policy.maxAgeMs} ms at next try${status}: ${outcome.error}` };
  }
  return { status: 'retry_scheduled', nextAttemptAt, reason: `transient${status}: ${outcome.error}` };
}
