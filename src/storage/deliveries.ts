// The outbox's port: the delivery engine (src/delivery/) works on it. Every method returns a
// Promise so that the PostgreSQL adapter (src/storage/postgres/deliveries.ts) implements it
// without any change to the engine; the embedded SQLite one (src/storage/sqlite/deliveries.ts)
// answers synchronously inside a resolved Promise.
import type { Recipient } from '../emails/catalog.ts';
import type { DeliveryKind, OutgoingRequest } from '../delivery/types.ts';

/** `shadow`: planned for a plugin or store in shadow mode, stored and never sent (docs/moving-off-centra-emails.md). */
export const DELIVERY_STATUSES = ['pending', 'in_flight', 'delivered', 'retry_scheduled', 'dead', 'shadow'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** States a worker may claim (in_flight only once its lease has run out). */
export const ACTIVE_STATUSES: readonly DeliveryStatus[] = ['pending', 'retry_scheduled', 'in_flight'];

/** A delivery as handed to the store on enqueue (already secret-free). */
export interface NewDelivery {
  id: string;
  eventId: string;
  emailType: DeliveryKind;
  recipient: Recipient;
  to: string;
  plugin: string;
  esp: string;
  lane: string;
  request: OutgoingRequest;
  createdAt: number;
  /** The order the delivery is about (null: a buyer's or customer's email, or a row stored before 2026-12). */
  orderNumber?: string | null;
  /** The object its event came from, e.g. "invoice-7" (null before 2026-12). */
  object?: string | null;
  /** Stored as `shadow` (never sent) instead of `pending`. */
  shadow?: boolean;
}

/** A stored delivery row. Times are epoch milliseconds. */
export interface StoredDelivery extends NewDelivery {
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: number;
  leaseOwner: string | null;
  leaseUntil: number | null;
  updatedAt: number;
  deliveredAt: number | null;
  lastError: string | null;
  lastStatus: number | null;
  /** When retention or an erase removed its request (and address): it cannot be replayed. Null: whole. */
  prunedAt?: number | null;
}

export type AttemptOutcome = 'delivered' | 'transient' | 'permanent' | 'ambiguous' | 'timeout' | 'lease_lost';

export interface AttemptRecord {
  deliveryId: string;
  attempt: number;
  workerId: string;
  startedAt: number;
  finishedAt: number;
  outcome: AttemptOutcome;
  status: number | null;
  error: string | null;
  durationMs: number;
}

export interface ClaimArgs {
  lane: string;
  owner: string;
  now: number;
  leaseMs: number;
  limit: number;
}

export interface ResumeArgs {
  lane: string;
  since: number;
  now: number;
  limit?: number;
}

/** The state a delivery moves to after one attempt. */
export type NextState =
  | { status: 'delivered'; at: number }
  | { status: 'retry_scheduled'; nextAttemptAt: number; reason: string }
  | { status: 'dead'; reason: string };

export interface FinishArgs {
  id: string;
  owner: string;
  now: number;
  next: NextState;
  attempt: AttemptRecord;
  lastStatus: number | null;
}

export interface DeliveryFilter {
  status?: DeliveryStatus;
  esp?: string;
  /** The plugin's name in the config (`fallback` for smtp). */
  plugin?: string;
  emailType?: DeliveryKind;
  /** The order number (deliveries of its shipments, returns and invoices included). */
  order?: string;
  /** The recipient's address, matched without regard to case. */
  email?: string;
  /** created_at at or after (epoch ms). */
  since?: number;
  /** created_at before (epoch ms). */
  until?: number;
  limit?: number;
  offset?: number;
}

export interface LaneInfo {
  lane: string;
  esp: string;
  plugin: string;
}

export interface StateCount {
  status: DeliveryStatus;
  esp: string;
  count: number;
}

export interface DeliveryStore {
  /** Inserts all rows in one transaction; an id already stored is left untouched. */
  insertDeliveries(rows: NewDelivery[]): Promise<{ inserted: number; duplicates: number }>;
  /**
   * Atomically claims up to `limit` due rows of a lane (pending, retry_scheduled whose time
   * has come, or in_flight whose lease ran out): status → in_flight, lease set, attempts + 1.
   */
  claimDue(args: ClaimArgs): Promise<StoredDelivery[]>;
  /**
   * Records an attempt and moves the row on. Delivered always wins (it is the truth);
   * any other state is only written while `owner` still holds the lease. Returns whether
   * the row was updated.
   */
  finishAttempt(args: FinishArgs): Promise<boolean>;
  /**
   * Lengthens the lease of a row this owner still holds (in flight, its lease_owner): true if it
   * did. A row whose lease lapsed and that nobody claimed since is still ours to extend.
   */
  extendLease(id: string, owner: string, leaseUntil: number, now: number): Promise<boolean>;
  /** Hands a claimed row back unattempted (lane paused): attempts − 1, due at `nextAttemptAt`. */
  releaseClaim(id: string, owner: string, nextAttemptAt: number, now: number): Promise<boolean>;
  /**
   * A lane's ESP is back after an outage: its rows put in retry_scheduled since `since` (the
   * outage's first failure) whose next attempt is later than `now` fall due at `now`, the earliest
   * first, at most `limit` of them (all when omitted). Returns how many moved. The lane's own
   * rate limiter and concurrency still pace what it then claims.
   */
  resumeRetries(args: ResumeArgs): Promise<number>;
  /** Lanes that have ever had a delivery. */
  lanes(): Promise<LaneInfo[]>;
  /** Earliest time a row of the lane becomes claimable, or null if none is active. */
  nextDueAt(lane: string): Promise<number | null>;
  listDeliveries(filter: DeliveryFilter): Promise<StoredDelivery[]>;
  /** How many rows match the filter (its limit and offset ignored): the "of M" of a listing. */
  countDeliveries(filter: DeliveryFilter): Promise<number>;
  getDelivery(id: string): Promise<StoredDelivery | null>;
  listAttempts(id: string): Promise<AttemptRecord[]>;
  /**
   * dead (or any state but in_flight and shadow) → pending, attempts reset; history kept. A
   * delivered row only with `evenDelivered` (that sends the email again). Never a pruned row (its
   * request is gone). False when nothing was changed.
   */
  replay(id: string, now: number, opts?: { evenDelivered?: boolean }): Promise<boolean>;
  replayAllDead(now: number): Promise<number>;
  /**
   * The dead rows matching the filter (its status, limit and offset ignored) → pending, in one
   * transaction, only if there are exactly `expect` of them (the count the operator confirmed);
   * otherwise nothing changes and `replayed` is 0.
   */
  replayDeadMatching(filter: DeliveryFilter, now: number, expect: number): Promise<{ matched: number; replayed: number }>;
  countsByStateAndEsp(): Promise<StateCount[]>;
  /** Rows not yet delivered nor dead. */
  queueDepth(): Promise<number>;
  /** created_at of the oldest row not yet delivered nor dead. */
  oldestActiveCreatedAt(): Promise<number | null>;
  /** Rows tried more than once (whatever their state now). */
  retriedCount(): Promise<number>;
  /** How many rows there are of each email type (or sync kind). */
  countsByEmailType(): Promise<{ emailType: DeliveryKind; count: number }[]>;
}
