// One lane: the deliveries of one (esp, plugin). Its own claim loop and concurrency, so a lane that
// is down, slow or throttled never holds back another; its rate gate is its credential's.
import type { DeliveryStore, LaneInfo, StoredDelivery } from '../storage/deliveries.ts';
import { AdaptivePacer, type PacingSettings } from './adaptive-pacing.ts';
import { recordAttempt, sendWithTimeout, type WorkerLogger } from './attempt.ts';
import { CircuitBreaker, isConnectionFailure, type BreakerEvent, type BreakerSettings } from './circuit-breaker.ts';
import type { Clock } from './clock.ts';
import type { LaneLimits, RateGate } from './rate-limiter.ts';
import { decideNext, type RetryPolicy } from './retry-policy.ts';
import type { Transport } from './types.ts';

/** What a lane shares with its worker. */
export interface LaneContext {
  store: DeliveryStore;
  clock: Clock;
  log: WorkerLogger;
  policy: RetryPolicy;
  random: () => number;
  workerId: string;
  batchSize: number;
  leaseMs: number;
  pollMs: number;
  /** False once the worker stops: the loop ends after its sends in flight. */
  running(): boolean;
  /** Bumped by notify(): a lane idle since an older generation may have work again. */
  generation(): number;
  /** Aborted when the worker stops (frees sends waiting for a rate-limit token). */
  stopSignal(): AbortSignal;
  /** Each lane's circuit breaker (src/delivery/circuit-breaker.ts); defaults when omitted. */
  breaker?: Partial<BreakerSettings>;
  /** Each lane's adaptive pacing (src/delivery/adaptive-pacing.ts); defaults when omitted. */
  pacing?: Partial<PacingSettings>;
  /** The rate gate a lane waits at: its credential's, shared with every lane of that key (rate-gate.ts). */
  gateFor(lane: LaneInfo): RateGate;
}

/** Resolves after `ms`, or earlier when the wake function it hands out is called. */
export function sleep(clock: Clock, ms: number, setWake: (wake: (() => void) | null) => void): Promise<void> {
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

export class Lane {
  readonly limiter: RateGate;
  inFlight = 0;
  pausedUntil = 0;
  sent = 0;
  /** The generation at which the lane last found nothing to do. */
  idleGen = -1;
  loop: Promise<void> | null = null;
  readonly breaker: CircuitBreaker;
  readonly pacer: AdaptivePacer;
  private wakeFn: (() => void) | null = null;
  private readonly tasks = new Set<Promise<void>>();
  /** Rows sent whose outcome is still being written (the store refused it and is retried). */
  private readonly unrecorded = new Set<string>();

  constructor(
    readonly info: LaneInfo,
    readonly transport: Transport,
    readonly limits: Required<LaneLimits>,
    private readonly ctx: LaneContext,
  ) {
    this.limiter = ctx.gateFor(info);
    if (limits.attemptTimeoutMs >= ctx.leaseMs) {
      ctx.log.warn({ lane: info.lane, attemptTimeoutMs: limits.attemptTimeoutMs, leaseMs: ctx.leaseMs }, 'attempt timeout not below lease; a slow send could be repeated by another worker');
    }
    this.breaker = new CircuitBreaker(ctx.breaker);
    this.pacer = new AdaptivePacer(ctx.clock, ctx.pacing);
  }

  wake(): void {
    this.wakeFn?.();
  }

  private nap(ms: number): Promise<void> {
    return sleep(this.ctx.clock, ms, (w) => (this.wakeFn = w));
  }

  async run(): Promise<void> {
    const { ctx } = this;
    while (ctx.running()) {
      const gen = ctx.generation();
      const now = ctx.clock.now();
      if (this.pausedUntil > now) {
        await this.nap(this.pausedUntil - now);
        continue;
      }
      const gate = this.breaker.gate(now);
      if (gate.kind === 'wait') {
        await this.nap(Math.min(gate.ms, ctx.pollMs));
        continue;
      }
      if (gate.kind === 'probe') {
        await this.probe(now, gen);
        continue;
      }
      const free = this.limits.concurrency - this.inFlight;
      // Claim in batches: with sends in flight, wait until half the slots are free rather than
      // claiming one row per finished send (each claim is a write transaction).
      const worthClaiming = Math.max(1, Math.floor(Math.min(ctx.batchSize, this.limits.concurrency) / 2));
      if (free <= 0 || (this.inFlight > 0 && free < worthClaiming)) {
        await this.nap(ctx.pollMs);
        continue;
      }
      const rows = await this.claim(now, Math.min(ctx.batchSize, free));
      if (rows === null) {
        await this.nap(ctx.pollMs);
        continue;
      }
      if (rows.length === 0) {
        const wait = await this.untilNextDue();
        if (this.inFlight === 0 && wait > 0) this.idleGen = gen;
        if (!ctx.running()) break;
        // Rows due now but not claimable by us are in flight here: wait for a slot to free.
        await this.nap(wait > 0 ? wait : this.inFlight > 0 ? ctx.pollMs : 5);
        continue;
      }
      // A row whose outcome we are still writing came back to us when its lease lapsed: the
      // retrying write records it (the row is leased to us again); sending it again would double it.
      for (const row of rows) if (!this.unrecorded.has(row.id)) this.launch(row);
    }
    await Promise.all([...this.tasks]);
  }

  /** Due rows, leased to this worker; null when the store failed (logged). */
  private async claim(now: number, limit: number): Promise<StoredDelivery[] | null> {
    try {
      return await this.ctx.store.claimDue({ lane: this.info.lane, owner: this.ctx.workerId, now, leaseMs: this.ctx.leaseMs, limit });
    } catch (err) {
      this.ctx.log.error({ lane: this.info.lane, err: String(err) }, 'claim failed');
      return null;
    }
  }

  /**
   * The open breaker's one request: a due row, else the earliest backed-off one brought forward.
   * Nothing waiting at all: no probe (the next row to arrive is the next probe).
   */
  private async probe(now: number, gen: number): Promise<void> {
    let rows = await this.claim(now, 1);
    if (rows !== null && rows.length === 0) {
      const moved = await this.ctx.store.resumeRetries({ lane: this.info.lane, since: 0, now, limit: 1 }).catch(() => 0);
      if (moved > 0) rows = await this.claim(now, 1);
    }
    if (rows === null || rows.length === 0 || this.unrecorded.has(rows[0].id)) {
      this.breaker.probeNotSent(now);
      if (rows !== null && this.inFlight === 0) this.idleGen = gen;
      return;
    }
    this.launch(rows[0], true);
  }

  /** How long until the lane's next row falls due, at most one poll interval. */
  private async untilNextDue(): Promise<number> {
    try {
      const due = await this.ctx.store.nextDueAt(this.info.lane);
      if (due !== null) return Math.min(this.ctx.pollMs, Math.max(due - this.ctx.clock.now(), 0));
    } catch (err) {
      this.ctx.log.error({ lane: this.info.lane, err: String(err) }, 'nextDueAt failed');
    }
    return this.ctx.pollMs;
  }

  private launch(row: StoredDelivery, probe = false): void {
    this.inFlight++;
    const task = this.process(row, probe)
      .catch((err) => this.ctx.log.error({ id: row.id, err: String(err) }, 'delivery task failed'))
      .finally(() => {
        this.inFlight--;
        this.tasks.delete(task);
        this.wake();
      });
    this.tasks.add(task);
  }

  private async process(row: StoredDelivery, probe: boolean): Promise<void> {
    const { ctx } = this;
    const { clock, store, workerId, policy } = ctx;
    const base = { store, row, lane: this.info.lane, workerId, log: ctx.log };
    if (row.attempts > policy.maxAttempts) {
      // Claimed again and again without an answer: workers died mid-send each time.
      const now = clock.now();
      const reason = `gave up: ${row.attempts - 1} attempts ended without an answer (lease lapsed)`;
      await recordAttempt({ ...base, startedAt: now, now, outcome: { kind: 'transient', error: 'lease lapsed on every attempt', ambiguous: true }, next: { status: 'dead', reason } });
      return;
    }
    try {
      await this.limiter.acquire(ctx.stopSignal());
      await this.pacer.acquire(ctx.stopSignal());
    } catch {
      if (probe) this.breaker.probeNotSent(clock.now());
      await store.releaseClaim(row.id, workerId, clock.now(), clock.now());
      return;
    }
    if (this.pausedUntil > clock.now() || !ctx.running() || (!probe && this.breaker.state !== 'closed')) {
      // The ESP asked us to wait, or the breaker opened, while this row queued for a token: hand it back untried.
      if (probe) this.breaker.probeNotSent(clock.now());
      await store.releaseClaim(row.id, workerId, Math.max(this.pausedUntil, clock.now()), clock.now());
      return;
    }
    if (!(await this.leaseCoversAttempt(row))) {
      if (probe) this.breaker.probeNotSent(clock.now());
      return;
    }
    const startedAt = clock.now();
    const outcome = await sendWithTimeout(this.transport, row, this.limits.attemptTimeoutMs, clock);
    const now = clock.now();
    this.sent++;
    if (outcome.kind === 'transient' && outcome.retryAfterMs !== undefined && outcome.retryAfterMs > 0) {
      const until = now + outcome.retryAfterMs;
      if (until > this.pausedUntil) {
        this.pausedUntil = until;
        ctx.log.warn({ lane: this.info.lane, retryAfterMs: outcome.retryAfterMs, status: outcome.status }, 'lane paused by the ESP');
      }
    }
    this.pacer.record(outcome, now);
    const event = this.breaker.record(outcome, now, probe);
    if (probe && isConnectionFailure(outcome) && !(outcome.kind === 'transient' && outcome.ambiguous)) {
      // The ESP is still unreachable and never saw the request: the row did not fail, so the probe
      // costs it no attempt (a long outage must not use up its retries one probe at a time).
      ctx.log.warn({ lane: this.info.lane, id: row.id, error: outcome.kind === 'transient' ? outcome.error : '', nextProbeAt: this.breaker.probeAt }, 'lane probe failed; breaker stays open');
      await store.releaseClaim(row.id, workerId, now, now);
      return;
    }
    const next = decideNext(outcome, { esp: row.esp, attempt: row.attempts, createdAt: row.createdAt, now }, policy, ctx.random());
    this.unrecorded.add(row.id);
    try {
      await recordAttempt({ ...base, startedAt, now, outcome, next, clock, keepTrying: ctx.running });
    } finally {
      this.unrecorded.delete(row.id);
    }
    await this.onBreakerEvent(event, now);
  }

  /**
   * A send starts only if the lease outlasts it and the writing of its outcome: a row claimed in a
   * batch may have queued for a rate-limit token a long time. Otherwise the lease is lengthened
   * first; if that fails, the row is no longer ours (another worker took it after the lease
   * lapsed), so it is not sent from here.
   */
  private async leaseCoversAttempt(row: StoredDelivery): Promise<boolean> {
    const { ctx } = this;
    const now = ctx.clock.now();
    const margin = Math.min(RECORD_MARGIN_MS, Math.max(0, (ctx.leaseMs - this.limits.attemptTimeoutMs) / 2));
    if ((row.leaseUntil ?? 0) - now >= this.limits.attemptTimeoutMs + margin) return true;
    const until = now + ctx.leaseMs;
    try {
      if (await ctx.store.extendLease(row.id, ctx.workerId, until, now)) {
        row.leaseUntil = until;
        return true;
      }
      ctx.log.warn({ id: row.id, lane: this.info.lane }, 'lease lapsed while the row waited to be sent; left to the worker that holds it now');
    } catch (err) {
      // The row stays in flight under our lapsing lease and is tried again when it lapses.
      ctx.log.error({ id: row.id, lane: this.info.lane, err: String(err) }, 'could not extend the lease; not sending');
    }
    return false;
  }

  /** Opened: logged. Closed: every row the outage backed off falls due now; the limiter paces them. */
  private async onBreakerEvent(event: BreakerEvent, now: number): Promise<void> {
    if (event?.kind === 'opened') {
      this.ctx.log.warn({ lane: this.info.lane, since: event.since, nextProbeAt: this.breaker.probeAt }, 'lane breaker open: the ESP is unreachable; probing one request at a time');
    } else if (event?.kind === 'closed') {
      let resumed = 0;
      try {
        resumed = await this.ctx.store.resumeRetries({ lane: this.info.lane, since: event.since, now });
      } catch (err) {
        this.ctx.log.error({ lane: this.info.lane, err: String(err) }, 'resumeRetries failed; the rows keep their backoff');
      }
      this.ctx.log.info({ lane: this.info.lane, probes: event.probes, resumed, outageMs: now - event.since }, 'lane breaker closed: the ESP answers again');
      this.wake();
    }
  }
}

/** Time kept free at the end of a lease for the outcome to be written (less when the lease is short). */
const RECORD_MARGIN_MS = 2_000;
