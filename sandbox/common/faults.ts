// Fault injection: the next N requests, or all requests for a while, get a 5xx, a 429,
// no answer at all (hang) or a destroyed socket (drop).
export type FaultMode = '5xx' | '429' | 'hang' | 'drop';

export interface FaultSpec {
  mode: FaultMode;
  /** Applies to the next `count` requests. */
  count?: number;
  /** Applies to every request for this long. */
  durationMs?: number;
  /** Status for `5xx` (default 503) or `429`. */
  status?: number;
  /** Retry-After header value sent with `429` (and `5xx` when given). */
  retryAfter?: string;
  /** hang / drop only: act on the request first (record it), then never answer — the ESP did it, the client cannot know. */
  afterProcessing?: boolean;
}

interface ActiveFault extends FaultSpec {
  remaining?: number;
  until?: number;
}

const MODES: readonly FaultMode[] = ['5xx', '429', 'hang', 'drop'];

export class FaultInjector {
  private active: ActiveFault | undefined;

  set(spec: FaultSpec): ActiveFault {
    if (!spec || typeof spec !== 'object' || !MODES.includes(spec.mode)) throw new Error(`mode must be one of ${MODES.join(', ')}`);
    if (spec.count !== undefined && !(Number.isInteger(spec.count) && spec.count > 0)) throw new Error('count must be a positive integer');
    if (spec.durationMs !== undefined && !(typeof spec.durationMs === 'number' && spec.durationMs > 0)) throw new Error('durationMs must be positive');
    if (spec.status !== undefined && !(Number.isInteger(spec.status) && spec.status >= 400 && spec.status <= 599)) throw new Error('status must be 4xx or 5xx');
    const fault: ActiveFault = { ...spec };
    // Neither count nor duration: the next request only.
    if (spec.count === undefined && spec.durationMs === undefined) fault.remaining = 1;
    if (spec.count !== undefined) fault.remaining = spec.count;
    if (spec.durationMs !== undefined) fault.until = Date.now() + spec.durationMs;
    this.active = fault;
    return fault;
  }

  clear(): void {
    this.active = undefined;
  }

  current(): ActiveFault | undefined {
    return this.active;
  }

  /** The fault for this request, if any; consumes one of `count`. */
  take(now: number): FaultSpec | undefined {
    const f = this.active;
    if (!f) return undefined;
    if (f.until !== undefined && now >= f.until) {
      this.active = undefined;
      return undefined;
    }
    if (f.remaining !== undefined) {
      f.remaining--;
      if (f.remaining <= 0) this.active = undefined;
    }
    return f;
  }
}
