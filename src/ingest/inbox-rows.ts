// The inbox table's rows as both adapters (SQLite, PostgreSQL) read them: same columns, times
// in epoch milliseconds, the event and the result kept as JSON text.
import type { InboxEvent, InboxSource, InboxStatus } from './inbox.ts';

export interface InboxRow {
  key: string;
  source: string;
  type: string;
  action: string;
  object_id: string;
  date: string;
  event: string | null;
  status: string;
  attempts: number;
  next_attempt_at: number;
  received_at: number;
  updated_at: number;
  processed_at: number | null;
  last_error: string | null;
  result: string | null;
}

/** Rows the processor still has to take (the partial due index's condition). */
export const DUE = `status IN ('pending', 'retry')`;

export function toInboxEvent(r: InboxRow): InboxEvent {
  return {
    key: r.key,
    source: r.source as InboxSource,
    type: r.type,
    action: r.action,
    objectId: r.object_id,
    date: r.date,
    event: r.event === null ? null : JSON.parse(r.event),
    status: r.status as InboxStatus,
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at,
    receivedAt: r.received_at,
    updatedAt: r.updated_at,
    processedAt: r.processed_at,
    lastError: r.last_error,
    result: r.result === null ? null : JSON.parse(r.result),
  };
}
