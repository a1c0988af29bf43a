// The delivery worker: finds the lanes (one per esp and plugin, src/delivery/lane.ts) that have
// stored deliveries, runs each lane's loop, and starts, stops, wakes and drains them together.
import { hostname } from 'node:os';
import { setMaxListeners } from 'node:events';
import { randomUUID } from 'node:crypto';
import type { DeliveryStore } from '../storage/deliveries.ts';
import { silentLogger, type WorkerLogger } from './attempt.ts';
import { systemClock, type Clock } from './clock.ts';
import type { PacingSettings } from './adaptive-pacing.ts';
import type { BreakerSettings, BreakerState } from './circuit-breaker.ts';
import { Lane, sleep, type LaneContext } from './lane.ts';
import { limitsForLane, type LaneLimits, type LimitsConfig } from './rate-limiter.ts';
import { createRateGates, type LaneCredential } from './rate-gate.ts';
import type { QuotaStore } from '../storage/quotas.ts';
import { resolveRetryPolicy, type RetryPolicy } from './retry-policy.ts';
import type { Transport } from './types.ts';

export type { WorkerLogger };

export interface WorkerOptions {
  store: DeliveryStore;
  transports: Transport[];
  policy?: Partial<RetryPolicy>;
  limits?: LimitsConfig;
  /** Each ESP's own limits (its module's defaults), under the config's `limits`. */
  espLimits?: Partial<Record<string, LaneLimits>>;
  /** The credential each configured lane sends with: lanes of one credential share its buckets (rate-gate.ts). */
  credentials?: readonly LaneCredential[];
  /** The store's shared buckets (PostgreSQL): a credential's limits hold across every process of the store. */
  quotas?: QuotaStore | null;
  logger?: WorkerLogger;
  /** Lease owner id; default `<host>:<pid>:<random>`. */
  workerId?: string;
  /** Most rows one claim takes (also bounded by free concurrency). Default 32. */
  batchSize?: number;
  /** Lease length; must exceed the attempt timeout. Default 60 s. */
  leaseMs?: number;
  /** Longest an idle lane sleeps before looking again, and how often new lanes are found. Default 1000 ms. */
  pollMs?: number;
  clock?: Clock;
  /** Source of jitter, [0, 1). Default Math.random. */
  random?: () => number;
  /** Every lane's circuit breaker (src/delivery/circuit-breaker.ts). */
  breaker?: Partial<BreakerSettings>;
  /** Every lane's adaptive pacing after 429s (src/delivery/adaptive-pacing.ts). */
  pacing?: Partial<PacingSettings>;
}

export interface LaneStats {
  lane: string;
  esp: string;
  inFlight: number;
  pausedUntil: number | null;
  sent: number;
  /** The lane's circuit breaker: closed (sending), open (the ESP unreachable; waiting to probe), half-open (a probe out). */
  breaker: BreakerState;
  /** When the open breaker probes next, else null. */
  nextProbeAt: number | null;
  /** The adaptive pace after 429s (requests per second), null while not pacing. */
  pacePerSecond: number | null;
}

export interface Worker {
  readonly workerId: string;
  start(): void;
  /** Stops claiming, waits for every send in flight to finish and be recorded. */
  stop(): Promise<void>;
  /** Wake the lanes now (new work was enqueued or replayed). */
  notify(): void;
  /**
   * Starts if needed and resolves once nothing is due and nothing is in flight; with
   * `untilEmpty`, only once no row is pending, retry_scheduled or in_flight at all.
   */
  runUntilIdle(opts?: { untilEmpty?: boolean; timeoutMs?: number }): Promise<void>;
  /** Alias of runUntilIdle({ untilEmpty: true }). */
  drain(opts?: { timeoutMs?: number }): Promise<void>;
  stats(): LaneStats[];
}

export function createWorker(options: WorkerOptions): Worker {
  const store = options.store;
  const clock = options.clock ?? systemClock;
  const log = options.logger ?? silentLogger;
  const policy = resolveRetryPolicy(options.policy);
  const random = options.random ?? Math.random;
  const workerId = options.workerId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const batchSize = Math.max(1, Math.floor(options.batchSize ?? 32));
  const leaseMs = options.leaseMs ?? 60_000;
  const pollMs = options.pollMs ?? 1000;
  const transports = new Map<string, Transport>();
  for (const t of options.transports) transports.set(t.esp, t);

  let running = false;
  // Every send waiting for a rate-limit token listens on this one signal (removed once granted).
  const newStopController = () => {
    const c = new AbortController();
    setMaxListeners(0, c.signal);
    return c;
  };
  let stopCtl = newStopController();
  let generation = 0;
  let lanesSeenGen = -1;
  let discovery: Promise<void> | null = null;
  let discoveryWake: (() => void) | null = null;
  const lanes = new Map<string, Lane>();
  const warnedEsp = new Set<string>();
  const laneLimits = (esp: string, lane: string) => limitsForLane(options.limits, esp, lane, options.espLimits);
  const gates = createRateGates({
    credentials: options.credentials ?? [],
    ratesOf: (esp, lane) => laneLimits(esp, lane).rates,
    quotas: options.quotas ?? null,
    clock,
    log,
  });
  const laneContext: LaneContext = {
    store,
    clock,
    log,
    policy,
    random,
    workerId,
    batchSize,
    leaseMs,
    pollMs,
    running: () => running,
    generation: () => generation,
    stopSignal: () => stopCtl.signal,
    breaker: options.breaker,
    pacing: options.pacing,
    gateFor: (lane) => gates.gateFor(lane),
  };

  async function refreshLanes(): Promise<void> {
    const gen = generation;
    const infos = await store.lanes();
    for (const info of infos) {
      if (lanes.has(info.lane)) continue;
      const transport = transports.get(info.esp);
      if (!transport) {
        if (!warnedEsp.has(info.esp)) log.warn({ esp: info.esp }, 'no transport for this ESP; its lanes are left alone');
        warnedEsp.add(info.esp);
        continue;
      }
      const lane = new Lane(info, transport, laneLimits(info.esp, info.lane), laneContext);
      lanes.set(info.lane, lane);
      if (running) lane.loop = lane.run();
    }
    lanesSeenGen = gen;
  }

  async function discoverLoop(): Promise<void> {
    while (running) {
      try {
        await refreshLanes();
      } catch (err) {
        log.error({ err: String(err) }, 'lane discovery failed');
      }
      if (!running) break;
      await sleep(clock, pollMs, (w) => (discoveryWake = w));
    }
  }

  const worker: Worker = {
    workerId,
    start() {
      if (running) return;
      running = true;
      stopCtl = newStopController();
      for (const lane of lanes.values()) lane.loop = lane.run();
      discovery = discoverLoop();
      log.info({ workerId }, 'delivery worker started');
    },
    async stop() {
      if (!running) return;
      running = false;
      stopCtl.abort(new Error('worker stopping'));
      discoveryWake?.();
      for (const lane of lanes.values()) lane.wake();
      await discovery;
      await Promise.all([...lanes.values()].map((l) => l.loop));
      log.info({ workerId }, 'delivery worker stopped');
    },
    notify() {
      generation++;
      discoveryWake?.();
      for (const lane of lanes.values()) lane.wake();
    },
    async runUntilIdle(opts = {}) {
      worker.start();
      worker.notify();
      const deadline = opts.timeoutMs !== undefined ? Date.now() + opts.timeoutMs : Infinity;
      for (;;) {
        const gen = generation;
        const idle = lanesSeenGen >= gen && [...lanes.values()].every((l) => l.idleGen >= gen && l.inFlight === 0);
        if (idle && (!opts.untilEmpty || (await store.queueDepth()) === 0)) return;
        if (Date.now() > deadline) throw new Error(`runUntilIdle: not idle after ${opts.timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    drain(opts = {}) {
      return worker.runUntilIdle({ ...opts, untilEmpty: true });
    },
    stats() {
      const now = clock.now();
      return [...lanes.values()].map((l) => ({
        lane: l.info.lane,
        esp: l.info.esp,
        inFlight: l.inFlight,
        pausedUntil: l.pausedUntil > now ? l.pausedUntil : null,
        sent: l.sent,
        breaker: l.breaker.state,
        nextProbeAt: l.breaker.probeAt,
        pacePerSecond: l.pacer.perSecond,
      }));
    },
  };
  return worker;
}
