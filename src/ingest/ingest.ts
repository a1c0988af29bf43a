// The front door of the inbox: turns received events into rows and stores them with group commit.
import type { WebhookEvent } from '../centra/webhook.ts';
import { createGroupCommit, type GroupCommit } from './group-commit.ts';
import type { InboxSource, InboxStore, NewInboxEvent } from './inbox.ts';

export interface Ingest {
  /** Stores the rows durably (one shared transaction per tick); per row: whether it was new. */
  store(rows: readonly NewInboxEvent[]): Promise<boolean[]>;
  flush(): Promise<void>;
  readonly batches: GroupCommit<NewInboxEvent, boolean>['stats'];
}

export interface IngestOptions {
  /** Commit when this many events wait (default 5000). */
  maxItems?: number;
  /** Extra wait before a commit, to gather more (default 0: next event-loop turn). */
  maxDelayMs?: number;
}

export function createIngest(inbox: InboxStore, opts: IngestOptions = {}): Ingest {
  const gc = createGroupCommit<NewInboxEvent, boolean>({ commit: (rows) => inbox.insertMany(rows), maxItems: opts.maxItems, maxDelayMs: opts.maxDelayMs });
  return { store: (rows) => gc.append(rows), flush: () => gc.flush(), batches: gc.stats };
}

/** The dedupe key of an event: `type:id:action:date` (as eventKeyOf for complete events). */
export function inboxKey(e: { type: string; id: number | string; action: string; date: string }): string {
  return `${e.type}:${e.id}:${e.action}:${e.date}`;
}

export function rowsOf(events: readonly WebhookEvent[], source: InboxSource, now: number): NewInboxEvent[] {
  return events.map((e) => ({ key: inboxKey(e), source, type: e.type, action: e.action, objectId: String(e.id), date: e.date, receivedAt: now }));
}
