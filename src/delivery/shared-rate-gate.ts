// A credential's token buckets kept in the store, shared by every process of a PostgreSQL
// deployment (docs/delivery.md, "Sharing on PostgreSQL"). The process leases a few tokens at a
// time (one UPDATE … RETURNING, src/storage/postgres/quotas.ts), hands them to its waiting sends
// and lets whatever is left lapse `holdMs` after it asked: nothing is ever given back.
//
// Why the ESP's window is never overrun, whatever the number of processes: every token used in
// a window of length W was leased in that window or at most holdMs before it, when the buckets
// held at most C and refilled at R, so at most C + R·(W + holdMs) tokens are used in it. The
// buckets are shaped for that (rate-limiter.ts bucketShape with holdMs): C + R·(W + holdMs)
// stays a margin below the ESP's limit N. A process that dies with leased tokens only loses them.
import type { QuotaBucket, QuotaLeft, QuotaStore } from '../storage/quotas.ts';
import type { WorkerLogger } from './attempt.ts';
import type { Clock } from './clock.ts';
import { GrantQueue } from './grant-queue.ts';
import { bucketShape, type RateGate, type RateSpec } from './rate-limiter.ts';

/** Raises a small bucket to two tokens where the limit allows it (see the constructor). */
const minCapacity = (spec: RateSpec) => Math.min(2, Math.floor(spec.limit / 20));

/**
 * How long a leased token may wait to be used: as long as possible (a lease that comes back late,
 * on a busy machine, is still good) while the binding limit keeps 98 % of the rate it would have
 * with no wait at all, between 50 ms and 1 s. Each bucket's rate falls as a/(W + hold); the
 * binding one (the least a/W) decides. Klaviyo (350/s, 3,500/min): 1 s; Voyado (50/s): 50 ms.
 */
export function holdMsFor(specs: readonly RateSpec[]): number {
  const refills = specs.map((s) => ({ perInterval: bucketShape(s, 0, minCapacity(s)).perMs * s.intervalMs, intervalMs: s.intervalMs }));
  const binding = Math.min(...refills.map((r) => r.perInterval / r.intervalMs));
  const longest = Math.min(...refills.map((r) => r.perInterval / (0.98 * binding) - r.intervalMs));
  return Math.round(Math.min(1_000, Math.max(50, longest)));
}

/** The wait after `failures` failed store calls in a row: 100 ms doubling, at most 2 s. */
export const storeBackoffMs = (failures: number): number => Math.min(2_000, 50 * 2 ** Math.min(failures, 6));

/**
 * After the store failed a shared gate's call for the `failures`-th time in a row: how long to wait
 * before the next (backoff up to 2 s); logged the first time, then every 20th. Nothing is let
 * through meanwhile: no process falls back to a limit of its own.
 */
export function storeFailed(log: WorkerLogger, credential: string, failures: number, err: unknown, message: string): number {
  const waitMs = storeBackoffMs(failures);
  if (failures === 1 || failures % 20 === 0) log.error({ credential, failures, retryInMs: waitMs, err: String(err) }, message);
  return waitMs;
}

/** `factor` × the milliseconds until every bucket of `left` holds `target` by refill alone (the slowest decides); at least 1. */
export function refillWaitMs(left: readonly QuotaLeft[], target: number, factor: number): number {
  const ms = Math.max(0, ...left.map((b) => (target - b.tokens) / b.perMs));
  return Math.max(1, Math.ceil(ms * factor));
}

export interface SharedGateOptions {
  clock: Clock;
  log: WorkerLogger;
  random?: () => number;
}

export class SharedRateGate implements RateGate {
  readonly holdMs: number;
  readonly buckets: readonly QuotaBucket[];
  /** Most tokens one lease asks for: what the smallest bucket holds when full. */
  readonly maxLease: number;
  private readonly waiters = new GrantQueue();
  private local = 0;
  private localUntil = -Infinity;
  private declared: Promise<void> | null = null;
  private pumping = false;
  private failures = 0;
  private readonly random: () => number;

  constructor(
    private readonly store: QuotaStore,
    /** The credential's id (rate-gate.ts credentialId): never the secret. */
    readonly credential: string,
    specs: readonly RateSpec[],
    private readonly opts: SharedGateOptions,
  ) {
    if (specs.length === 0) throw new Error('a shared gate needs at least one rate');
    this.holdMs = holdMsFor(specs);
    // Two tokens a lease at least where the limit allows it (20 a window or more): a bucket of one
    // is full again after a single refill step, and refill into a full bucket is lost while the
    // next lease is on its way (measured: 90 % of the refill used with one, 99 % with two).
    this.buckets = specs.map((s) => ({ intervalMs: s.intervalMs, ...bucketShape(s, this.holdMs, minCapacity(s)) }));
    this.maxLease = Math.max(1, Math.floor(Math.min(...this.buckets.map((b) => b.capacity))));
    this.random = opts.random ?? Math.random;
  }

  acquire(signal?: AbortSignal): Promise<void> {
    if (this.waiters.length === 0 && this.takeLocal(1) === 1) return Promise.resolve();
    const granted = this.waiters.wait(signal);
    void this.pump();
    return granted;
  }

  /** Up to `n` tokens still valid in this process; how many were taken. */
  private takeLocal(n: number): number {
    if (this.opts.clock.now() >= this.localUntil) this.local = 0;
    const taken = Math.min(n, this.local);
    this.local -= taken;
    return taken;
  }

  /** One lease at a time per process: while sends wait, lease, hand out, and sleep until enough has refilled. */
  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.waiters.length > 0) {
        const local = this.takeLocal(this.waiters.length);
        for (let i = 0; i < local; i++) this.waiters.grantOne();
        if (this.waiters.length === 0) break;
        const waitMs = await this.leaseOnce();
        if (waitMs > 0 && this.waiters.length > 0) await new Promise<void>((r) => this.opts.clock.setTimeout(r, waitMs));
      }
    } finally {
      this.pumping = false;
    }
  }

  /** Leases what the waiters need (at most maxLease) and hands it out; how long to wait before the next lease. */
  private async leaseOnce(): Promise<number> {
    const { clock } = this.opts;
    const askedAt = clock.now();
    try {
      await (this.declared ??= this.store.declare(this.credential, this.buckets));
      const lease = await this.store.lease(this.credential, this.buckets.map((b) => b.intervalMs), Math.min(this.waiters.length, this.maxLease));
      if (lease.left.length < this.buckets.length) {
        // The rows are gone (a schema restored, a table emptied by hand): declare them again.
        this.declared = null;
        return 10;
      }
      this.failures = 0;
      // Valid from when we asked (the grant came later), so never past holdMs after the grant.
      this.local = lease.granted;
      this.localUntil = askedAt + this.holdMs;
      const handed = this.takeLocal(this.waiters.length);
      for (let i = 0; i < handed; i++) this.waiters.grantOne();
      if (this.waiters.length === 0) return 0;
      return this.untilRefilled(lease.left, Math.min(this.waiters.length, this.maxLease));
    } catch (err) {
      this.declared = null;
      return storeFailed(this.opts.log, this.credential, ++this.failures, err, 'could not lease rate-limit tokens from the store; sends of this credential wait');
    }
  }

  /**
   * About until every bucket holds `target` tokens again (the slowest decides): between 75 % and
   * 100 % of that, at random, so that the processes sharing the buckets do not all ask at once, and
   * so that a small bucket is asked again before it is full (refill into a full bucket is lost;
   * asking early costs a lease that takes fewer tokens, or none).
   */
  private untilRefilled(left: readonly QuotaLeft[], target: number): number {
    return refillWaitMs(left, target, 0.75 + 0.25 * this.random());
  }
}
