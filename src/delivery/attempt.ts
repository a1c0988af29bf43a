// One delivery attempt: the send under the engine's own timeout, and its outcome recorded with the
// attempt's log row (redacted). Kept apart from the lane's claim loop so each reads in a sitting.
import type { AttemptOutcome, DeliveryStore, NextState, StoredDelivery } from '../storage/deliveries.ts';
import type { Clock } from './clock.ts';
import { redactString } from './redact.ts';
import type { PlannedDelivery, SendOutcome, Transport } from './types.ts';

type LogFn = (obj: object, msg?: string) => void;
export interface WorkerLogger {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
}
export const silentLogger: WorkerLogger = { debug() {}, info() {}, warn() {}, error() {} };

/** The stored row as the transport sees it. */
function plannedOf(row: StoredDelivery): PlannedDelivery {
  return { id: row.id, emailType: row.emailType, recipient: row.recipient, to: row.to, plugin: row.plugin, esp: row.esp, request: row.request };
}

/**
 * Sends one row. The engine's timeout aborts the transport's request and counts as ambiguous (it may
 * have reached the ESP); a transport that throws instead of answering is ambiguous too.
 */
export async function sendWithTimeout(transport: Transport, row: StoredDelivery, timeoutMs: number, clock: Clock): Promise<SendOutcome> {
  const ctl = new AbortController();
  let timer: unknown = null;
  const timeout = new Promise<SendOutcome>((resolve) => {
    timer = clock.setTimeout(() => {
      ctl.abort(new Error(`attempt timed out after ${timeoutMs} ms`));
      resolve({ kind: 'transient', error: `timeout after ${timeoutMs} ms (engine)`, ambiguous: true });
    }, timeoutMs);
  });
  try {
    return await Promise.race([
      transport.send(plannedOf(row), ctl.signal).catch(
        (err): SendOutcome => ({ kind: 'transient', error: `transport threw: ${err instanceof Error ? err.message : String(err)}`, ambiguous: true }),
      ),
      timeout,
    ]);
  } finally {
    clock.clearTimeout(timer);
  }
}

/** How an outcome is kept in the attempt log. */
export function attemptOutcomeOf(outcome: SendOutcome): AttemptOutcome {
  if (outcome.kind === 'transient' && outcome.ambiguous) return /timeout/i.test(outcome.error) ? 'timeout' : 'ambiguous';
  return outcome.kind;
}

export interface RecordArgs {
  store: DeliveryStore;
  row: StoredDelivery;
  lane: string;
  workerId: string;
  startedAt: number;
  now: number;
  outcome: SendOutcome;
  next: NextState;
  log: WorkerLogger;
  /** With these, a refused write is retried (capped backoff) for as long as keepTrying() says. */
  clock?: Clock;
  keepTrying?: () => boolean;
}

/** Backoff between tries to write an outcome the store refused (disk full, connection lost). */
const RECORD_RETRY_MS = { first: 100, cap: 2_000 };
/** A store that keeps refusing is logged once, then at most this often. */
const RECORD_LOG_EVERY_MS = 30_000;

/** Writes the row's next state and the attempt's log row (one store call), and logs what happened. */
export async function recordAttempt(a: RecordArgs): Promise<void> {
  const { row, outcome, next } = a;
  const kind = attemptOutcomeOf(outcome);
  const error = outcome.kind === 'delivered' ? null : redactString(outcome.error);
  const status = outcome.status ?? null;
  const stored = (next.status === 'delivered' ? next : { ...next, reason: redactString(next.reason) }) as NextState;
  const args = {
    id: row.id,
    owner: a.workerId,
    now: a.now,
    next: stored,
    lastStatus: status,
    attempt: { deliveryId: row.id, attempt: row.attempts, workerId: a.workerId, startedAt: a.startedAt, finishedAt: a.now, outcome: kind, status, error, durationMs: Math.max(0, a.now - a.startedAt) },
  };
  let ok: boolean;
  let waitMs = RECORD_RETRY_MS.first;
  let loggedAt = -Infinity;
  for (;;) {
    try {
      ok = await a.store.finishAttempt(args);
      break;
    } catch (err) {
      const canRetry = a.clock !== undefined && (a.keepTrying?.() ?? false);
      const now = a.clock?.now() ?? a.now;
      if (!canRetry || now - loggedAt >= RECORD_LOG_EVERY_MS) {
        loggedAt = now;
        // Given up, the lease lapses and the row is tried again: at-least-once.
        a.log.error({ id: row.id, err: String(err), retrying: canRetry }, canRetry ? 'could not record the attempt; retrying' : 'could not record the attempt');
      }
      if (!canRetry) return;
      await new Promise<void>((resolve) => a.clock!.setTimeout(resolve, waitMs));
      waitMs = Math.min(RECORD_RETRY_MS.cap, waitMs * 2);
    }
  }
  // One line per attempt, whatever it came to.
  const entry = { id: row.id, lane: a.lane, emailType: row.emailType, attempt: row.attempts, outcome: kind, status, durationMs: Math.max(0, a.now - a.startedAt), next: next.status };
  if (!ok) a.log.warn(entry, 'lease lost before the result was recorded');
  else if (stored.status === 'dead') a.log.warn({ ...entry, reason: stored.reason }, 'delivery dead');
  else if (stored.status === 'retry_scheduled') a.log.info({ ...entry, nextAttemptAt: stored.nextAttemptAt, error }, 'delivery retry scheduled');
  else a.log.info(entry, 'delivered');
}
