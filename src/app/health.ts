// Readiness that tells the truth (GET /readyz; the rules in docs/operations.md, "Health"):
//   store      a cheap write (one row overwritten): fails → failing (503): nothing can be acknowledged.
//   centra     from the processor's and the poller's recent fetches, never a request of its own (Centra
//              has a quota): its last answer was a failure → degraded (events wait in the inbox).
//   lanes      each lane's state from the worker (paused by the ESP, a circuit breaker's state when the
//              worker reports one) and from its recent attempts: `failingAfter` failed attempts in a row,
//              none delivered since, the last within the window → that lane is failing → degraded, naming it.
//   backlog    the oldest delivery still to be sent is older than `backlogMaxSec` → degraded.
//   deadLetters at least `deadLettersMax` dead letters in the last `deadLettersWindowMin` minutes → degraded.
// ok and degraded answer 200 (the service takes and keeps events: a load balancer must not drop it);
// failing answers 503. /healthz is liveness only: the process answers.
import type { DeliveryEvent } from '../delivery/observed-store.ts';
import type { LaneStats } from '../delivery/worker.ts';
import type { ReadinessRules } from '../config/server.ts';

export type HealthStatus = 'ok' | 'degraded' | 'failing';

/** What the recent attempts of each lane came to, kept from the delivery store's events. */
export interface LaneRecord {
  lane: string;
  esp: string;
  plugin: string;
  failuresInARow: number;
  lastDeliveredAt: number | null;
  lastFailedAt: number | null;
  lastError: string | null;
  /** Times of dead letters within the window (oldest first). */
  deadAt: number[];
}

export interface LaneWatch {
  observe(event: DeliveryEvent): void;
  records(): LaneRecord[];
}

export function createLaneWatch(opts: { windowMs: () => number; now?: () => number }): LaneWatch {
  const now = opts.now ?? Date.now;
  const lanes = new Map<string, LaneRecord>();
  const recordOf = (row: { lane: string; esp: string; plugin: string }) => {
    let r = lanes.get(row.lane);
    if (!r) lanes.set(row.lane, (r = { lane: row.lane, esp: row.esp, plugin: row.plugin, failuresInARow: 0, lastDeliveredAt: null, lastFailedAt: null, lastError: null, deadAt: [] }));
    return r;
  };
  const forget = (r: LaneRecord) => {
    const from = now() - opts.windowMs();
    while (r.deadAt.length && r.deadAt[0]! < from) r.deadAt.shift();
  };
  return {
    observe(e) {
      if (e.type !== 'attempted') return;
      const r = recordOf(e.row);
      if (e.attempt.outcome === 'delivered') {
        r.failuresInARow = 0;
        r.lastDeliveredAt = e.at;
      } else if (e.attempt.outcome !== 'lease_lost') {
        r.failuresInARow++;
        r.lastFailedAt = e.at;
        r.lastError = [e.attempt.status, e.attempt.error].filter((x) => x !== null && x !== undefined).join(' ').slice(0, 300) || e.attempt.outcome;
      }
      if (e.moved && e.next.status === 'dead') r.deadAt.push(e.at);
      forget(r);
    },
    records() {
      for (const r of lanes.values()) forget(r);
      return [...lanes.values()];
    },
  };
}

/** Centra's recent answers to this process (the processor's fetches, the events poller's polls). */
export interface CentraWatch {
  answered(answer: { ok: true } | { ok: false; error: string }): void;
  state(): { lastOkAt: number | null; lastFailedAt: number | null; lastError: string | null };
}

export function createCentraWatch(now: () => number = Date.now): CentraWatch {
  const s = { lastOkAt: null as number | null, lastFailedAt: null as number | null, lastError: null as string | null };
  return {
    answered(a) {
      if (a.ok) s.lastOkAt = now();
      else {
        s.lastFailedAt = now();
        s.lastError = a.error.slice(0, 300);
      }
    },
    state: () => ({ ...s }),
  };
}

export interface ReadinessDeps {
  probeWrite(now: number): Promise<void>;
  oldestPendingAgeMs(): Promise<number>;
  workerStats(): LaneStats[];
  lanes: LaneWatch;
  centra?: CentraWatch;
  /** Until when the processor holds off fetching (Centra unavailable, or the store refusing writes). */
  processorPausedUntil?: () => number;
  rules: ReadinessRules;
  now?: () => number;
}

export interface LaneReadiness {
  lane: string;
  esp: string;
  plugin: string;
  status: 'ok' | 'paused' | 'failing';
  inFlight: number;
  pausedUntil: string | null;
  /** The worker's circuit breaker for the lane, when it reports one (open, half_open, closed). */
  circuit: string | null;
  failuresInARow: number;
  lastDeliveredAt: string | null;
  lastFailedAt: string | null;
  lastError: string | null;
  deadLettersRecent: number;
}

export interface Readiness {
  status: HealthStatus;
  /** One line per check that is not ok, naming what (e.g. "lane klaviyo:main failing: 8 failed attempts in a row"). */
  reasons: string[];
  checkedAt: string;
  checks: {
    store: { status: 'ok' | 'failing'; ms: number; error?: string };
    centra: { status: 'ok' | 'unknown' | 'unreachable'; lastOkAt: string | null; lastFailedAt: string | null; lastError: string | null; fetchingPausedUntil: string | null };
    lanes: LaneReadiness[];
    backlog: { status: 'ok' | 'degraded'; oldestPendingAgeSec: number | null; maxSec: number; error?: string };
    deadLetters: { status: 'ok' | 'degraded'; recent: number; windowMin: number; max: number };
  };
}

const iso = (t: number | null | undefined) => (t ? new Date(t).toISOString() : null);

/** The breaker state a lane's stats report, under whichever name the worker gives it; null if none. */
export function circuitOf(stats: LaneStats | undefined): string | null {
  const s = stats as unknown as Record<string, unknown> | undefined;
  for (const k of ['circuit', 'circuitState', 'breaker', 'breakerState']) {
    const v = s?.[k];
    if (typeof v === 'string') return v;
    if (v && typeof v === 'object' && typeof (v as { state?: unknown }).state === 'string') return (v as { state: string }).state;
  }
  return null;
}

const STORE_PROBE_TIMEOUT_MS = 2000;

async function probeStore(deps: ReadinessDeps, now: number): Promise<Readiness['checks']['store']> {
  const started = Date.now();
  try {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${STORE_PROBE_TIMEOUT_MS} ms`)), STORE_PROBE_TIMEOUT_MS)));
    await Promise.race([deps.probeWrite(now), timeout]).finally(() => clearTimeout(timer));
    return { status: 'ok', ms: Date.now() - started };
  } catch (err) {
    return { status: 'failing', ms: Date.now() - started, error: (err as Error).message.slice(0, 300) };
  }
}

export async function readiness(deps: ReadinessDeps): Promise<Readiness> {
  const now = (deps.now ?? Date.now)();
  const rules = deps.rules;
  const reasons: string[] = [];
  const [store, oldest] = await Promise.all([
    probeStore(deps, now),
    deps.oldestPendingAgeMs().then(
      (ms) => ({ ms, error: undefined }),
      (err: Error) => ({ ms: null, error: err.message.slice(0, 300) }),
    ),
  ]);
  if (store.status === 'failing') reasons.push(`store takes no writes: ${store.error}`);

  const c = deps.centra?.state() ?? { lastOkAt: null, lastFailedAt: null, lastError: null };
  const pausedUntil = deps.processorPausedUntil?.() ?? 0;
  const unreachable = c.lastFailedAt !== null && c.lastFailedAt >= (c.lastOkAt ?? 0);
  const centra: Readiness['checks']['centra'] = {
    status: unreachable ? 'unreachable' : c.lastOkAt === null ? 'unknown' : 'ok',
    lastOkAt: iso(c.lastOkAt),
    lastFailedAt: iso(c.lastFailedAt),
    lastError: unreachable ? c.lastError : null,
    fetchingPausedUntil: pausedUntil > now ? iso(pausedUntil) : null,
  };
  if (unreachable) reasons.push(`Centra unreachable since ${centra.lastFailedAt}: ${c.lastError}; events wait in the inbox`);

  const stats = new Map(deps.workerStats().map((s) => [s.lane, s]));
  const records = new Map(deps.lanes.records().map((r) => [r.lane, r]));
  const laneNames = [...new Set([...stats.keys(), ...records.keys()])].sort();
  let recentDead = 0;
  const lanes = laneNames.map((lane): LaneReadiness => {
    const s = stats.get(lane);
    const r = records.get(lane);
    const circuit = circuitOf(s);
    const failuresInARow = r?.failuresInARow ?? 0;
    // Failed attempts count while recent: a lane with no traffic since is not held failing for ever.
    const recentFailure = (r?.lastFailedAt ?? 0) >= now - rules.deadLettersWindowMin * 60_000;
    const failing = circuit === 'open' || (failuresInARow >= rules.laneFailingAfter && recentFailure);
    const paused = !failing && (s?.pausedUntil ?? 0) > now;
    const deadLettersRecent = r?.deadAt.length ?? 0;
    recentDead += deadLettersRecent;
    if (failing) reasons.push(`lane ${lane} failing: ${circuit === 'open' ? 'circuit open, ' : ''}${failuresInARow} failed attempts in a row${r?.lastError ? ` (last: ${r.lastError})` : ''}`);
    return {
      lane,
      esp: s?.esp ?? r!.esp,
      plugin: r?.plugin ?? lane.slice(lane.indexOf(':') + 1),
      status: failing ? 'failing' : paused ? 'paused' : 'ok',
      inFlight: s?.inFlight ?? 0,
      pausedUntil: iso(s?.pausedUntil),
      circuit,
      failuresInARow,
      lastDeliveredAt: iso(r?.lastDeliveredAt),
      lastFailedAt: iso(r?.lastFailedAt),
      lastError: r?.lastError ?? null,
      deadLettersRecent,
    };
  });

  const ageSec = oldest.ms === null ? null : Math.round(oldest.ms / 1000);
  const backlogSlow = ageSec !== null && ageSec > rules.backlogMaxSec;
  if (backlogSlow) reasons.push(`oldest delivery waiting ${ageSec} s (more than ${rules.backlogMaxSec} s)`);
  if (oldest.error) reasons.push(`backlog unknown: ${oldest.error}`);
  const deadSlow = rules.deadLettersMax > 0 && recentDead >= rules.deadLettersMax;
  if (deadSlow) reasons.push(`${recentDead} dead letters in the last ${rules.deadLettersWindowMin} min (threshold ${rules.deadLettersMax})`);

  const degraded = unreachable || lanes.some((l) => l.status === 'failing') || backlogSlow || deadSlow || oldest.error !== undefined;
  return {
    status: store.status === 'failing' ? 'failing' : degraded ? 'degraded' : 'ok',
    reasons,
    checkedAt: new Date(now).toISOString(),
    checks: {
      store,
      centra,
      lanes,
      backlog: { status: backlogSlow || oldest.error ? 'degraded' : 'ok', oldestPendingAgeSec: ageSec, maxSec: rules.backlogMaxSec, ...(oldest.error ? { error: oldest.error } : {}) },
      deadLetters: { status: deadSlow ? 'degraded' : 'ok', recent: recentDead, windowMin: rules.deadLettersWindowMin, max: rules.deadLettersMax },
    },
  };
}
