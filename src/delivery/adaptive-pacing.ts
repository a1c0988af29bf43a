// Adaptive pacing: what the lane learns from the ESP's 429s, on top of the configured buckets.
// The lane asks its rate limiter for a token first (the configured or published limit), then
// this pacer for a slot: so it can only ever send slower than the limiter allows, never faster.
//
// Until the first 429 the pacer lets everything through. A 429 means the ESP's real allowance is
// below what we sent at: the pace becomes half the rate we were sending at (multiplicative
// decrease, at most once per `decreaseEveryMs`, so one burst of 429s counts once), and that rate
// is remembered as the ceiling seen. After `holdMs` without a 429 the pace grows additively
// (`stepShare` of the ceiling per answered request) up to `targetShare` of the ceiling, and only
// after `probeAfterMs` without a 429 beyond it, slowly (a tenth of the step): an ESP that
// throttles at a fixed rate sees about one 429 per `probeAfterMs`, not one per cycle of growth.
// An ESP that stops throttling is caught up with; a pace above the limiter's is simply moot.
import type { Clock } from './clock.ts';
import type { SendOutcome } from './types.ts';

export interface PacingSettings {
  /** The pace after a 429, as a share of the rate sent at. Default 0.5. */
  decreaseFactor: number;
  /** 429s closer together than this count as one. Default 2 s. */
  decreaseEveryMs: number;
  /** No growth for this long after a 429. Default 5 s. */
  holdMs: number;
  /** Growth per answered request, as a share of the ceiling seen. Default 0.05. */
  stepShare: number;
  /** Growth is quick up to this share of the ceiling seen. Default 0.9. */
  targetShare: number;
  /** Beyond the target only after this long without a 429. Default 5 min. */
  probeAfterMs: number;
  /** Never slower than this, requests per second. Default 0.2. */
  floorPerSecond: number;
}

export const DEFAULT_PACING: PacingSettings = {
  decreaseFactor: 0.5,
  decreaseEveryMs: 2_000,
  holdMs: 5_000,
  stepShare: 0.05,
  targetShare: 0.9,
  probeAfterMs: 5 * 60_000,
  floorPerSecond: 0.2,
};

/** How many recent grants the rate "we were sending at" is measured over. */
const RECENT_GRANTS = 16;
/** Fewer grants than this tell no rate. */
const MIN_GRANTS_TO_MEASURE = 4;

export class AdaptivePacer {
  readonly settings: PacingSettings;
  /** Requests per second; null: not pacing (no 429 seen yet, or grown past every need). */
  private pace: number | null = null;
  private ceilingSeen = 0;
  private lastDecreaseAt = -Infinity;
  private nextSlotAt = 0;
  private readonly recent: number[] = [];

  constructor(
    private readonly clock: Clock,
    settings: Partial<PacingSettings> = {},
  ) {
    this.settings = { ...DEFAULT_PACING, ...settings };
  }

  /** The current pace in requests per second, or null when not pacing. */
  get perSecond(): number | null {
    return this.pace;
  }

  /** Resolves at the lane's next slot (slots are handed out in call order); rejects when `signal` aborts. */
  async acquire(signal?: AbortSignal): Promise<void> {
    const now = this.clock.now();
    const at = this.pace === null ? now : Math.max(now, this.nextSlotAt);
    if (this.pace !== null) this.nextSlotAt = at + 1000 / this.pace;
    if (at > now) await this.delay(at - now, signal);
    this.noteGrant(at);
  }

  /** Learns from one answer. */
  record(outcome: SendOutcome, now: number): void {
    if (outcome.kind === 'transient' && outcome.status === 429) return this.throttled(now);
    if (this.pace === null || outcome.kind !== 'delivered' || now - this.lastDecreaseAt < this.settings.holdMs) return;
    const s = this.settings;
    const target = this.ceilingSeen * s.targetShare;
    const probing = now - this.lastDecreaseAt >= s.probeAfterMs;
    if (this.pace < target) this.pace = Math.min(target, this.pace + this.ceilingSeen * s.stepShare);
    else if (probing) this.pace += (this.ceilingSeen * s.stepShare) / 10;
  }

  private throttled(now: number): void {
    const s = this.settings;
    if (now - this.lastDecreaseAt < s.decreaseEveryMs) return;
    const sentAt = this.pace ?? this.measuredRate();
    // Too few sends to tell a rate (the lane's first requests): halving a guess would leave the lane
    // crawling for minutes on no evidence. The lane still waits out the answer's Retry-After; a 429
    // that comes again once the lane has sent a few is one we can measure.
    if (sentAt === null) return;
    this.ceilingSeen = Math.max(s.floorPerSecond, sentAt);
    this.pace = Math.max(s.floorPerSecond, sentAt * s.decreaseFactor);
    this.lastDecreaseAt = now;
    this.nextSlotAt = Math.max(this.nextSlotAt, now);
  }

  /** Requests per second over the recent grants; null when there are too few to tell. */
  private measuredRate(): number | null {
    const r = this.recent;
    if (r.length < MIN_GRANTS_TO_MEASURE || r[r.length - 1] <= r[0]) return null;
    return ((r.length - 1) * 1000) / (r[r.length - 1] - r[0]);
  }

  private noteGrant(at: number): void {
    this.recent.push(at);
    if (this.recent.length > RECENT_GRANTS) this.recent.shift();
  }

  private delay(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason ?? new Error('aborted'));
      const onAbort = () => {
        this.clock.clearTimeout(handle);
        reject(signal?.reason ?? new Error('aborted'));
      };
      const handle = this.clock.setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}
