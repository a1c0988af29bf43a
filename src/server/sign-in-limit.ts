// Failed sign-ins per client address (docs/console.md, "Signing in"): the console's sign-in form and
// the API's bearer check share one table. An address with `maxFailures` wrong tokens within the
// last `windowSec` is refused (429, Retry-After) before any token it sends is looked at — the right
// one too: if a blocked address could still learn that a token is right, the block would not slow
// guessing at all (every guess would still be answered, 429 meaning "wrong").
//
// A sliding window: each address keeps the times of its last `maxFailures` failures, no more, and
// may try again once the oldest of them is `windowSec` old. Successful requests are not counted and
// do not clear the count (an address shared by a client with the token and a guesser behind one NAT
// would otherwise reset the guesser's count with every good request).
//
// Bounded memory: the table holds at most `maxAddresses` addresses, ordered by their latest failure
// (a Map keeps insertion order; an address is moved to the end on each failure); addresses whose
// latest failure is older than the window are dropped from the front, and when the table is full the
// address that failed longest ago is dropped. IPv6 clients are counted by their /64 (one host
// usually holds a whole /64, so per address would count nothing).
//
// Not the delivery token buckets (src/delivery/rate-limiter.ts): those pace sends under an ESP's
// quota (capacity 2 % of the limit, refill below it) and take a token per request; this counts
// failures only, blocks after exactly N and must say when the block ends. The time is the
// project's clock port (src/delivery/clock.ts), so tests drive it.
import { isIPv6 } from 'node:net';
import { systemClock, type Clock } from '../delivery/clock.ts';
import type { Logger } from '../log.ts';
import type { SignInDoor, SignInRejection } from './metrics.ts';

export interface SignInLimitSettings {
  /** Failed attempts an address may make within the window; 0 = no limit. */
  maxFailures: number;
  windowSec: number;
  /** Addresses remembered at once (the table's bound). */
  maxAddresses: number;
}

export interface SignInLimiter {
  readonly enabled: boolean;
  /** Whole seconds until the address may try again; 0 when it may now. */
  retryAfterSec(address: string): number;
  /** Records a failed attempt; `blocked` when the address may not try again now (seconds until it may). */
  failed(address: string): { blocked: boolean; retryAfterSec: number };
  /** Addresses in the table now. */
  readonly size: number;
}

/** The key an address is counted under: IPv4 as it is (an IPv4-mapped IPv6 address as its IPv4), IPv6 by its first 64 bits. */
export function addressKey(ip: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  if (mapped) return mapped[1]!;
  if (!isIPv6(ip)) return ip;
  const [head, tail = ''] = ip.toLowerCase().split('%')[0]!.split('::') as [string, string?];
  const left = head ? head.split(':') : [];
  const right = ip.includes('::') && tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

export function createSignInLimiter(settings: SignInLimitSettings, clock: Pick<Clock, 'now'> = systemClock): SignInLimiter {
  const windowMs = settings.windowSec * 1000;
  const max = settings.maxFailures;
  /** Per address, the times of its latest failures (at most `max`), oldest first. */
  const table = new Map<string, number[]>();

  const dropStale = (now: number) => {
    for (const [key, times] of table) {
      if (now - times[times.length - 1]! < windowMs) break;
      table.delete(key);
    }
  };
  const waitOf = (times: number[] | undefined, now: number): number => {
    if (!times || times.length < max) return 0;
    const ms = times[0]! + windowMs - now;
    return ms > 0 ? Math.ceil(ms / 1000) : 0;
  };

  return {
    enabled: max > 0,
    get size() {
      return table.size;
    },
    retryAfterSec(address) {
      if (max <= 0) return 0;
      return waitOf(table.get(address), clock.now());
    },
    failed(address) {
      if (max <= 0) return { blocked: false, retryAfterSec: 0 };
      const now = clock.now();
      dropStale(now);
      const times = (table.get(address) ?? []).filter((t) => now - t < windowMs);
      times.push(now);
      if (times.length > max) times.splice(0, times.length - max);
      table.delete(address);
      table.set(address, times);
      while (table.size > settings.maxAddresses) table.delete(table.keys().next().value!);
      const retryAfterSec = waitOf(times, now);
      return { blocked: retryAfterSec > 0, retryAfterSec };
    },
  };
}

/** The doors' side of the limiter: each refusal counted in the metrics and logged with the address, never with the token. */
export interface SignInGuard {
  /** Seconds the request's address must still wait (then the request is refused, counted and logged), or 0. */
  refusal(req: { id: string; ip: string }, via: SignInDoor): number;
  /** Records a wrong token from the request's address (counted, logged; the block, when this one starts it, logged too). */
  wrongToken(req: { id: string; ip: string }, via: SignInDoor): void;
}

export function signInGuard(limiter: SignInLimiter, deps: { log: Logger; rejected: (via: SignInDoor, reason: SignInRejection) => void; windowSec: number }): SignInGuard {
  const { log, rejected } = deps;
  return {
    refusal(req, via) {
      const wait = limiter.retryAfterSec(addressKey(req.ip));
      if (wait > 0) {
        rejected(via, 'rate_limited');
        log.info({ reqId: req.id, ip: req.ip, via, retryAfterSec: wait }, 'sign-in attempt refused: too many failed attempts from this address');
      }
      return wait;
    },
    wrongToken(req, via) {
      rejected(via, 'wrong_token');
      const r = limiter.failed(addressKey(req.ip));
      log.warn({ reqId: req.id, ip: req.ip, via }, via === 'console' ? 'console sign-in refused: wrong token' : 'API bearer token refused: wrong token');
      if (r.blocked) log.warn({ reqId: req.id, ip: req.ip, via, windowSec: deps.windowSec, retryAfterSec: r.retryAfterSec }, 'sign-in attempts blocked for an address: too many failed attempts within the window');
    },
  };
}
