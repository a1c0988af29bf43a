// The use cases behind the HTTP routes that take events in: a signed webhook call from Centra, and
// a complete event posted directly. Each returns a plain result or throws a typed error
// (config/errors.ts); the server maps both to HTTP in one place.
import type { CentraEvent } from '../centra/event-schema.ts';
import { parseEvent } from '../centra/parse-event.ts';
import { parseWebhookBody, verifySignature, type IgnoredWebhookEvent, type WebhookEvent } from '../centra/webhook.ts';
import { InputError, RequestError, UnauthorizedError, UnavailableError } from '../config/errors.ts';
import type { InboxStore } from '../storage/inbox.ts';
import { eventKeyOf } from './event-key.ts';
import { invalidEventCall, type Ingest } from './ingest.ts';
import type { Processor } from './processor.ts';

type LogFn = (obj: object, msg?: string) => void;

export interface WebhookCall {
  raw: Buffer;
  signature: string | undefined;
  contentType: string | undefined;
  ip?: string;
}

export interface ReceiveWebhookDeps {
  ingest: Pick<Ingest, 'storeCall'>;
  secrets: string[];
  toleranceSec: number;
  maxEvents: number;
  now: () => number;
  log: { warn: LogFn; info: LogFn; error: LogFn };
  /** Told of every event received, known or not (metrics). */
  onReceived?: (events: readonly WebhookEvent[], ignored: readonly IgnoredWebhookEvent[]) => void;
  /** Told of every call refused, and of the invalid events of an accepted one (metrics). */
  onRejected?: (reason: WebhookRejection, count: number) => void;
}

/** Why a webhook call (or, for invalid_event, one event of it) was not taken. */
export type WebhookRejection = 'bad_signature' | 'bad_content_type' | 'bad_body' | 'invalid_event';

export interface WebhookReceipt {
  received: number;
  accepted: number;
  ignored: number;
  /** Events that failed validation: recorded as failed inbox rows, not processed (docs/centra.md §1). */
  invalid: number;
  problems?: string[];
}

/** How many invalid events' reasons a receipt and its log line carry. */
const MAX_PROBLEMS_SHOWN = 10;

/** Verifies, parses and durably stores one webhook call; acknowledged (returned) only once stored. */
export async function receiveWebhookCall(deps: ReceiveWebhookDeps, call: WebhookCall): Promise<WebhookReceipt> {
  const { log } = deps;
  const verified = verifySignature(call.raw, call.signature, deps.secrets, deps.now(), deps.toleranceSec);
  if (!verified.ok) {
    log.warn({ reason: verified.reason, ip: call.ip, bytes: call.raw.length }, 'webhook rejected: signature');
    deps.onRejected?.('bad_signature', 1);
    throw new UnauthorizedError(verified.reason);
  }
  if (!/^application\/x-www-form-urlencoded\b/i.test(call.contentType ?? '')) {
    log.warn({ contentType: call.contentType ?? null }, 'webhook rejected: not a form body');
    deps.onRejected?.('bad_content_type', 1);
    throw new RequestError('Centra sends application/x-www-form-urlencoded payload=<json>', []);
  }
  const parsed = parseWebhookBody(call.raw, deps.maxEvents);
  if (!parsed.ok) {
    log.warn({ reason: parsed.reason, bytes: call.raw.length }, 'webhook rejected: body');
    deps.onRejected?.('bad_body', 1);
    throw new RequestError(parsed.reason, []);
  }
  for (const ig of parsed.ignored) {
    log.info({ type: String(ig.type).slice(0, 64), action: ig.action?.slice(0, 64), index: ig.index }, 'webhook event of an unknown type ignored');
  }
  const problems = parsed.invalid.slice(0, MAX_PROBLEMS_SHOWN).map((e) => e.reason);
  if (parsed.invalid.length) {
    log.warn({ invalid: parsed.invalid.length, valid: parsed.events.length, problems }, 'webhook events invalid: recorded as failed, the valid ones accepted');
    deps.onRejected?.('invalid_event', parsed.invalid.length);
  }
  deps.onReceived?.(parsed.events, parsed.ignored);
  try {
    // Durable before the 2xx: the call is stored as one record (its invalid events as failed rows, in the same
    // transaction); events seen before are dropped when it is expanded.
    const receivedAt = deps.now();
    await deps.ingest.storeCall([
      { source: 'webhook', receivedAt, payload: parsed.payload, count: parsed.events.length },
      ...parsed.invalid.map((e) => invalidEventCall('webhook', receivedAt, e)),
    ]);
  } catch (err) {
    log.error({ err: (err as Error).message }, 'webhook events could not be stored');
    throw new UnavailableError('events could not be stored; retry');
  }
  // The event keys tie this call to the "event processed" lines that follow.
  log.info({ events: parsed.events.map((e) => `${e.type}:${e.id}:${e.action}:${e.date}`), ignored: parsed.ignored.length }, 'webhook stored');
  const received = parsed.events.length + parsed.invalid.length;
  return { received, accepted: parsed.events.length, ignored: parsed.ignored.length, invalid: parsed.invalid.length, ...(problems.length ? { problems } : {}) };
}

export interface ReceiveEventDeps {
  ingest: Pick<Ingest, 'store'>;
  inbox: Pick<InboxStore, 'get'>;
  processor: Pick<Processor, 'processNow'>;
  now: () => number;
  onReceived?: (event: CentraEvent) => void;
}

export interface EventReceipt {
  eventKey: string;
  /** Seen before: nothing new was stored. */
  duplicate: boolean;
  status: string;
  deliveries: unknown[];
  error?: string;
}

/**
 * A complete event (object included): stored, then planned at once without a fetch. Throws
 * RequestError for a body that is not an event, InputError when the event failed (e.g. an unknown store).
 */
export async function receiveDirectEvent(deps: ReceiveEventDeps, body: unknown): Promise<EventReceipt> {
  const event = parseEvent(body, 'the request body');
  const key = eventKeyOf(event);
  deps.onReceived?.(event);
  const t = deps.now();
  // Due later than now: this request processes it itself; the processor only picks it up if this one dies first.
  const [inserted] = await deps.ingest.store([{ key, source: 'direct', type: event.type, action: event.action, objectId: String(event.id), date: event.date, event, receivedAt: t, nextAttemptAt: t + 30_000 }]);
  const outcome = await deps.processor.processNow(key);
  if (outcome?.status === 'failed') throw new InputError(`event ${key} failed`, [outcome.error]);
  const row = await deps.inbox.get(key);
  const result = (row?.result ?? null) as { deliveries?: unknown[] } | null;
  return { eventKey: key, duplicate: !inserted, status: row?.status ?? 'pending', deliveries: result?.deliveries ?? [], ...(row?.lastError ? { error: row.lastError } : {}) };
}
