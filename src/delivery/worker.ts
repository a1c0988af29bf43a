// The delivery worker. One lane per (esp, plugin), each with its own claim loop, concurrency
// and rate limiter, so a lane that is down, slow or throttled never holds back another.
import { hostname } from 'node:os';
import { setMaxListeners } from 'node:events';
import { randomUUID } from 'node:crypto';
import type { AttemptOutcome, DeliveryStore, LaneInfo, NextState, StoredDelivery } from '../storage/deliveries.ts';
import { systemClock, type Clock } from './clock.ts';
import { RateLimiter, limitsForLane, type LaneLimits, type LimitsConfig } from './rate-limiter.ts';
import { redactString } from './redact.ts';
import { decideNext, resolveRetryPolicy, type RetryPolicy } from './retry-policy.ts';
import type { PlannedDelivery, SendOutcome, Transport } from './types.ts';

type LogFn = (obj: object, msg?: string) => void;
export interface WorkerLogger {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
}
const silent: WorkerLogger = { debug() {}, info() {}, warn() {}, error() {} };

export interface WorkerOptions {
  store: DeliveryStore;
  transports: Transport[];
  policy?: Partial<RetryPolicy>;
  limits?: LimitsConfig;
  /** Each ESP's own limits (its module's defaults), under the config's `limits`. */
  espLimits?: Partial<Record<string, LaneLimits>>;
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
}

export interface LaneStats {
  lane: string;
  esp: string;
  inFlight: number;
  pausedUntil: number | null;
  sent: number;
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
  const log = options.logger ?? silent;
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

  function sleep(ms: number, setWake: (wake: (() => void) | null) => void): Promise<void> {
    return new Promise((resolve) => {
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        clock.clearTimeout(handle);
        setWake(null);
        resolve();
      };
      const handle = clock.setTimeout(finish, Math.max(0, ms));
      setWake(finish);
    });
  }

  class Lane {
    readonly limits: Required<LaneLimits>;
    readonly limiter: RateLimiter;
    inFlight = 0;
    pausedUntil = 0;
    sent = 0;
    idleGen = -1;
    private wakeFn: (() => void) | null = null;
    private readonly tasks = new Set<Promise<void>>();
    loop: Promise<void> | null = null;

    constructor(readonly info: LaneInfo, readonly transport: Transport) {
      this.limits = limitsForLane(options.limits, info.esp, info.lane, options.espLimits);
      this.limiter = new RateLimiter(this.limits.rates, clock);
      if (this.limits.attemptTimeoutMs >= leaseMs) {
        log.warn({ lane: info.lane, attemptTimeoutMs: this.limits.attemptTimeoutMs, leaseMs }, 'attempt timeout not below lease; a slow send could be repeated by another worker');
      }
    }

    wake(): void {
      this.wakeFn?.();
    }

    private nap(ms: number): Promise<void> {
      return sleep(ms, (w) => (this.wakeFn = w));
    }

    async run(): Promise<void> {
      while (running) {
        const gen = generation;
        const now = clock.now();
        if (this.pausedUntil > now) {
          await this.nap(this.pausedUntil - now);
          continue;
        }
        const free = this.limits.concurrency - this.inFlight;
        // Claim in batches: with sends in flight, wait until half the slots are free rather than
        // claiming one row per finished send (each claim is a write transaction).
        const worthClaiming = Math.max(1, Math.floor(Math.min(batchSize, this.limits.concurrency) / 2));
        if (free <= 0 || (this.inFlight > 0 && free < worthClaiming)) {
          await this.nap(pollMs);
          continue;
        }
        let rows: StoredDelivery[];
        try {
          rows = await store.claimDue({ lane: this.info.lane, owner: workerId, now, leaseMs, limit: Math.min(batchSize, free) });
        } catch (err) {
          log.error({ lane: this.info.lane, err: String(err) }, 'claim failed');
          await this.nap(pollMs);
          continue;
        }
        if (rows.length === 0) {
          let wait = pollMs;
          try {
            const due = await store.nextDueAt(this.info.lane);
            if (due !== null) wait = Math.min(pollMs, Math.max(due - clock.now(), 0));
          } catch (err) {
            log.error({ lane: this.info.lane, err: String(err) }, 'nextDueAt failed');
          }
          if (this.inFlight === 0 && wait > 0) this.idleGen = gen;
          if (!running) break;
          // Rows due now but not claimable by us are in flight here: wait for a slot to free.
          await this.nap(wait > 0 ? wait : this.inFlight > 0 ? pollMs : 5);
          continue;
        }
        for (const row of rows) {
          this.inFlight++;
          const task = this.process(row)
            .catch((err) => log.error({ id: row.id, err: String(err) }, 'delivery task failed'))
            .finally(() => {
              this.inFlight--;
              this.tasks.delete(task);
              this.wake();
            });
          this.tasks.add(task);
        }
      }
      await Promise.all([...this.tasks]);
    }

    private async process(row: StoredDelivery): Promise<void> {
      const lane = this.info.lane;
      if (row.attempts > policy.maxAttempts) {
        // Claimed again and again without an answer: workers died mid-send each time.
        await this.finish(row, clock.now(), clock.now(), { kind: 'transient', error: 'lease lapsed on every attempt', ambiguous: true }, {
          status: 'dead',
          reason: `gave up: ${row.attempts - 1} attempts ended without an answer (lease lapsed)`,
        });
        return;
      }
      try {
        await this.limiter.acquire(stopCtl.signal);
      } catch {
        await store.releaseClaim(row.id, workerId, clock.now(), clock.now());
        return;
      }
      if (this.pausedUntil > clock.now() || !running) {
        // The ESP asked us to wait while this row queued for a token: hand it back untried.
        await store.releaseClaim(row.id, workerId, Math.max(this.pausedUntil, clock.now()), clock.now());
        return;
      }
      const startedAt = clock.now();
      const outcome = await this.send(row);
      const now = clock.now();
      this.sent++;
      if (outcome.kind === 'transient' && outcome.retryAfterMs !== undefined && outcome.retryAfterMs > 0) {
        const until = now + outcome.retryAfterMs;
        if (until > this.pausedUntil) {
          this.pausedUntil = until;
          log.warn({ lane, retryAfterMs: outcome.retryAfterMs, status: outcome.status }, 'lane paused by the ESP');
        }
      }
      const next = decideNext(outcome, { esp: row.esp, attempt: row.attempts, createdAt: row.createdAt, now }, policy, random());
      await this.finish(row, startedAt, now, outcome, next);
    }

    private async send(row: StoredDelivery): Promise<SendOutcome> {
      const delivery: PlannedDelivery = {
        id: row.id,
        emailType: row.emailType,
        recipient: row.recipient,
        to: row.to,
        plugin: row.plugin,
        esp: row.esp,
        request: row.request,
      };
      const ctl = new AbortController();
      const timeoutMs = this.limits.attemptTimeoutMs;
      let timer: unknown = null;
      const timeout = new Promise<SendOutcome>((resolve) => {
        timer = clock.setTimeout(() => {
          ctl.abort(new Error(`attempt timed out after ${timeoutMs} ms`));
          resolve({ kind: 'transient', error: `timeout after ${timeoutMs} ms (engine)`, ambiguous: true });
        }, timeoutMs);
      });
      try {
        return await Promise.race([
          this.transport.send(delivery, ctl.signal).catch(
            (err): SendOutcome => ({ kind: 'transient', error: `transport threw: ${err instanceof Error ? err.message : String(err)}`, ambiguous: true }),
          ),
          timeout,
        ]);
      } finally {
        clock.clearTimeout(timer);
      }
    }

    private async finish(row: StoredDelivery, startedAt: number, now: number, outcome: SendOutcome, next: NextState): Promise<void> {
      let kind: AttemptOutcome = outcome.kind;
      if (outcome.kind === 'transient' && outcome.ambiguous) kind = /timeout/i.test(outcome.error) ? 'timeout' : 'ambiguous';
      const error = outcome.kind === 'delivered' ? null : redactString(outcome.error);
      const status = outcome.status ?? null;
      const stored = {
        ...next,
        ...(next.status !== 'delivered' ? { reason: redactString(next.reason) } : {}),
      } as NextState;
      try {
        const ok = await store.finishAttempt({
          id: row.id,
          owner: workerId,
          now,
          next: stored,
          lastStatus: status,
          attempt: {
            deliveryId: row.id,
            attempt: row.attempts,
            workerId,
            startedAt,
            finishedAt: now,
            outcome: kind,
            status,
            error,
            durationMs: Math.max(0, now - startedAt),
          },
        });
        const entry = { id: row.id, lane: this.info.lane, attempt: row.attempts, outcome: kind, status, next: next.status };
        if (!ok) log.warn(entry, 'lease lost before the result was recorded');
        else if (next.status === 'dead') log.warn({ ...entry, reason: stored.status === 'dead' ? stored.reason : '' }, 'delivery dead');
        else if (next.status === 'retry_scheduled') log.info({ ...entry, nextAttemptAt: next.nextAttemptAt, error }, 'delivery retry scheduled');
        else log.debug(entry, 'delivered');
      } catch (err) {
        // The lease will lapse and the row be tried again: at-least-once.
        log.error({ id: row.id, err: String(err) }, 'could not record the attempt');
      }
    }
  }

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
      const lane = new Lane(info, transport);
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
      await sleep(pollMs, (w) => (discoveryWake = w));
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
      }));
    },
  };
  return worker;
}
