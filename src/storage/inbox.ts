// The inbox: every Centra event the bridge receives (webhook, events queue, direct), stored
// before it is acknowledged, then processed once. The port src/ingest/ works on; adapters in
// src/storage/sqlite/inbox.ts and src/storage/postgres/inbox.ts.

export const INBOX_STATUSES = ['pending', 'retry', 'processed', 'failed'] as const;
/** pending → processed | failed (permanent, with the error) | retry (Centra unavailable; due at nextAttemptAt). */
export type InboxStatus = (typeof INBOX_STATUSES)[number];
export type InboxSource = 'webhook' | 'events' | 'direct';

export interface NewInboxEvent {
  /** The dedupe key: `type:id:action:date`. */
  key: string;
  source: InboxSource;
  type: string;
  action: string;
  objectId: string;
  date: string;
  /** A complete event (object included): processed without fetching from Centra. */
  event?: unknown;
  receivedAt: number;
  /** When the processor may first take it (default receivedAt). */
  nextAttemptAt?: number;
}

/** One received call, kept as it came until its events are moved into the inbox. */
export interface StoredCall {
  source: InboxSource;
  receivedAt: number;
  /** The call's payload text as received (a webhook: Centra's `{"events":[…]}` JSON). */
  payload: string;
  /** How many events it holds (counted as pending before expansion). */
  count: number;
}

/** Turns a stored call back into inbox rows; throws if it cannot (the call is then kept as a failed inbox row). */
export type CallDecoder = (call: StoredCall) => NewInboxEvent[];

export interface InboxEvent {
  key: string;
  source: InboxSource;
  type: string;
  action: string;
  objectId: string;
  date: string;
  event: unknown | null;
  status: InboxStatus;
  attempts: number;
  nextAttemptAt: number;
  receivedAt: number;
  updatedAt: number;
  processedAt: number | null;
  lastError: string | null;
  result: unknown | null;
  /** When retention or an erase removed its raw event and error. Null: whole. */
  prunedAt?: number | null;
}

export interface InboxFilter {
  status?: InboxStatus;
  limit?: number;
  offset?: number;
}

export interface InboxStore {
  /** Inserts all rows in one transaction; a key already stored is left untouched. Returns, per row, whether it was new. */
  insertMany(rows: readonly NewInboxEvent[]): Promise<boolean[]>;
  /**
   * Stores received calls as they are, one record per call, all in one transaction: the cheap
   * durable write a webhook is acknowledged on. `expandCalls` turns them into inbox rows later.
   */
  appendCalls(calls: readonly StoredCall[]): Promise<void>;
  /**
   * Moves the events of the oldest stored calls (at least one call, about `maxEvents` events) into
   * inbox rows, deduplicated, in one transaction. A call `decode` rejects becomes one failed inbox
   * row (key `call:<id>`, its payload kept in `event`) so that nothing accepted is lost or blocks the rest.
   */
  expandCalls(maxEvents: number, decode: CallDecoder): Promise<{ calls: number; events: number; inserted: number }>;
  /** Due rows (pending or retry, nextAttemptAt ≤ now), oldest due first, skipping `exclude`. */
  due(now: number, limit: number, exclude?: ReadonlySet<string>): Promise<InboxEvent[]>;
  markProcessed(key: string, now: number, result: unknown): Promise<void>;
  markFailed(key: string, now: number, error: string): Promise<void>;
  markRetry(key: string, now: number, nextAttemptAt: number, error: string): Promise<void>;
  get(key: string): Promise<InboxEvent | null>;
  list(filter: InboxFilter): Promise<InboxEvent[]>;
  /** The events processed for an order, and those with the given keys (a trace), oldest received first; at most 1000. */
  eventsFor(q: { order?: string; keys?: readonly string[] }): Promise<InboxEvent[]>;
  counts(): Promise<Record<InboxStatus, number>>;
  /** pending + retry, plus the events of stored calls not yet expanded. */
  pendingCount(): Promise<number>;
  /** Earliest nextAttemptAt of a pending/retry row, or null. */
  nextDueAt(): Promise<number | null>;
}

/** The order number a processed event's result names (ingest/processor.ts ProcessResult.orderNumber), stored in its own column. */
export function orderOfResult(result: unknown): string | null {
  const n = (result as { orderNumber?: unknown } | null)?.orderNumber;
  return typeof n === 'string' ? n : null;
}
