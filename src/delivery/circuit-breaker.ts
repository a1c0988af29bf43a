// A lane's circuit breaker: a pure state machine over send outcomes and times, no I/O and no
// timers of its own (the lane asks it what to do and tells it what happened).
//
//   closed ──(N connection failures in a row)──▶ open ──(probe interval passed)──▶ half-open
//     ▲                                            ▲                                  │
//     └──────────────(the probe reached the ESP)───┼──────────────────────────────────┤
//                                                  └──(the probe failed: interval × factor, capped)
//
// Why: without it a lane down for a minute spends its retries on a dead ESP and backs its rows off
// for up to half an hour; with it one request at a time asks whether the ESP is back, and the
// lane tells the store to bring the outage's rows forward the moment it is (src/delivery/lane.ts).
import type { SendOutcome } from './types.ts';

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerSettings {
  /** Connection failures in a row (no answer that proves the ESP reachable in between) that open the breaker. Default 5. */
  failureThreshold: number;
  /** Wait before the first probe once open. Default 1 s. */
  probeBaseMs: number;
  /** Each failed probe multiplies the wait by this. Default 2. */
  probeFactor: number;
  /** Longest wait between probes: bounds how late a returning ESP is noticed. Default 8 s. */
  probeCapMs: number;
}

export const DEFAULT_BREAKER_SETTINGS: BreakerSettings = { failureThreshold: 5, probeBaseMs: 1_000, probeFactor: 2, probeCapMs: 8_000 };

/**
 * Whether an outcome says the ESP could not be reached, rather than that it answered: no HTTP
 * answer at all (refused, reset, DNS, a timeout: `status` undefined) or a gateway's 502/503/504,
 * which a load balancer in front of a down service answers. A 429, a 500 (the service itself
 * answered) or any 2xx/4xx proves the ESP is there.
 */
export function isConnectionFailure(outcome: SendOutcome): boolean {
  if (outcome.kind !== 'transient') return false;
  return outcome.status === undefined || outcome.status === 502 || outcome.status === 503 || outcome.status === 504;
}

/** What the lane does with its next free slot. */
export type BreakerGate =
  | { kind: 'send' }
  /** Send exactly one delivery: it is the probe. */
  | { kind: 'probe' }
  /** Send nothing for `ms` (open: until the next probe; half-open: a probe is out, wait for it). */
  | { kind: 'wait'; ms: number };

/** A change of state the lane acts on (logs it; `closed` resumes the outage's rows). */
export type BreakerEvent =
  | { kind: 'opened'; since: number }
  | { kind: 'closed'; since: number; probes: number }
  | null;

export class CircuitBreaker {
  readonly settings: BreakerSettings;
  private current: BreakerState = 'closed';
  private failuresInRow = 0;
  /** When the current run of connection failures began: the rows it backed off are those updated since. */
  private streakStartedAt = 0;
  private nextProbeAt = 0;
  private probeWaitMs: number;
  private probes = 0;

  constructor(settings: Partial<BreakerSettings> = {}) {
    this.settings = { ...DEFAULT_BREAKER_SETTINGS, ...settings };
    if (!(this.settings.failureThreshold >= 1)) throw new Error('breaker failureThreshold must be at least 1');
    this.probeWaitMs = this.settings.probeBaseMs;
  }

  get state(): BreakerState {
    return this.current;
  }

  /** When the open breaker sends its next probe (null unless open). */
  get probeAt(): number | null {
    return this.current === 'open' ? this.nextProbeAt : null;
  }

  get consecutiveFailures(): number {
    return this.failuresInRow;
  }

  /** May the lane send now, and how. `open` turns `half-open` when it hands out the probe. */
  gate(now: number): BreakerGate {
    if (this.current === 'closed') return { kind: 'send' };
    if (this.current === 'half-open') return { kind: 'wait', ms: this.probeWaitMs };
    if (now < this.nextProbeAt) return { kind: 'wait', ms: this.nextProbeAt - now };
    this.current = 'half-open';
    this.probes++;
    return { kind: 'probe' };
  }

  /** The probe handed out by gate() was not sent after all (no row to send, the worker stopping). */
  probeNotSent(now: number): void {
    if (this.current !== 'half-open') return;
    this.current = 'open';
    this.probes = Math.max(0, this.probes - 1);
    this.nextProbeAt = now + this.settings.probeBaseMs;
  }

  /** Records one finished send; `probe` marks the one gate() handed out. */
  record(outcome: SendOutcome, now: number, probe = false): BreakerEvent {
    const failed = isConnectionFailure(outcome);
    if (this.current === 'half-open' && probe) {
      if (!failed) return this.close(now);
      this.current = 'open';
      this.probeWaitMs = Math.min(this.settings.probeCapMs, this.probeWaitMs * this.settings.probeFactor);
      this.nextProbeAt = now + this.probeWaitMs;
      return null;
    }
    if (this.current !== 'closed') {
      // A send that left before the breaker opened: an answer proves the ESP is back.
      return failed ? null : this.close(now);
    }
    if (!failed) {
      this.failuresInRow = 0;
      return null;
    }
    if (this.failuresInRow === 0) this.streakStartedAt = now;
    this.failuresInRow++;
    if (this.failuresInRow < this.settings.failureThreshold) return null;
    this.current = 'open';
    this.probeWaitMs = this.settings.probeBaseMs;
    this.nextProbeAt = now + this.probeWaitMs;
    this.probes = 0;
    return { kind: 'opened', since: this.streakStartedAt };
  }

  private close(now: number): BreakerEvent {
    const event: BreakerEvent = { kind: 'closed', since: this.streakStartedAt, probes: this.probes };
    this.current = 'closed';
    this.failuresInRow = 0;
    this.probeWaitMs = this.settings.probeBaseMs;
    this.nextProbeAt = now;
    return event;
  }
}
