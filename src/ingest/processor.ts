// Takes due inbox events, fetches the object from Centra's Integration API (webhook and queue
// events carry ids only), builds the complete CentraEvent and hands it to the bridge.
//   Fetches are batched: the events taken together ask for their objects in one request (grouped by
//   type, Centra's list filters; several events of one object cost one fetch), up to `batchSize`.
//   Centra unavailable (down, 5xx, 429, hang) → the event stays due later, with backoff; nothing is dropped.
//   Object not found → processed, with a log line.      Query error / invalid snapshot → failed, error kept.
//   A complete (direct) event → no fetch.               `account` → acknowledged, no email (docs/centra.md).
import { centraEventSchema, type CentraEvent } from '../centra/event-schema.ts';
import { CentraQueryError, CentraUnavailableError, CentraUnsettledError, DEFAULT_SNAPSHOT_BATCH, snapshotKey, type CentraClient, type SnapshotRef, type SnapshotResult, type SnapshotType } from '../centra/graphql-client.ts';
import { describeIssues, InputError } from '../config/errors.ts';
import { RateLimiter } from '../delivery/rate-limiter.ts';
import { redactString } from '../delivery/redact.ts';
import { backoffMs } from '../delivery/retry-policy.ts';
import type { EventSink } from './ports.ts';
import type { SkippedEmail } from '../delivery/types.ts';
import type { InboxEvent, InboxStore } from '../storage/inbox.ts';

type LogFn = (obj: object, msg?: string) => void;
export interface ProcessorLogger {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
}

export type ProcessOutcome =
  | { status: 'processed'; result: ProcessResult }
  | { status: 'failed'; error: string }
  | { status: 'retry'; error: string; nextAttemptAt: number };

/** What processing an event came to, stored with it (the inbox row's `result`): the trail of its decisions. */
export interface ProcessResult {
  note?: string;
  deliveries?: { id: string; emailType: string; recipient: string; esp: string; plugin: string }[];
  inserted?: number;
  duplicates?: number;
  /** Each email the event could have caused and did not send, with the reason (versions before 2026-12 stored only a count). */
  skipped?: SkippedEmail[] | number;
  /** The order the event is about and the object it came from (stored with the event: trace by order). */
  orderNumber?: string | null;
  object?: string;
}

export interface ProcessorOptions {
  inbox: InboxStore;
  bridge: EventSink;
  /** Needed for events without an object; without it they are retried until one is given. */
  centra?: Pick<CentraClient, 'fetchSnapshots'>;
  /**
   * Resolves when Centra's quota would let a request go out now (the client's request gate, nothing
   * taken: src/centra/quota.ts whenGateFree). Each batch is formed once it resolves, so the objects
   * asked for while the quota is waited for go in that request, not in the one after. Without it a
   * batch is formed as soon as the previous answer came.
   */
  centraReady?: () => Promise<void>;
  logger?: ProcessorLogger;
  /** Events handed to the bridge at the same time (default 8). */
  concurrency?: number;
  /** Most objects fetched in one request, and events taken at once (default 100). */
  batchSize?: number;
  /** Backoff while Centra is unavailable: 80–100 % of base × 2^attempts, capped (delivery/retry-policy.ts backoffMs). */
  retryBaseMs?: number;
  retryCapMs?: number;
  /** Looks for due events at least this often (default 1000 ms). */
  pollMs?: number;
  now?: () => number;
  /** Called after each event (metrics, tests). */
  onOutcome?: (event: InboxEvent, outcome: ProcessOutcome) => void;
  /** Told whether each fetch reached Centra (readiness: Centra's recent state, without a request of its own). */
  onCentraAnswer?: (answer: { ok: true } | { ok: false; error: string }) => void;
}

export interface Processor {
  start(): void;
  /** Stops taking events and waits for those in progress. */
  stop(): Promise<void>;
  /** New events were stored: look now. */
  notify(): void;
  /** Processes one stored event at once (direct events), unless it is already being processed. */
  processNow(key: string): Promise<ProcessOutcome | null>;
  readonly inFlight: number;
  readonly stats: { processed: number; failed: number; retried: number };
  /** Until when fetching is paused because Centra was unavailable (epoch ms; 0 = not paused). */
  readonly pausedUntil: number;
}

const silent: ProcessorLogger = { debug() {}, info() {}, warn() {}, error() {} };
const FETCHED_TYPES = new Set<string>(['order', 'shipment', 'return', 'customer', 'buyer', 'invoice']);

type FetchMany = Pick<CentraClient, 'fetchSnapshots'>['fetchSnapshots'];

/**
 * Collects the objects asked for while a request is being made or waits for Centra's quota (`ready`)
 * and fetches them together: one request at a time, each for at most `batchSize` objects; two loads
 * of one object before its request goes out share it (a load after that fetches again: the object
 * may have changed since).
 */
function snapshotLoader(fetchMany: FetchMany, batchSize: number, ready?: () => Promise<void>) {
  const pending = new Map<string, { ref: SnapshotRef; waiters: { resolve: (r: SnapshotResult) => void; reject: (e: unknown) => void }[] }>();
  let busy = false;

  async function drain(): Promise<void> {
    busy = true;
    try {
      while (pending.size) {
        // The batch is taken when the request can go out: what is asked for while the quota is waited for goes in it.
        if (ready) await ready().catch(() => undefined);
        const batch = [...pending.entries()].slice(0, batchSize);
        for (const [key] of batch) pending.delete(key);
        try {
          const results = await fetchMany(batch.map(([, p]) => p.ref));
          for (const [key, p] of batch) for (const w of p.waiters) w.resolve(results.get(key) ?? null);
        } catch (err) {
          for (const [, p] of batch) for (const w of p.waiters) w.reject(err);
        }
      }
    } finally {
      busy = false;
    }
  }

  return (ref: SnapshotRef): Promise<SnapshotResult> =>
    new Promise((resolve, reject) => {
      const key = snapshotKey(ref);
      const entry = pending.get(key) ?? { ref, waiters: [] };
      entry.waiters.push({ resolve, reject });
      pending.set(key, entry);
      // On the next turn, so that the events taken together land in one request.
      if (!busy) {
        busy = true;
        setImmediate(() => void drain());
      }
    });
}

/** A counting semaphore: at most `n` callers between acquire and release. */
function semaphore(n: number) {
  let free = n;
  const queue: (() => void)[] = [];
  return {
    async run<T>(fn: () => Promise<T>): Promise<T> {
      if (free > 0) free--;
      else await new Promise<void>((r) => queue.push(r));
      try {
        return await fn();
      } finally {
        const next = queue.shift();
        if (next) next();
        else free++;
      }
    },
  };
}

export function createProcessor(opts: ProcessorOptions): Processor {
  const { inbox, bridge } = opts;
  const log = opts.logger ?? silent;
  const concurrency = Math.max(1, opts.concurrency ?? 8);
  const batchSize = Math.max(1, Math.floor(opts.batchSize ?? DEFAULT_SNAPSHOT_BATCH));
  // Events taken at once: ten batches' worth, so that while one request is on its way (or waits for
  // Centra's quota) the next one fills up with distinct objects (100 events hold about 60 in a burst)
  // and fetching runs ahead of planning; the bridge still sees `concurrency` of them at a time.
  const maxTaken = Math.max(concurrency, 10 * batchSize);
  const submitting = semaphore(concurrency);
  const load = opts.centra ? snapshotLoader((refs) => opts.centra!.fetchSnapshots(refs), batchSize, opts.centraReady) : undefined;
  // Per-event trouble lines (Centra unavailable, an outcome not recorded) come a few a second at most:
  // a burst of 5, then 2 a second; what is left out is counted in the next line.
  const troubleLines = new RateLimiter([{ limit: 4, intervalMs: 1000, burst: 5 }]);
  let linesLeftOut = 0;
  const trouble = (level: 'warn' | 'error', obj: Record<string, unknown>, msg: string): void => {
    if (!troubleLines.tryAcquire()) {
      linesLeftOut++;
      return;
    }
    log[level](linesLeftOut ? { ...obj, similarLinesLeftOut: linesLeftOut } : obj, msg);
    linesLeftOut = 0;
  };
  const baseMs = opts.retryBaseMs ?? 1000;
  const capMs = opts.retryCapMs ?? 60_000;
  const pollMs = opts.pollMs ?? 1000;
  const now = opts.now ?? Date.now;
  const inflight = new Map<string, Promise<ProcessOutcome>>();
  const stats = { processed: 0, failed: 0, retried: 0 };
  let running = false;
  let pumping = false;
  let again = false;
  let timer: NodeJS.Timeout | undefined;
  let pausedUntil = 0;
  /** Events whose outcome could not be recorded, with when they may be taken again (see holdBack). */
  const held = new Map<string, { until: number; failures: number }>();
  let storeFailures = 0;

  // Between 80 % and 100 % of base · 2^attempts (capped), never sooner than Centra's Retry-After.
  const backoff = (attempts: number, retryAfterMs?: number): number =>
    Math.max(backoffMs(attempts + 1, { baseMs, capMs, factor: 2, floor: 0.8 }, Math.random()), retryAfterMs ?? 0);

  async function decide(row: InboxEvent): Promise<ProcessOutcome> {
    let event: CentraEvent;
    if (row.event !== null) {
      const parsed = centraEventSchema.safeParse(row.event);
      if (!parsed.success) return { status: 'failed', error: `stored event is not valid: ${describeIssues(parsed.error, row.event).join('; ')}` };
      event = parsed.data;
    } else if (row.type === 'account') {
      log.info({ key: row.key }, 'account event acknowledged: no email is about an account');
      return { status: 'processed', result: { note: 'account event: no email' } };
    } else if (!FETCHED_TYPES.has(row.type)) {
      return { status: 'failed', error: `event type ${row.type} is not processed` };
    } else {
      if (!load) throw new CentraUnavailableError('no Centra client configured');
      const object = await fetchObject(row);
      if (object === null) {
        log.info({ key: row.key, type: row.type, id: row.objectId }, 'object not found in Centra: nothing to send');
        return { status: 'processed', result: { note: `${row.type} ${row.objectId} not found in Centra` } };
      }
      const parsed = centraEventSchema.safeParse({ type: row.type, action: row.action, id: Number(row.objectId), date: row.date, object, context: {} });
      if (!parsed.success) return { status: 'failed', error: `Centra's ${row.type} ${row.objectId} is not a valid snapshot: ${describeIssues(parsed.error).slice(0, 5).join('; ')}` };
      event = parsed.data;
    }
    const r = await submitting.run(() => bridge.submit(event, row.key));
    return { status: 'processed', result: { deliveries: r.deliveries, inserted: r.inserted, duplicates: r.duplicates, skipped: r.skipped, orderNumber: r.orderNumber, object: r.object } };
  }

  /** Fetches the event's object, telling onCentraAnswer whether Centra answered (a query error is an answer). */
  async function fetchObject(row: InboxEvent) {
    try {
      // Batched with the other events' objects (snapshotLoader); an object's own error comes back as a value.
      const object = await load!({ type: row.type as SnapshotType, id: row.objectId });
      if (object instanceof Error) throw object;
      opts.onCentraAnswer?.({ ok: true });
      return object;
    } catch (err) {
      opts.onCentraAnswer?.(err instanceof CentraUnavailableError ? { ok: false, error: redactString((err as Error).message) } : { ok: true });
      throw err;
    }
  }

  async function processRow(row: InboxEvent): Promise<ProcessOutcome> {
    let outcome: ProcessOutcome;
    try {
      outcome = await decide(row);
    } catch (err) {
      const e = err as Error;
      if (err instanceof CentraUnavailableError) {
        const delay = backoff(row.attempts, err.retryAfterMs);
        pausedUntil = Math.max(pausedUntil, now() + Math.min(delay, Math.max(baseMs, err.retryAfterMs ?? 0)));
        outcome = { status: 'retry', error: e.message, nextAttemptAt: now() + delay };
      } else if (err instanceof CentraUnsettledError) {
        // Lost in its batch among objects Centra could not give: fetched again later, with no pause (Centra answers).
        outcome = { status: 'retry', error: e.message, nextAttemptAt: now() + backoff(row.attempts) };
      } else if (err instanceof CentraQueryError || err instanceof InputError) {
        outcome = { status: 'failed', error: err instanceof InputError ? `${err.what}: ${err.problems.join('; ')}` : e.message };
      } else {
        // Our own trouble (e.g. the store is busy): keep the event and try again later.
        log.error({ key: row.key, err: e.message }, 'processing an inbox event failed unexpectedly; retrying later');
        outcome = { status: 'retry', error: e.message, nextAttemptAt: now() + backoff(row.attempts) };
      }
    }
    const t = now();
    try {
      if (outcome.status === 'processed') {
        await inbox.markProcessed(row.key, t, outcome.result);
        stats.processed++;
        const r = outcome.result;
        // One line per processed event: what it sent, and why anything was not sent.
        log.info(
          { key: row.key, source: row.source, deliveries: r.deliveries?.map((d) => d.id) ?? [], new: r.inserted ?? 0, duplicates: r.duplicates ?? 0, skipped: Array.isArray(r.skipped) ? r.skipped : [], order: r.orderNumber ?? undefined, note: r.note },
          'event processed',
        );
      } else if (outcome.status === 'failed') {
        await inbox.markFailed(row.key, t, redactString(outcome.error));
        stats.failed++;
        log.warn({ key: row.key, error: outcome.error }, 'inbox event failed permanently');
      } else {
        await inbox.markRetry(row.key, t, outcome.nextAttemptAt, redactString(outcome.error));
        stats.retried++;
        trouble('warn', { key: row.key, attempts: row.attempts + 1, retryInMs: outcome.nextAttemptAt - t, error: outcome.error }, 'Centra unavailable; event kept for a retry');
      }
      held.delete(row.key);
      storeFailures = 0;
    } catch (err) {
      await holdBack(row, (err as Error).message);
    }
    opts.onOutcome?.(row, outcome);
    return outcome;
  }

  // An outcome that cannot be recorded (disk full, store down) leaves the row due in the store: taken
  // again at once, it would be fetched and planned in a hot loop. It backs off like any other failure:
  // marked for a retry if the store takes that write, and in any case held back here for the same
  // backoff; while outcomes cannot be recorded, fetching pauses too (growing, as for an unavailable Centra).
  async function holdBack(row: InboxEvent, error: string): Promise<void> {
    const failures = (held.get(row.key)?.failures ?? 0) + 1;
    const delay = backoff(row.attempts + failures - 1);
    const until = now() + delay;
    held.set(row.key, { until, failures });
    storeFailures++;
    pausedUntil = Math.max(pausedUntil, now() + Math.min(delay, backoff(storeFailures - 1)));
    let marked = false;
    try {
      await inbox.markRetry(row.key, now(), until, redactString(`the outcome could not be recorded: ${error}`));
      marked = true;
    } catch {
      // The store takes no write at all: the hold in memory is what backs the event off.
    }
    trouble('error', { key: row.key, err: error, retryInMs: delay, markedForRetry: marked }, 'could not record the outcome of an inbox event; retrying it later');
  }

  /** Keys held back now (a hold is forgotten once the event's outcome is recorded). */
  function heldKeys(): string[] {
    const t = now();
    return [...held].filter(([, h]) => h.until > t).map(([key]) => key);
  }

  function launch(row: InboxEvent): Promise<ProcessOutcome> {
    const p = processRow(row).finally(() => {
      inflight.delete(row.key);
      if (running) void pump();
    });
    inflight.set(row.key, p);
    return p;
  }

  async function pump(): Promise<void> {
    if (pumping) {
      again = true;
      return;
    }
    pumping = true;
    try {
      do {
        again = false;
        while (running && inflight.size < maxTaken && now() >= pausedUntil) {
          const exclude = new Set([...inflight.keys(), ...heldKeys()]);
          const rows = await inbox.due(now(), maxTaken - inflight.size, exclude);
          if (!rows.length) break;
          for (const r of rows) if (!inflight.has(r.key)) launch(r);
        }
      } while (again && running);
      await arm();
    } catch (err) {
      log.error({ err: (err as Error).message }, 'inbox processor could not read the inbox');
      armAfter(pollMs);
    } finally {
      pumping = false;
    }
  }

  function armAfter(delay: number): void {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (!running) return;
    timer = setTimeout(() => void pump(), Math.max(1, Math.min(delay, pollMs)));
  }

  async function arm(): Promise<void> {
    if (!running) return;
    const t = now();
    if (t < pausedUntil) return armAfter(pausedUntil - t);
    if (inflight.size >= maxTaken) return armAfter(pollMs);
    const next = await inbox.nextDueAt();
    // What is due now and was not taken is held back (or in flight): look again when the first hold ends.
    const holds = [...held.values()].map((h) => h.until).filter((u) => u > t);
    if (next !== null && next <= now() && holds.length) return armAfter(Math.max(1, Math.min(...holds) - now()));
    armAfter(next === null ? pollMs : Math.max(1, next - now()));
  }

  return {
    start() {
      if (running) return;
      running = true;
      void pump();
    },
    async stop() {
      running = false;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await Promise.allSettled([...inflight.values()]);
    },
    notify() {
      if (running && now() >= pausedUntil) void pump();
    },
    async processNow(key) {
      const existing = inflight.get(key);
      if (existing) return existing;
      const row = await inbox.get(key);
      if (!row || (row.status !== 'pending' && row.status !== 'retry')) return null;
      if (inflight.has(key)) return inflight.get(key)!;
      return launch(row);
    },
    get inFlight() {
      return inflight.size;
    },
    stats,
    get pausedUntil() {
      return pausedUntil;
    },
  };
}
