// Rate limits per credential, not per lane: an ESP counts its limits per API key (Klaviyo per
// account, that is per private key; Voyado and Rule per key), so every lane whose plugin sends
// with one key waits at one gate. In one process that gate is an in-process RateLimiter; on a
// store shared by several processes (PostgreSQL) it leases tokens from the store
// (shared-rate-gate.ts). docs/delivery.md, "Rate limits per credential".
import { createHash } from 'node:crypto';
import type { QuotaStore } from '../storage/quotas.ts';
import type { WorkerLogger } from './attempt.ts';
import type { Clock } from './clock.ts';
import { RateLimiter, type RateGate, type RateSpec } from './rate-limiter.ts';
import { SharedRateGate } from './shared-rate-gate.ts';

export type { RateGate };

/**
 * A credential's identity, safe to store and log: the ESP and the first 16 hex digits (64 bits)
 * of SHA-256 over the ESP's name and the secret. The secret itself is never kept.
 */
export function credentialId(esp: string, secret: string): string {
  return `${esp}:${createHash('sha256').update(esp).update('\u0000').update(secret).digest('hex').slice(0, 16)}`;
}

/**
 * The limits of lanes that share a credential: every window any of them names, each at the
 * smallest limit named for it (the stricter wins), so no lane's configuration is exceeded.
 */
export function stricterRates(lists: readonly (readonly RateSpec[])[]): RateSpec[] {
  const byWindow = new Map<number, RateSpec>();
  for (const list of lists) {
    for (const spec of list) {
      const known = byWindow.get(spec.intervalMs);
      if (!known || spec.limit < known.limit || (spec.limit === known.limit && (spec.burst ?? Infinity) < (known.burst ?? Infinity))) byWindow.set(spec.intervalMs, spec);
    }
  }
  return [...byWindow.values()].sort((a, b) => a.intervalMs - b.intervalMs);
}

/** A lane and the credential its plugin sends with. */
export interface LaneCredential {
  lane: string;
  esp: string;
  credential: string;
}

export interface RateGatesOptions {
  /** The credential of each configured lane; a lane not listed keeps buckets of its own. */
  credentials: readonly LaneCredential[];
  /** A lane's own limits (its configured and default rates). */
  ratesOf(esp: string, lane: string): readonly RateSpec[];
  /** The store's shared buckets (PostgreSQL); null: the buckets live in this process. */
  quotas: QuotaStore | null;
  clock: Clock;
  log: WorkerLogger;
}

export interface RateGates {
  /** The gate a lane waits at: its credential's (one per credential in this process), or its own. */
  gateFor(lane: { esp: string; lane: string }): RateGate;
}

export function createRateGates(options: RateGatesOptions): RateGates {
  const credentialOf = new Map(options.credentials.map((c) => [c.lane, c.credential]));
  const lanesOf = new Map<string, LaneCredential[]>();
  for (const c of options.credentials) lanesOf.set(c.credential, [...(lanesOf.get(c.credential) ?? []), c]);
  const gates = new Map<string, RateGate>();

  function build(credential: string | undefined, esp: string, lane: string): RateGate {
    if (credential === undefined) return new RateLimiter(options.ratesOf(esp, lane), options.clock);
    const lanes = lanesOf.get(credential)!;
    const rates = stricterRates(lanes.map((l) => options.ratesOf(l.esp, l.lane)));
    if (lanes.length > 1 || options.quotas) {
      options.log.info({ credential, lanes: lanes.map((l) => l.lane), rates, shared: rates.length > 0 && options.quotas ? 'every process of the store' : 'this process' }, 'lanes share their credential\'s rate limits');
    }
    return credentialGate(credential, rates, options);
  }

  return {
    gateFor({ esp, lane }) {
      const credential = credentialOf.get(lane);
      const key = credential === undefined ? `lane ${lane}` : `credential ${credential}`;
      let gate = gates.get(key);
      if (!gate) {
        gate = build(credential, esp, lane);
        gates.set(key, gate);
      }
      return gate;
    },
  };
}

/**
 * The gate of one credential with these limits: shared through the store's buckets when there are
 * any (PostgreSQL) and the credential is limited at all, else in this process. For any caller that
 * spends a credential's quota (the ESP lanes here; Centra's token could be another).
 */
export function credentialGate(credential: string, rates: readonly RateSpec[], deps: { quotas: QuotaStore | null; clock: Clock; log: WorkerLogger }): RateGate {
  if (rates.length === 0 || !deps.quotas) return new RateLimiter(rates, deps.clock);
  return new SharedRateGate(deps.quotas, credential, rates, { clock: deps.clock, log: deps.log });
}
