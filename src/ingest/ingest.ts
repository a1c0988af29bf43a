// The front door of the inbox. Webhook calls are stored as they came, one record per call, with
// group commit (one transaction for all calls that arrived since the last one), and acknowledged once that
// committed. An expander then moves their events into the inbox proper (dedupe, status) in small
// chunks off the request path, and wakes the processor. Single events (direct, events queue) go
// straight into the inbox, also with group commit, because their callers want to know if each was new.
import { eventKeyOf } from './event-key.ts';
import { parseWebhookPayload, type InvalidWebhookEvent, type WebhookEvent } from '../centra/webhook.ts';
import { createGroupCommit, type GroupCommit } from '../storage/group-commit.ts';
import type { InboxSource, InboxStore, NewInboxEvent, StoredCall } from '../storage/inbox.ts';

export interface Ingest {
  /** Stores the rows durably (group commit: one transaction shared with every concurrent caller); per row: whether it was new. */
  store(rows: readonly NewInboxEvent[]): Promise<boolean[]>;
  /**
   * Stores one received webhook call durably as one record, its payload as received (group commit); parsing into rows and dedupe come later.
   * Several calls given together (a call and its invalid events, see invalidEventCall) are stored in one transaction.
   */
  storeCall(call: StoredCall | readonly StoredCall[]): Promise<void>;
  /** Commits what waits and expands every stored call into the inbox. */
  flush(): Promise<void>;
  readonly batches: GroupCommit<NewInboxEvent, boolean>['stats'];
  readonly calls: GroupCommit<StoredCall, void>['stats'];
}

export interface IngestOptions {
  /** Commit when this many events wait (default 5000). */
  maxItems?: number;
  /** Extra wait before a commit, to gather more (default 0: next event-loop turn). */
  maxDelayMs?: number;
  /** Events moved from stored calls into the inbox per transaction (default 100, one full webhook call: well under a millisecond, so acknowledgements never wait long behind it). */
  expandChunk?: number;
  /** Called when new events reached the inbox (wake the processor). */
  onNewEvents?: () => void;
  onError?: (err: unknown) => void;
  /** Expansion waits while calls arrive closer together than this (default 2 ms)… */
  expandWhenQuietMs?: number;
  /** …unless this many events wait (default 1,000,000; they wait on disk, not in memory)… */
  maxBacklogEvents?: number;
  /** …or the oldest has waited this long (default 2,000 ms). */
  maxDeferMs?: number;
}

export function createIngest(inbox: InboxStore, opts: IngestOptions = {}): Ingest {
  const gc = createGroupCommit<NewInboxEvent, boolean>({ commit: (rows) => inbox.insertMany(rows), maxItems: opts.maxItems, maxDelayMs: opts.maxDelayMs });
  const calls = createGroupCommit<StoredCall, void>({
    commit: async (stored) => {
      await inbox.appendCalls(stored);
      return stored.map(() => undefined);
    },
    maxItems: Math.max(1, Math.floor((opts.maxItems ?? 5000) / 100)),
    maxDelayMs: opts.maxDelayMs,
  });
  const chunk = opts.expandChunk ?? 100;

  // Expansion yields to incoming calls: while calls keep arriving (a burst) it waits, so the
  // acknowledgements get the CPU; it runs in the gaps, and regardless once the backlog is large
  // or old. One expansion loop at a time; a call arriving meanwhile just asks for another pass.
  const quietMs = opts.expandWhenQuietMs ?? 2;
  const maxBacklog = opts.maxBacklogEvents ?? 1_000_000;
  const maxDeferMs = opts.maxDeferMs ?? 2_000;
  let lastCallAt = 0;
  let backlog = 0;
  let oldestWaitingSince = 0;
  let expanding: Promise<void> | null = null;
  let again = false;
  let urgent = false;
  const sleep = (ms: number) => new Promise<void>((r) => (ms > 0 ? setTimeout(r, ms) : setImmediate(r)));
  function expandSoon(now = false): Promise<void> {
    urgent ||= now;
    if (expanding) {
      again = true;
      return expanding;
    }
    expanding = (async () => {
      do {
        again = false;
        for (;;) {
          // Answer pending requests first; during a burst, wait for a gap (unless flushing or behind).
          await sleep(0);
          while (!urgent && backlog < maxBacklog && Date.now() - lastCallAt < quietMs && Date.now() - oldestWaitingSince < maxDeferMs) await sleep(quietMs);
          const r = await inbox.expandCalls(chunk, rowsOfCall);
          backlog = Math.max(0, backlog - r.events);
          if (r.inserted) opts.onNewEvents?.();
          if (r.calls === 0) {
            backlog = 0;
            break;
          }
        }
      } while (again);
      urgent = false;
    })()
      .catch((err) => opts.onError?.(err))
      .finally(() => {
        expanding = null;
      });
    return expanding;
  }
  // Calls stored before a restart are expanded now.
  void expandSoon(true);

  return {
    store: (rows) => gc.append(rows),
    async storeCall(call) {
      const stored = (Array.isArray(call) ? call : [call]).filter((c: StoredCall) => c.count > 0);
      if (!stored.length) return;
      const now = Date.now();
      lastCallAt = now;
      await calls.append(stored);
      if (backlog === 0) oldestWaitingSince = now;
      for (const c of stored) backlog += c.count;
      void expandSoon();
    },
    async flush() {
      await Promise.all([gc.flush(), calls.flush()]);
      await expandSoon(true);
    },
    batches: gc.stats,
    calls: calls.stats,
  };
}


const INVALID_PREFIX = '{"invalid":';

/**
 * A webhook event that failed validation, stored beside its call as a call of its own that expands
 * into one failed inbox row (key `call:<id>`, the event's raw text kept in `event.payload`,
 * the reason in `lastError`): visible in /api/inbox?status=failed, never processed.
 */
export function invalidEventCall(source: InboxSource, receivedAt: number, invalid: InvalidWebhookEvent): StoredCall {
  return { source, receivedAt, payload: JSON.stringify({ invalid }), count: 1 };
}

/**
 * The inbox rows of a stored webhook call: its payload parsed again by the parser that accepted it
 * (events of unknown types were logged then and are skipped now). Calls stored by versions before
 * payloads were kept hold the compact form `[[type, action, objectId, date], …]` instead.
 */
export function rowsOfCall(call: StoredCall): NewInboxEvent[] {
  if (call.payload.startsWith(INVALID_PREFIX)) {
    // Refused on purpose: the store keeps it as a failed inbox row with its text (InboxStore.expandCalls).
    const { invalid } = JSON.parse(call.payload) as { invalid: InvalidWebhookEvent };
    throw new Error(`webhook event is invalid: ${invalid.reason}`);
  }
  if (call.payload.startsWith('[')) {
    return (JSON.parse(call.payload) as [string, string, string, string][]).map(([type, action, objectId, date]) => ({
      key: eventKeyOf({ type, id: objectId, action, date }),
      source: call.source,
      type,
      action,
      objectId,
      date,
      receivedAt: call.receivedAt,
    }));
  }
  const parsed = parseWebhookPayload(call.payload, Number.MAX_SAFE_INTEGER);
  if (!parsed.ok) throw new Error(parsed.reason);
  return rowsOf(parsed.events, call.source, call.receivedAt);
}

export function rowsOf(events: readonly WebhookEvent[], source: InboxSource, now: number): NewInboxEvent[] {
  return events.map((e) => ({ key: eventKeyOf(e), source, type: e.type, action: e.action, objectId: String(e.id), date: e.date, receivedAt: now }));
}
