// Pull mode: Centra's events queue instead of webhooks. setEventListeners once, then poll
// `events` (oldest first), hand the events on, and confirm only the ones that were handled;
// the rest stay queued and come back on the next poll.
import type { GraphqlExecutor } from './graphql-client.ts';
import { CONFIRM_EVENTS, EVENTS_QUERY, SET_EVENT_LISTENERS } from './queries.ts';
import type { WebhookType } from './webhook.ts';

/** Centra EventObjectType → the bridge's (webhook-style) type. */
export const OBJECT_TYPE_TO_TYPE: Record<string, WebhookType> = {
  Order: 'order',
  Shipment: 'shipment',
  Return: 'return',
  Customer: 'customer',
  Buyer: 'buyer',
  Account: 'account',
  Invoice: 'invoice',
};
export const TYPE_TO_OBJECT_TYPE: Record<WebhookType, string> = Object.fromEntries(Object.entries(OBJECT_TYPE_TO_TYPE).map(([k, v]) => [v, k])) as Record<WebhookType, string>;

/** Centra EventChangeType → webhook-style action. */
export const CHANGE_TYPE_TO_ACTION: Record<string, string> = {
  CREATED: 'create',
  UPDATED: 'update',
  COMPLETED: 'complete',
  DELETED: 'delete',
  // A related entity changed (e.g. an order's shipment): re-fetching the object is all that is needed.
  DEPENDENT_DATA_CHANGED: 'update',
};

export interface PolledEvent {
  /** The queue's event id: what `onEvents` returns to have it confirmed. */
  eventId: number;
  type: WebhookType;
  action: string;
  /** objectReference: the order number for orders, the object id otherwise. */
  id: number;
  /** `YYYY-MM-DD HH:MM:SS.ffffff` UTC, like a webhook's date. */
  date: string;
  objectType: string;
  changeType: string;
  storeId: number | null;
}

export interface EventsPollerOptions {
  execute: GraphqlExecutor;
  intervalMs?: number;
  /** Types to listen to (default: order, shipment, return, customer, buyer, invoice). */
  types?: WebhookType[];
  /** Optional change types per listener (omitted = all). */
  changeTypes?: string[];
  limit?: number;
  /** Handles a batch; returns the eventIds that were handled (only those are confirmed). */
  onEvents: (events: PolledEvent[]) => Promise<Iterable<number>>;
  onError?: (err: unknown) => void;
  /** After each poll Centra answered, events or none (readiness: Centra reachable). */
  onPolled?: (result: PollResult) => void;
}

export interface PollResult {
  received: number;
  confirmed: number;
}

export interface EventsPoller {
  /** Sets the listeners (first time only) and polls once. */
  pollOnce(): Promise<PollResult>;
  /** Polls now and then every intervalMs until stop(). */
  start(): void;
  stop(): Promise<void>;
  readonly running: boolean;
}

/** `2024-07-09T11:44:12+02:00` → `2024-07-09 09:44:12.000000` (UTC). */
export function toCentraDate(dateTime: string): string {
  const ms = Date.parse(dateTime);
  if (Number.isNaN(ms)) return dateTime;
  const d = new Date(ms).toISOString();
  return `${d.slice(0, 10)} ${d.slice(11, 19)}.${d.slice(20, 23)}000`;
}

export function createEventsPoller(opts: EventsPollerOptions): EventsPoller {
  const intervalMs = opts.intervalMs ?? 60_000;
  const limit = opts.limit ?? 200;
  const types = opts.types ?? ['order', 'shipment', 'return', 'customer', 'buyer', 'invoice'];
  let listenersSet = false;
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let inFlight: Promise<unknown> | undefined;

  async function ensureListeners(): Promise<void> {
    if (listenersSet) return;
    const input = types.map((t) => ({ objectType: TYPE_TO_OBJECT_TYPE[t], ...(opts.changeTypes ? { changeTypes: opts.changeTypes } : {}) }));
    const data = await opts.execute<{ setEventListeners: { userErrors: { message: string }[] } }>(SET_EVENT_LISTENERS, { input });
    const errs = data.setEventListeners?.userErrors ?? [];
    if (errs.length) throw new Error(`setEventListeners failed: ${errs.map((e) => e.message).join('; ')}`);
    listenersSet = true;
  }

  async function pollOnce(): Promise<PollResult> {
    await ensureListeners();
    const data = await opts.execute<{ events: any[] }>(EVENTS_QUERY, { limit });
    const raw = data.events ?? [];
    const events: PolledEvent[] = [];
    // Events the bridge cannot map are confirmed at once: unconfirmed events block the queue.
    const skip: number[] = [];
    for (const e of raw) {
      const type = OBJECT_TYPE_TO_TYPE[e.objectType];
      const action = CHANGE_TYPE_TO_ACTION[e.changeType];
      if (!type || !action) {
        skip.push(e.id);
        continue;
      }
      events.push({
        eventId: e.id,
        type,
        action,
        id: Number(e.objectReference),
        date: toCentraDate(e.createdAt),
        objectType: e.objectType,
        changeType: e.changeType,
        storeId: e.store?.id ?? null,
      });
    }
    const handled = events.length ? new Set(await opts.onEvents(events)) : new Set<number>();
    const known = new Set(events.map((e) => e.eventId));
    const ids = [...skip, ...[...handled].filter((id) => known.has(id))];
    if (ids.length) await opts.execute(CONFIRM_EVENTS, { ids });
    return { received: raw.length, confirmed: ids.length };
  }

  function schedule(delay: number): void {
    if (!running) return;
    timer = setTimeout(() => {
      inFlight = pollOnce()
        .then((r) => opts.onPolled?.(r))
        .catch((err) => opts.onError?.(err))
        .finally(() => {
          inFlight = undefined;
          schedule(intervalMs);
        });
    }, delay);
  }

  return {
    pollOnce,
    start() {
      if (running) return;
      running = true;
      schedule(0);
    },
    async stop() {
      running = false;
      if (timer) clearTimeout(timer);
      timer = undefined;
      if (inFlight) await inFlight;
    },
    get running() {
      return running;
    },
  };
}
