// The outbox: every planned delivery is stored before it is tried, once per idempotency key.
// Also the operator's view: listings, dead letters, replay, and the numbers metrics need.
import type { EmailType } from '../emails/catalog.ts';
import type { AttemptRecord, DeliveryFilter, DeliveryStore, StateCount, StoredDelivery } from '../storage/deliveries.ts';
import { ConflictError, NotFoundError } from '../config/errors.ts';
import { systemClock, type Clock } from './clock.ts';
import { redactSecrets } from './redact.ts';
import type { PlannedDelivery, PlanSubject } from './types.ts';

/** One lane per (esp, plugin): its own claim loop, concurrency and rate limit. */
export function laneKey(esp: string, plugin: string): string {
  return `${esp}:${plugin}`;
}

export interface DeliveryWithAttempts extends StoredDelivery {
  attemptLog: AttemptRecord[];
}

export interface Outbox {
  /** Stores all in one transaction; an id already stored counts as a duplicate and is left as it is. */
  enqueue(deliveries: PlannedDelivery[], eventId: string, subject?: PlanSubject): Promise<{ inserted: number; duplicates: number }>;
  listDeliveries(filter?: DeliveryFilter): Promise<StoredDelivery[]>;
  /** How many rows match (limit and offset ignored). */
  countDeliveries(filter?: DeliveryFilter): Promise<number>;
  getDelivery(id: string): Promise<DeliveryWithAttempts | null>;
  /** Back to pending with attempts reset (history kept). False if unknown or in flight. */
  replay(id: string): Promise<boolean>;
  replayAllDead(): Promise<number>;
  countsByStateAndEsp(): Promise<StateCount[]>;
  /** Deliveries not yet delivered nor dead (pending, retry_scheduled, in_flight). */
  queueDepth(): Promise<number>;
  /** Age of the oldest of those, 0 when there is none. */
  oldestPendingAgeMs(): Promise<number>;
  /** Called after every enqueue/replay that stored something (the worker's notify()). */
  onWork(listener: () => void): () => void;
}

export interface OutboxOptions {
  clock?: Clock;
  /** The request as it is stored: secrets redacted where the delivery's ESP keeps them (default: by well-known key names). */
  redact?: (delivery: PlannedDelivery) => PlannedDelivery['request'];
}

export function createOutbox(store: DeliveryStore, options: OutboxOptions = {}): Outbox {
  const clock = options.clock ?? systemClock;
  const redact = options.redact ?? ((d: PlannedDelivery) => redactSecrets(d.request));
  const listeners = new Set<() => void>();
  const signal = () => {
    for (const l of listeners) l();
  };
  return {
    async enqueue(deliveries, eventId, subject) {
      const now = clock.now();
      const rows = deliveries.map((d) => {
        if (!d.id) throw new Error('delivery without id');
        return {
          id: d.id,
          eventId,
          emailType: d.emailType,
          recipient: d.recipient,
          to: d.to,
          plugin: d.plugin,
          esp: d.esp,
          lane: laneKey(d.esp, d.plugin),
          request: redact(d),
          createdAt: now,
          orderNumber: subject?.orderNumber ?? null,
          object: subject?.object ?? null,
          ...(d.shadow ? { shadow: true } : {}),
        };
      });
      const result = await store.insertDeliveries(rows);
      if (result.inserted > 0) signal();
      return result;
    },
    listDeliveries: (filter = {}) => store.listDeliveries(filter),
    countDeliveries: (filter = {}) => store.countDeliveries(filter),
    async getDelivery(id) {
      const d = await store.getDelivery(id);
      if (!d) return null;
      return { ...d, attemptLog: await store.listAttempts(id) };
    },
    async replay(id) {
      const ok = await store.replay(id, clock.now());
      if (ok) signal();
      return ok;
    },
    async replayAllDead() {
      const n = await store.replayAllDead(clock.now());
      if (n > 0) signal();
      return n;
    },
    countsByStateAndEsp: () => store.countsByStateAndEsp(),
    queueDepth: () => store.queueDepth(),
    async oldestPendingAgeMs() {
      const t = await store.oldestActiveCreatedAt();
      return t === null ? 0 : Math.max(0, clock.now() - t);
    },
    onWork(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export type { DeliveryFilter, StateCount, StoredDelivery, EmailType };

/** An operator's replay of one delivery: back to pending, or a typed error saying why not. */
export async function replayDelivery(outbox: Pick<Outbox, 'replay' | 'getDelivery'>, id: string): Promise<{ id: string; status: 'pending' }> {
  if (await outbox.replay(id)) return { id, status: 'pending' };
  const d = await outbox.getDelivery(id);
  if (d?.status === 'shadow') throw new ConflictError(`delivery ${id} was planned in shadow mode and is never sent; switch the plugin to mode: live for new events`);
  if (d?.prunedAt) throw new ConflictError(`delivery ${id} cannot be sent again: its request was removed (retention or an erase) on ${new Date(d.prunedAt).toISOString()}`);
  if (d) throw new ConflictError(`delivery ${id} is in flight; try again when it has finished`);
  throw new NotFoundError(`no delivery ${id}`);
}
