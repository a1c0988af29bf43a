// Centra's QUERY_COMPLEXITY buckets shared through the store by every process of a PostgreSQL
// deployment (docs/centra.md §2, "Sharing the complexity buckets"). A query's complexity is only
// known from Centra's answer, so the buckets are post-paid: each answer's complexity is charged
// after it (a bucket may go below zero: a debt, refilled at its rate on the store's clock). Before a
// request goes out its process holds an estimate of its cost in the store, and a hold is granted
// only while every bucket keeps at least the holds of all processes' requests on their way plus
// the new one: N processes' unknown requests are covered by N holds, whatever N is.
//
// One call to the store (QuotaStore.charge, one statement) both settles the answers of this process
// since its last call and holds for its waiting requests: a busy process makes one call a request.
// A settlement below its hold waits for the next call (at most flushMs); one above it (a debt) goes at once.
import { randomBytes } from 'node:crypto';
import type { WorkerLogger } from '../delivery/attempt.ts';
import type { Clock } from '../delivery/clock.ts';
import { GrantQueue } from '../delivery/grant-queue.ts';
import { refillWaitMs, storeBackoffMs, storeFailed } from '../delivery/shared-rate-gate.ts';
import type { QuotaBucket, QuotaLeft, QuotaStore } from '../storage/quotas.ts';
import type { ComplexityTicket, PostPaidComplexityGate } from './graphql-client.ts';
import type { CentraRate } from './quota.ts';

/** The shared buckets keep a margin of 2 % below Centra's quota, in capacity and in rate (clock drift, Centra's own rounding). */
const MARGIN = 0.02;

export interface SharedComplexityOptions {
  clock: Clock;
  log: WorkerLogger;
  /** Points held for a request before any answer was seen (default: a fifth of the smallest bucket). */
  initialEstimate?: number;
  /** How long the holds of a process live without a call from it: longer than any request may take (default 60 s). */
  holdMs?: number;
  /** How long a settlement below its hold may wait for the next call (default 100 ms). */
  flushMs?: number;
  random?: () => number;
  /** The process's id in the store (default: random). */
  holder?: string;
}

export class SharedComplexityGate implements PostPaidComplexityGate {
  readonly buckets: readonly QuotaBucket[];
  readonly holder: string;
  readonly holdMs: number;
  /** Statements sent to the store (for measurement). */
  calls = 0;
  private estimate: number;
  private readonly maxEstimate: number;
  private readonly waiters = new GrantQueue<ComplexityTicket>();
  private release = 0;
  private cost = 0;
  private declared: Promise<void> | null = null;
  private pumping = false;
  private flushTimer: unknown = null;
  private failures = 0;
  private readonly random: () => number;

  constructor(
    private readonly store: QuotaStore,
    /** rate-gate.ts credentialId('centra-complexity', token): never the token. */
    readonly credential: string,
    limits: readonly CentraRate[],
    private readonly opts: SharedComplexityOptions,
  ) {
    if (limits.length === 0) throw new Error('a shared complexity gate needs at least one bucket');
    this.buckets = limits.map((r) => ({ intervalMs: r.intervalMs, capacity: r.limit * (1 - MARGIN), perMs: (r.limit * (1 - MARGIN)) / r.intervalMs }));
    this.maxEstimate = Math.min(...this.buckets.map((b) => b.capacity));
    this.estimate = Math.min(this.maxEstimate, opts.initialEstimate ?? Math.min(...limits.map((r) => r.limit)) / 5);
    this.holder = opts.holder ?? randomBytes(8).toString('hex');
    this.holdMs = opts.holdMs ?? 60_000;
    this.random = opts.random ?? Math.random;
  }

  /** Points held for the next request: the largest complexity seen (at least the initial estimate), at most the smallest bucket. */
  get unit(): number {
    return this.estimate;
  }

  admit(signal?: AbortSignal): Promise<ComplexityTicket> {
    const granted = this.waiters.wait(signal);
    void this.pump();
    return granted;
  }

  /** A ticket for a hold of `held` points: settled once, with the answer's complexity or (none known) the hold itself. */
  private ticket(held: number): ComplexityTicket {
    let settled = false;
    return {
      settle: (points) => {
        if (settled) return;
        settled = true;
        const cost = typeof points === 'number' && Number.isFinite(points) && points >= 0 ? points : held;
        if (cost > this.estimate) this.estimate = Math.min(this.maxEstimate, cost);
        this.release += held;
        this.cost += cost;
        // A debt beyond the hold goes to the store at once; a refund may wait for the next call.
        if (cost > held) void this.pump(true);
        else this.scheduleFlush();
      },
    };
  }

  /**
   * Sends what is settled within flushMs if no call takes it sooner (after failed calls, with their
   * backoff). The timer does not keep the process alive: a settlement lost at exit is a hold never
   * given back, or an answer's cost above its hold never charged (docs/centra.md §2).
   */
  private scheduleFlush(): void {
    if (this.flushTimer !== null) return;
    const ms = this.failures > 0 ? storeBackoffMs(this.failures) : (this.opts.flushMs ?? 100);
    this.flushTimer = this.opts.clock.setTimeout(() => {
      this.flushTimer = null;
      if (this.release > 0 || this.cost > 0) void this.pump(true);
    }, ms);
    (this.flushTimer as { unref?: () => void } | null)?.unref?.();
  }

  /** One call at a time per process: settle what is pending, hold for the waiters, sleep until enough has refilled, again. */
  private async pump(flush = false): Promise<void> {
    if (this.pumping) return;
    if (!flush && this.waiters.length === 0) return;
    this.pumping = true;
    try {
      let settleOnly = flush;
      while (this.waiters.length > 0 || settleOnly) {
        settleOnly = false;
        const waitMs = await this.callOnce();
        if (this.waiters.length > 0 && waitMs > 0) await new Promise<void>((r) => this.opts.clock.setTimeout(r, waitMs));
      }
    } finally {
      this.pumping = false;
      // A settlement that came in while the last call was on its way: a debt at once, a refund soon.
      if (this.cost > this.release && this.failures === 0) void this.pump(true);
      else if (this.release > 0 || this.cost > 0) this.scheduleFlush();
    }
  }

  /** One statement: settles, holds for as many waiters as fit; how long to wait before the next one. */
  private async callOnce(): Promise<number> {
    const release = this.release;
    const cost = this.cost;
    const unit = this.estimate;
    const want = this.waiters.length;
    try {
      await (this.declared ??= this.store.declare(this.credential, this.buckets));
      this.calls++;
      const res = await this.store.charge(
        this.credential,
        this.buckets.map((b) => b.intervalMs),
        this.holder,
        { release, cost, unit: want > 0 ? unit : 0, want, holdMs: this.holdMs },
      );
      this.release -= release;
      this.cost -= cost;
      if (res.left.length < this.buckets.length) {
        this.declared = null;
        return 10;
      }
      this.failures = 0;
      for (let i = 0; i < res.granted; i++) {
        // A caller that gave up while the call was on its way: its hold is given back with the next call.
        if (this.waiters.length > 0) this.waiters.grantOne(this.ticket(unit));
        else this.release += unit;
      }
      if (this.waiters.length === 0) return 0;
      return this.untilRoom(res.left, res.held + this.estimate);
    } catch (err) {
      this.declared = null;
      return storeFailed(this.opts.log, this.credential, ++this.failures, err, 'could not charge Centra complexity in the store; Centra requests wait');
    }
  }

  /**
   * About until every bucket holds `need` by refill alone (100 – 125 % of that, at random, so
   * processes do not ask in lockstep; asking before it is there only costs a statement). Holds
   * released in the meantime make room sooner; the next call is the one that sees it.
   */
  private untilRoom(left: readonly QuotaLeft[], need: number): number {
    return refillWaitMs(left, need, 1 + 0.25 * this.random());
  }
}
