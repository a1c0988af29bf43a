// The tables' rows as both engines (SQLite, PostgreSQL) read them: same columns, times in epoch
// milliseconds, JSON kept as text (a delivery's request, an inbox event and its result).
import type { ContactLink } from './contacts.ts';
import type { AttemptRecord, DeliveryFilter, DeliveryStatus, StoredDelivery } from './deliveries.ts';
import type { InboxEvent, InboxSource, InboxStatus } from './inbox.ts';

/** The states a worker still works on (the partial indexes' condition). */
export const ACTIVE = `status IN ('pending', 'retry_scheduled', 'in_flight')`;

export interface DeliveryRow {
  id: string;
  event_id: string;
  email_type: string;
  recipient: string;
  recipient_address: string;
  plugin: string;
  esp: string;
  lane: string;
  request: string;
  status: string;
  attempts: number;
  next_attempt_at: number;
  lease_owner: string | null;
  lease_until: number | null;
  created_at: number;
  updated_at: number;
  delivered_at: number | null;
  last_error: string | null;
  last_status: number | null;
  order_number: string | null;
  object: string | null;
  pruned_at?: number | null;
}

/**
 * A delivery filter's WHERE clause for both engines: `mark(n)` writes the n-th (1-based)
 * placeholder ("?" for SQLite, "$n" for PostgreSQL). Email matches lower(recipient_address),
 * the expression the deliveries_email index holds.
 */
export function deliveryWhere(f: DeliveryFilter, mark: (n: number) => string): { sql: string; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (clause: (p: string) => string, v: unknown) => (params.push(v), where.push(clause(mark(params.length))));
  if (f.status) add((p) => `status = ${p}`, f.status);
  if (f.esp) add((p) => `esp = ${p}`, f.esp);
  if (f.plugin) add((p) => `plugin = ${p}`, f.plugin);
  if (f.emailType) add((p) => `email_type = ${p}`, f.emailType);
  if (f.order) add((p) => `order_number = ${p}`, f.order);
  if (f.email) add((p) => `lower(recipient_address) = ${p}`, f.email.toLowerCase());
  if (f.since !== undefined) add((p) => `created_at >= ${p}`, f.since);
  if (f.until !== undefined) add((p) => `created_at < ${p}`, f.until);
  return { sql: where.length ? 'WHERE ' + where.join(' AND ') : '', params };
}

/** A listing's page: 1–1000 rows (default 100), from offset ≥ 0. */
export function pageOf(f: DeliveryFilter): { limit: number; offset: number } {
  return { limit: Math.min(Math.max(1, Math.floor(f.limit ?? 100)), 1000), offset: Math.max(0, Math.floor(f.offset ?? 0)) };
}

export interface AttemptRow {
  delivery_id: string;
  attempt: number;
  worker_id: string;
  started_at: number;
  finished_at: number;
  outcome: string;
  status: number | null;
  error: string | null;
  duration_ms: number;
}

export function toDelivery(r: DeliveryRow): StoredDelivery {
  return {
    id: r.id,
    eventId: r.event_id,
    emailType: r.email_type as StoredDelivery['emailType'],
    recipient: r.recipient as StoredDelivery['recipient'],
    to: r.recipient_address,
    plugin: r.plugin,
    esp: r.esp as StoredDelivery['esp'],
    lane: r.lane,
    request: JSON.parse(r.request) as StoredDelivery['request'],
    status: r.status as DeliveryStatus,
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at,
    leaseOwner: r.lease_owner,
    leaseUntil: r.lease_until,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    deliveredAt: r.delivered_at,
    lastError: r.last_error,
    lastStatus: r.last_status,
    orderNumber: r.order_number ?? null,
    object: r.object ?? null,
    prunedAt: r.pruned_at ?? null,
  };
}

export function toAttempt(r: AttemptRow): AttemptRecord {
  return {
    deliveryId: r.delivery_id,
    attempt: r.attempt,
    workerId: r.worker_id,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    outcome: r.outcome as AttemptRecord['outcome'],
    status: r.status,
    error: r.error,
    durationMs: r.duration_ms,
  };
}

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
  pruned_at?: number | null;
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
    prunedAt: r.pruned_at ?? null,
  };
}

export interface ContactRow {
  plugin: string;
  customer_id: number;
  email: string;
  contact_id: string;
  contact_type: string;
}

export const toLink = (r: ContactRow | undefined): ContactLink | null =>
  r ? { plugin: r.plugin, customerId: r.customer_id, email: r.email, contactId: r.contact_id, contactType: r.contact_type } : null;
