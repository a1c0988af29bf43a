// Centra's webhook plugin (Integration API mode): signature check and body parsing.
// The signature covers the raw form-encoded body (`payload=%7B…`), never the decoded JSON.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { MAX_JSON_DEPTH, jsonDeeperThan } from '../domain/json-depth.ts';
import { centraIdSchema, NO_CONTROL } from './event-schema.ts';

export type VerifyResult = { ok: true } | { ok: false; reason: string };

/** Types the bridge knows how to fetch; anything else is returned as `ignored`. */
export const WEBHOOK_TYPES = ['order', 'shipment', 'return', 'customer', 'account', 'buyer', 'invoice'] as const;
export type WebhookType = (typeof WEBHOOK_TYPES)[number];

export interface WebhookEvent {
  type: WebhookType;
  action: string;
  /** Order: the order number; everything else: the object id. */
  id: number;
  /** `YYYY-MM-DD HH:MM:SS[.ffffff]` as Centra sends it. */
  date: string;
}

/** An event whose `type` the bridge does not handle (acknowledged, not processed). */
export interface IgnoredWebhookEvent {
  index: number;
  type: string;
  action?: string;
  id?: unknown;
}

/** An event of a known shape that fails validation: kept (as raw text) and reported, never dropped silently. */
export interface InvalidWebhookEvent {
  index: number;
  /** What is wrong, e.g. `events[3].id: a number`. */
  reason: string;
  /** The event as JSON text (control characters escaped), at most MAX_RAW_EVENT_CHARS. */
  raw: string;
}

/** How much of an invalid event's text is kept. */
export const MAX_RAW_EVENT_CHARS = 2000;

export type ParseWebhookResult =
  | {
      ok: true;
      events: WebhookEvent[];
      ignored: IgnoredWebhookEvent[];
      /** Events that fail validation; the valid ones of the same call are accepted all the same. */
      invalid: InvalidWebhookEvent[];
      /** The payload's JSON text, as received. */
      payload: string;
    }
  | { ok: false; status: 400; reason: string };

export const DEFAULT_MAX_WEBHOOK_EVENTS = 100;

/** Signs a body as Centra does: `t=<unix s>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`. */
export function signWebhook(body: string | Buffer, secret: string, t: number = Math.floor(Date.now() / 1000)): string {
  return `t=${t},v1=${hmacHex(secret, t, body)}`;
}

function hmacHex(secret: string, t: number | string, body: string | Buffer): string {
  const h = createHmac('sha256', secret);
  h.update(`${t}.`);
  h.update(body);
  return h.digest('hex');
}

/** Parses `t=…,v1=…` (split on `,`, then on the first `=`); several v1 values are allowed. */
export function parseSignatureHeader(header: string): { t: string | undefined; v1: string[] } {
  let t: string | undefined;
  const v1: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const k = part.slice(0, eq).trim();
    const v = part.slice(eq + 1).trim();
    if (k === 't') t = v;
    else if (k === 'v1') v1.push(v);
  }
  return { t, v1 };
}

/**
 * Verifies `X-Centra-Signature` over the raw body. Any of `secrets` may match (rotation);
 * `|now − t| > toleranceSec` is rejected as stale (replay protection).
 */
export function verifySignature(
  rawBody: string | Buffer,
  header: string | undefined,
  secrets: string[],
  nowMs: number,
  toleranceSec = 300,
): VerifyResult {
  if (!secrets.length) return { ok: false, reason: 'no webhook secret configured' };
  if (!header) return { ok: false, reason: 'missing X-Centra-Signature header' };
  const { t, v1 } = parseSignatureHeader(header);
  if (!t || !/^\d+$/.test(t)) return { ok: false, reason: 'signature header has no valid t=' };
  if (!v1.length) return { ok: false, reason: 'signature header has no v1=' };
  const age = Math.abs(nowMs / 1000 - Number(t));
  if (age > toleranceSec) return { ok: false, reason: `signature timestamp is stale (${Math.round(age)} s from now, tolerance ${toleranceSec} s)` };
  const given = v1.filter((s) => /^[0-9a-fA-F]{64}$/.test(s)).map((s) => Buffer.from(s.toLowerCase(), 'hex'));
  if (!given.length) return { ok: false, reason: 'v1 is not a hex SHA-256 digest' };
  let match = false;
  for (const secret of secrets) {
    const expected = Buffer.from(hmacHex(secret, t, rawBody), 'hex');
    // Every comparison runs, so timing does not tell which secret or which v1 matched.
    for (const g of given) if (g.length === expected.length && timingSafeEqual(g, expected)) match = true;
  }
  return match ? { ok: true } : { ok: false, reason: 'signature does not match' };
}

// Control characters are refused: Centra never sends them, and PostgreSQL cannot store a NUL in text.
const eventSchema = z.object({
  type: z.enum(WEBHOOK_TYPES),
  action: z.string().min(1).max(64).regex(NO_CONTROL, 'no control characters'),
  id: centraIdSchema,
  date: z
    .string()
    .max(64)
    .regex(/^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}/, 'a date such as 2021-01-29 14:40:58.628033')
    .regex(NO_CONTROL, 'no control characters'),
});
const looseEventSchema = z.object({ type: z.string().min(1) }).passthrough();

/**
 * Parses Centra's form-encoded body: exactly one `payload` field holding
 * `{"events":[{type, action, date, id}, …]}`. Unknown types are returned in `ignored`, events that
 * fail validation in `invalid`; only a call that is not such a payload at all is refused (`ok: false`).
 */
export function parseWebhookBody(raw: string | Buffer, maxEvents = DEFAULT_MAX_WEBHOOK_EVENTS): ParseWebhookResult {
  const text = typeof raw === 'string' ? raw : raw.toString('utf8');
  if (!text.trim()) return bad('empty body');
  if (/^\s*[{[]/.test(text)) return bad('body is JSON; Centra sends application/x-www-form-urlencoded payload=<json>');
  const payloads = new URLSearchParams(text).getAll('payload');
  if (payloads.length === 0) return bad('form body has no payload field');
  if (payloads.length > 1) return bad('form body has more than one payload field');
  return parseWebhookPayload(payloads[0], maxEvents);
}

/** Parses the `payload` field's JSON text (what a stored call keeps; see src/ingest/ingest.ts). */
export function parseWebhookPayload(payload: string, maxEvents = DEFAULT_MAX_WEBHOOK_EVENTS): ParseWebhookResult {
  if (jsonDeeperThan(payload)) return bad(`payload nests deeper than ${MAX_JSON_DEPTH} levels`);
  let json: unknown;
  try {
    json = JSON.parse(payload);
  } catch {
    return bad('payload is not JSON');
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return bad('payload is not a JSON object');
  const events = (json as { events?: unknown }).events;
  if (events === undefined) {
    if ('products' in json || 'categories' in json) return bad('payload is a Checkout/Storefront cache-invalidation webhook, not Integration API mode');
    return bad('payload has no events array');
  }
  if (!Array.isArray(events)) return bad('payload.events is not an array');
  if (events.length === 0) return bad('payload.events is empty');
  if (events.length > maxEvents) return bad(`payload.events has ${events.length} events; at most ${maxEvents} are accepted`);
  const out: WebhookEvent[] = [];
  const ignored: IgnoredWebhookEvent[] = [];
  const invalid: InvalidWebhookEvent[] = [];
  const rawOf = (e: unknown): string => (JSON.stringify(e) ?? String(e)).slice(0, MAX_RAW_EVENT_CHARS);
  for (let i = 0; i < events.length; i++) {
    const loose = looseEventSchema.safeParse(events[i]);
    if (!loose.success) {
      invalid.push({ index: i, reason: `events[${i}] has no type`, raw: rawOf(events[i]) });
      continue;
    }
    if (!(WEBHOOK_TYPES as readonly string[]).includes(loose.data.type)) {
      const e = loose.data as Record<string, unknown>;
      ignored.push({ index: i, type: loose.data.type, action: typeof e.action === 'string' ? e.action : undefined, id: e.id });
      continue;
    }
    const parsed = eventSchema.safeParse(events[i]);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      invalid.push({ index: i, reason: `events[${i}].${issue?.path.join('.') || '?'}: ${issue?.message ?? 'invalid'}`, raw: rawOf(events[i]) });
      continue;
    }
    out.push(parsed.data);
  }
  return { ok: true, events: out, ignored, invalid, payload };
}

function bad(reason: string): ParseWebhookResult {
  return { ok: false, status: 400, reason };
}

/** The form body Centra sends for these events. */
export function encodeWebhookBody(events: readonly { type: string; action: string; id: number | string; date: string }[]): string {
  const payload = JSON.stringify({ events: events.map((e) => ({ type: e.type, action: e.action, date: e.date, id: e.id })) });
  return new URLSearchParams({ payload }).toString();
}
