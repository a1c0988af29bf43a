// What the lanes page shows: each lane's state (paused, breaker open, failing, ok) from the
// worker's stats, its limits from the config, and the ESP's queued / retrying / dead rows.
// The worker's stats may grow fields (a circuit breaker's state): they are read defensively.
import { limitsForLane, type LaneLimits, type LimitsConfig } from '../../delivery/rate-limiter.ts';
import type { LaneStats } from '../../delivery/worker.ts';
import type { LaneInfo, StateCount } from '../../storage/deliveries.ts';

export interface LaneView {
  lane: string;
  esp: string;
  plugin: string;
  state: 'paused' | 'breaker open' | 'failing' | 'ok' | 'idle';
  /** Why the state is what it is, in words. */
  detail: string;
  inFlight: number;
  /** Sent since this process started (null: no worker runs the lane here). */
  sent: number | null;
  concurrency: number;
  rates: string[];
  /** The ESP's rows by status (rows are counted per ESP, every lane of it together). */
  espCounts: { pending: number; retrying: number; inFlight: number; dead: number };
}

const BREAKER_FIELDS = ['breaker', 'breakerState', 'circuit', 'circuitState'] as const;

/** A breaker's state as a worker may report it: `breaker: 'open'`, `breaker: { state: 'open', … }` (or under a circuit* name). */
export function breakerStateOf(stats: unknown): string | null {
  if (!stats || typeof stats !== 'object') return null;
  for (const field of BREAKER_FIELDS) {
    const b = (stats as Record<string, unknown>)[field];
    if (typeof b === 'string') return b;
    if (b && typeof b === 'object' && typeof (b as { state?: unknown }).state === 'string') return (b as { state: string }).state;
  }
  return null;
}

export function rateText(r: { limit: number; intervalMs: number }): string {
  const s = r.intervalMs / 1000;
  return `${r.limit} per ${s === 1 ? 'second' : s === 60 ? 'minute' : `${s} s`}`;
}

export function laneViews(input: {
  lanes: LaneInfo[];
  stats: readonly LaneStats[];
  counts: StateCount[];
  limits?: LimitsConfig;
  espLimits?: Partial<Record<string, LaneLimits>>;
  now: number;
}): LaneView[] {
  const statsByLane = new Map(input.stats.map((s) => [s.lane, s]));
  const count = (esp: string, status: StateCount['status']) => input.counts.find((c) => c.esp === esp && c.status === status)?.count ?? 0;
  return input.lanes.map((info) => {
    const s = statsByLane.get(info.lane);
    const limits = limitsForLane(input.limits, info.esp, info.lane, input.espLimits);
    const espCounts = { pending: count(info.esp, 'pending'), retrying: count(info.esp, 'retry_scheduled'), inFlight: count(info.esp, 'in_flight'), dead: count(info.esp, 'dead') };
    const breaker = breakerStateOf(s);
    const pausedUntil = typeof s?.pausedUntil === 'number' && s.pausedUntil > input.now ? s.pausedUntil : null;
    let state: LaneView['state'] = 'ok';
    let detail = 'sending normally';
    if (!s) {
      state = 'idle';
      detail = 'no worker in this process runs this lane';
    } else if (pausedUntil !== null) {
      state = 'paused';
      detail = `paused until ${new Date(pausedUntil).toISOString()} (the ESP asked to slow down, or its limit was reached)`;
    } else if (breaker && breaker !== 'closed') {
      state = 'breaker open';
      detail = `circuit breaker ${breaker}`;
    } else if (espCounts.retrying > 0) {
      state = 'failing';
      detail = `${espCounts.retrying} ${info.esp} deliver${espCounts.retrying === 1 ? 'y waits' : 'ies wait'} for a retry`;
    }
    return {
      lane: info.lane,
      esp: info.esp,
      plugin: info.plugin,
      state,
      detail,
      inFlight: typeof s?.inFlight === 'number' ? s.inFlight : 0,
      sent: typeof s?.sent === 'number' ? s.sent : null,
      concurrency: limits.concurrency,
      rates: limits.rates.map(rateText),
      espCounts,
    };
  });
}
