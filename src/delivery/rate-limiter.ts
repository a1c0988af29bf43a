// Token buckets per lane. Several limits can apply at once (Klaviyo: 350/s burst AND
// 3500/min steady); a request goes out only when every bucket has a token.
//
// Pacing: an ESP counting "N per window W" (fixed or sliding) accepts at most N in ANY
// window of length W. A bucket of capacity C refilled at rate R lets through at most
// C + R·W in such a window, so we refill at (N − C − m)/W with a small C (2 % of N, at least
// 1) and a margin m (2 %, at least 1) for timing jitter. The start is a trickle of at most C,
// never a burst of N, and the long-run rate is (N − C − m)/N ≈ 96 % of the limit — without a 429.
import { systemClock, type Clock } from './clock.ts';
import { GrantQueue } from './grant-queue.ts';

export interface RateSpec {
  /** Requests allowed per interval by the ESP. */
  limit: number;
  intervalMs: number;
  /** Bucket capacity; default max(1, 2 % of limit). */
  burst?: number;
}

/**
 * The shape of the bucket that keeps a sender under `spec` in any window: its capacity and its
 * refill per millisecond. `holdMs` is how long a granted token may wait before it is used (0 here;
 * the shared buckets of src/delivery/rate-gate.ts lease tokens that live that long): every token
 * used in a window was granted in that window or up to `holdMs` before it, so the refill is spread
 * over intervalMs + holdMs. `minCapacity` raises the default capacity (2 % of the limit).
 */
export function bucketShape(spec: RateSpec, holdMs = 0, minCapacity = 1): { capacity: number; perMs: number } {
  if (!(spec.limit > 0) || !(spec.intervalMs > 0)) throw new Error(`invalid rate ${JSON.stringify(spec)}`);
  const capacity = Math.max(1, Math.floor(spec.burst ?? Math.max(minCapacity, spec.limit * 0.02)));
  // A margin of 2 % (at least one request) absorbs timing jitter between our clock and the
  // ESP's window: requests delayed on their way (a GC pause, a busy event loop) arrive closer
  // together than they were granted.
  const margin = Math.max(1, Math.ceil(spec.limit * 0.02));
  const refillPerInterval = Math.max(spec.limit - capacity - margin, spec.limit * 0.5);
  return { capacity, perMs: refillPerInterval / (spec.intervalMs + holdMs) };
}

class TokenBucket {
  readonly capacity: number;
  readonly perMs: number;
  private tokens: number;
  private last: number;

  constructor(spec: RateSpec, now: number) {
    ({ capacity: this.capacity, perMs: this.perMs } = bucketShape(spec));
    this.tokens = this.capacity;
    this.last = now;
  }

  refill(now: number): void {
    if (now > this.last) {
      this.tokens = Math.min(this.capacity, this.tokens + (now - this.last) * this.perMs);
      this.last = now;
    }
  }
  has(): boolean {
    return this.tokens >= 1 - 1e-9;
  }
  take(): void {
    this.tokens -= 1;
  }
  /** Milliseconds until one whole token is there. */
  waitMs(): number {
    return this.has() ? 0 : Math.ceil((1 - this.tokens) / this.perMs);
  }
}

/** What a lane waits at before each send: a RateLimiter in one process, or a credential's shared gate (rate-gate.ts). */
export interface RateGate {
  /** Resolves when the send may go; rejects when `signal` aborts first. */
  acquire(signal?: AbortSignal): Promise<void>;
}

export class RateLimiter implements RateGate {
  private readonly buckets: TokenBucket[];
  private readonly waiters = new GrantQueue();
  private timer: unknown = null;

  constructor(specs: readonly RateSpec[] = [], private readonly clock: Clock = systemClock) {
    const now = clock.now();
    this.buckets = specs.map((s) => new TokenBucket(s, now));
  }

  get unlimited(): boolean {
    return this.buckets.length === 0;
  }

  /** Takes a token now if every bucket has one (and nobody is queued ahead). */
  tryAcquire(): boolean {
    if (this.waiters.length > 0) return false;
    return this.takeIfAll();
  }

  /** Resolves when a token is granted; FIFO among waiters; timers, never a busy loop. */
  acquire(signal?: AbortSignal): Promise<void> {
    if (this.tryAcquire()) return Promise.resolve();
    const granted = this.waiters.wait(signal);
    this.schedule();
    return granted;
  }

  /** Milliseconds until every bucket has a token (0: now), taking nothing; callers already queued are not counted. */
  freeInMs(): number {
    const now = this.clock.now();
    for (const b of this.buckets) b.refill(now);
    return Math.max(0, ...this.buckets.map((b) => b.waitMs()));
  }

  private takeIfAll(): boolean {
    const now = this.clock.now();
    for (const b of this.buckets) b.refill(now);
    if (!this.buckets.every((b) => b.has())) return false;
    for (const b of this.buckets) b.take();
    return true;
  }

  private schedule(): void {
    if (this.timer !== null) return;
    while (this.waiters.length > 0 && this.takeIfAll()) this.waiters.grantOne();
    if (this.waiters.length === 0) return;
    const wait = Math.max(1, ...this.buckets.map((b) => b.waitMs()));
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      this.schedule();
    }, wait);
  }
}

export interface LaneLimits {
  /** Sends in flight at once in the lane. Default 16. */
  concurrency?: number;
  /** Token buckets; all must grant. Default per ESP (its module's `delivery.limits`). */
  rates?: RateSpec[];
  /** The engine's own ceiling per attempt (the transport should time out sooner). Default 30 s. */
  attemptTimeoutMs?: number;
}

export interface LimitsConfig {
  /** Applies to every lane. */
  default?: LaneLimits;
  /** Per ESP, over `default`. */
  esp?: Partial<Record<string, LaneLimits>>;
  /** Per lane key (`esp:plugin`), over both. */
  lanes?: Record<string, LaneLimits>;
}

export const DEFAULT_LANE_LIMITS: Required<LaneLimits> = { concurrency: 16, rates: [], attemptTimeoutMs: 30_000 };

/**
 * A lane's limits: the engine's defaults, the config's `default`, the ESP's own defaults (its
 * module's, `espDefaults`), the config's per-ESP and per-lane entries, each over the one before.
 */
export function limitsForLane(config: LimitsConfig | undefined, esp: string, lane: string, espDefaults: Partial<Record<string, LaneLimits>> = {}): Required<LaneLimits> {
  const merged: LaneLimits = {
    ...DEFAULT_LANE_LIMITS,
    ...(config?.default ?? {}),
    ...(espDefaults[esp] ?? {}),
    ...(config?.esp?.[esp] ?? {}),
    ...(config?.lanes?.[lane] ?? {}),
  };
  return {
    concurrency: Math.max(1, Math.floor(merged.concurrency ?? 16)),
    rates: merged.rates ?? [],
    attemptTimeoutMs: merged.attemptTimeoutMs ?? 30_000,
  };
}
