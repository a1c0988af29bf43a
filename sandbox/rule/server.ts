// Rule (rule.io) v2 emulator: POST /api/v2/subscribers (create/update subscribers, apply tags,
// fire tag automations). See docs/emulators.md for what is a guess.
import {
  EmulatorStateBase,
  header,
  isObject,
  parseJson,
  startEmulator,
  type EmulatorHandle,
  type EmulatorRequest,
  type EmulatorResponse,
} from '../common/server.ts';
import { SlidingWindowLimiter, formatStockholmLocal } from '../common/rate-limit.ts';

export type RetryAfterFormat = 'seconds' | 'stockholm';

export interface RuleEmulatorOptions {
  /** API keys accepted (default `['rule-test-key']`). */
  apiKeys?: string[];
  /** Requests per second per key (default 50; Rule publishes no number). */
  requestsPerSecond?: number;
  /** How 429's Retry-After is written (default `stockholm`, as observed live by Rule's own SDK). */
  retryAfterFormat?: RetryAfterFormat;
  port?: number;
}

export interface RuleSubscriberRecord {
  receivedAt: string;
  email?: string;
  phone_number?: string;
  language?: string;
  fields: Array<{ key: string; value: unknown; type: string }>;
  tags: string[];
  automationFired: boolean;
  automation: false | 'reset' | 'force';
}

/** Rule: "65 KiB per custom-field group for combined field-value data" (rule-io-sdk, bulk-create-subscribers.md). */
export const RULE_GROUP_LIMIT_BYTES = 65 * 1024;

/** A group's combined value data: the UTF-8 bytes of each value's text (how Rule counts is a guess, docs/emulators.md). */
function groupSizes(fields: unknown[]): Map<string, number> {
  const sizes = new Map<string, number>();
  for (const f of fields) {
    if (!isObject(f) || typeof f.key !== 'string') continue;
    const v = f.value;
    const text = typeof v === 'string' ? v : typeof v === 'number' ? String(v) : v === null || v === undefined ? '' : JSON.stringify(v);
    const group = f.key.split('.')[0]!;
    sizes.set(group, (sizes.get(group) ?? 0) + Buffer.byteLength(text, 'utf8'));
  }
  return sizes;
}

const FIELD_TYPES = new Set(['text', 'date', 'datetime', 'time', 'multiple', 'json']);
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/;
const TIME = /^\d{2}:\d{2}:\d{2}$/;

export class RuleState extends EmulatorStateBase {
  /** One entry per accepted subscriber per request (a re-send is a second entry). */
  subscribers: RuleSubscriberRecord[] = [];
  /** Current subscriber base, by lower-cased email or phone. */
  base = new Map<string, { email?: string; phone_number?: string; tags: Set<string>; fields: Record<string, unknown> }>();
  tags = new Map<string, number>();
  automationsFired = 0;
  apiKeys: Set<string>;
  limiter: SlidingWindowLimiter;
  retryAfterFormat: RetryAfterFormat;

  constructor(opts: RuleEmulatorOptions) {
    super();
    this.apiKeys = new Set(opts.apiKeys ?? ['rule-test-key']);
    this.limiter = new SlidingWindowLimiter(opts.requestsPerSecond ?? 50, 1000);
    this.retryAfterFormat = opts.retryAfterFormat ?? 'stockholm';
  }

  protected resetRecords(): void {
    this.subscribers = [];
    this.base.clear();
    this.tags.clear();
    this.automationsFired = 0;
    this.limiter.clear();
  }

  override summary(): Record<string, unknown> {
    return { counters: this.counters, subscribers: this.subscribers.length };
  }

  records(): Record<string, unknown> {
    return {
      subscribers: this.subscribers,
      tags: Object.fromEntries(this.tags),
      automationsFired: this.automationsFired,
      counters: this.counters,
    };
  }

  setLimits(l: Record<string, unknown>): Record<string, unknown> {
    if (typeof l.requestsPerSecond === 'number' && l.requestsPerSecond > 0) this.limiter.limit = l.requestsPerSecond;
    if (l.retryAfterFormat === 'seconds' || l.retryAfterFormat === 'stockholm') this.retryAfterFormat = l.retryAfterFormat;
    this.limiter.clear();
    return { requestsPerSecond: this.limiter.limit, retryAfterFormat: this.retryAfterFormat };
  }

  tagId(name: string): number {
    let id = this.tags.get(name);
    if (id === undefined) {
      id = 1000 + this.tags.size;
      this.tags.set(name, id);
    }
    return id;
  }
}

function fail(status: number, error: string, message: string, fields?: Record<string, string>): EmulatorResponse {
  return { status, body: fields ? { error, message, fields } : { error, message } };
}

/** A 429 in Rule's shape: Retry-After either in seconds or as Stockholm wall-clock time, plus Date. */
export function ruleTooManyRequests(format: RetryAfterFormat, waitMs: number, now: number, override?: string): EmulatorResponse {
  const seconds = Math.max(1, Math.ceil(waitMs / 1000));
  // Date has whole seconds; the wall-clock form is relative to it.
  const nowSec = Math.floor(now / 1000) * 1000;
  const retryAfter = override ?? (format === 'seconds' ? String(seconds) : formatStockholmLocal(nowSec + seconds * 1000));
  return {
    status: 429,
    headers: { 'retry-after': retryAfter, date: new Date(nowSec).toUTCString() },
    body: { error: 'TooManyRequests', message: 'Rate limit exceeded.' },
  };
}

function fieldProblem(f: unknown): string | undefined {
  if (!isObject(f)) return 'field must be an object {key, value, type?}';
  if (typeof f.key !== 'string' || !/^[^.\s]+\.[^.\s]+$/.test(f.key)) return 'key must be Group.Field';
  const type = f.type === undefined ? 'text' : f.type;
  if (typeof type !== 'string' || !FIELD_TYPES.has(type)) return `type must be one of ${[...FIELD_TYPES].join(', ')}`;
  if (!('value' in f) || f.value === null || f.value === undefined) return 'value is required';
  const v = f.value;
  switch (type) {
    case 'text':
      return typeof v === 'string' || typeof v === 'number' ? undefined : 'text value must be a string or a number';
    case 'date':
      return typeof v === 'string' && DATE.test(v) ? undefined : 'date value must be YYYY-MM-DD';
    case 'datetime':
      return typeof v === 'string' && DATETIME.test(v) ? undefined : 'datetime value must be YYYY-MM-DD HH:MM:SS';
    case 'time':
      return typeof v === 'string' && TIME.test(v) ? undefined : 'time value must be HH:MM:SS';
    case 'multiple':
      // Centra's own plugin sends numbers and null inside multiple values (seed 002: "Order.PaymentMethod": [null]),
      // so Rule accepts them; anything nested is refused.
      return Array.isArray(v) && v.every((x) => x === null || typeof x === 'string' || typeof x === 'number') ? undefined : 'multiple value must be an array of strings (numbers and null are taken too)';
    case 'json':
      if (typeof v !== 'string') return 'json value must be a JSON-encoded string';
      try {
        JSON.parse(v);
        return undefined;
      } catch {
        return 'json value does not parse';
      }
  }
  return undefined;
}

export function handleRule(state: RuleState, req: EmulatorRequest): EmulatorResponse {
  const path = req.url.pathname.replace(/\/+$/, '');
  if (path !== '/api/v2/subscribers') return fail(404, 'NotFound', `No route for ${req.url.pathname}`);
  if (req.method !== 'POST') return fail(405, 'MethodNotAllowed', `Method ${req.method} not allowed`);
  const parsed = parseJson(req.rawBody);
  const body = parsed.ok && isObject(parsed.value) ? parsed.value : undefined;
  // Precedence when several are given (a guess): header, then body, then query.
  const bearer = /^Bearer (.+)$/.exec(header(req, 'authorization') ?? '')?.[1]?.trim();
  const key = bearer ?? (typeof body?.apikey === 'string' ? body.apikey : undefined) ?? req.url.searchParams.get('apikey') ?? undefined;
  if (!key || !state.apiKeys.has(key)) return { status: 401, body: { error: 'NotAuthorized' } };
  const now = Date.now();
  const rl = state.limiter.tryAcquire(key, now);
  if (!rl.ok) return ruleTooManyRequests(state.retryAfterFormat, rl.retryAfterMs, now);
  if (!body) return fail(400, 'InvalidRequest', 'The request body must be a JSON object.');
  const subs = body.subscribers;
  if (subs === undefined || subs === null) return fail(400, 'InvalidRequest', 'subscribers is required.', { subscribers: 'required' });
  const isArray = Array.isArray(subs);
  const list: unknown[] = isArray ? subs : [subs];
  if (isArray && list.length > 1000) return fail(413, 'TooManySubscribers', 'At most 1000 subscribers per request.');
  if (list.length === 0) return fail(400, 'InvalidRequest', 'subscribers is empty.', { subscribers: 'empty' });
  const problems: Record<string, string> = {};
  list.forEach((s, i) => {
    const at = isArray ? `subscribers.${i}` : 'subscribers';
    if (!isObject(s)) {
      problems[at] = 'subscriber must be an object';
      return;
    }
    const hasEmail = typeof s.email === 'string' && s.email.includes('@');
    const hasPhone = typeof s.phone_number === 'string' && s.phone_number.length > 0;
    if (!hasEmail && !hasPhone) problems[`${at}.email`] = 'email or phone_number is required';
    if (s.fields !== undefined) {
      if (!Array.isArray(s.fields)) problems[`${at}.fields`] = 'fields must be an array';
      else {
        s.fields.forEach((f, j) => {
          const p = fieldProblem(f);
          if (p) problems[`${at}.fields.${j}`] = p;
        });
        for (const [group, bytes] of groupSizes(s.fields)) {
          if (bytes >= RULE_GROUP_LIMIT_BYTES) problems[`${at}.fields`] = `field group ${group} holds ${bytes} bytes; a group must stay under 65 KiB`;
        }
      }
    }
  });
  const tags = body.tags ?? [];
  if (!Array.isArray(tags) || !tags.every((t) => typeof t === 'string' || typeof t === 'number')) {
    problems.tags = 'tags must be an array of names or ids';
  }
  if (Object.keys(problems).length > 0) return fail(400, 'InvalidFields', 'One or more subscribers or fields are invalid.', problems);
  // Digit-only strings and numbers are ids: they must exist. Names are created.
  const tagNames: string[] = [];
  for (const t of tags as Array<string | number>) {
    if (typeof t === 'number' || /^\d+$/.test(t)) {
      const name = [...state.tags].find(([, id]) => id === Number(t))?.[0];
      if (name === undefined) return fail(404, 'TagNotFound', `Tag ${t} does not exist.`);
      tagNames.push(name);
    } else tagNames.push(t);
  }
  const keyOf = (s: Record<string, unknown>) => String(s.email ?? s.phone_number).toLowerCase();
  if (body.update_on_duplicate !== true) {
    const dup = (list as Record<string, unknown>[]).find((s) => state.base.has(keyOf(s)));
    if (dup) return fail(409, 'SubscriberExists', 'Subscriber already exists and update_on_duplicate is not set.');
  }
  const automation = body.automation === 'reset' || body.automation === 'force' ? body.automation : false;
  // Automations: sync_subscribers true → first 100; omitted → only when fewer than 20; false → none.
  const sync = body.sync_subscribers;
  const fireCount = sync === true ? 100 : sync === false ? 0 : list.length < 20 ? list.length : 0;
  const receivedAt = new Date(now).toISOString();
  (list as Record<string, unknown>[]).forEach((s, i) => {
    const k = keyOf(s);
    const existing = state.base.get(k) ?? { email: s.email as string | undefined, phone_number: s.phone_number as string | undefined, tags: new Set<string>(), fields: {} };
    const fields = ((s.fields as Array<Record<string, unknown>> | undefined) ?? []).map((f) => ({ key: f.key as string, value: f.value, type: (f.type as string | undefined) ?? 'text' }));
    for (const f of fields) existing.fields[f.key] = f.value;
    for (const t of tagNames) {
      state.tagId(t);
      existing.tags.add(t);
    }
    state.base.set(k, existing);
    const fired = i < fireCount && tagNames.length > 0;
    if (fired) state.automationsFired++;
    state.subscribers.push({
      receivedAt,
      email: s.email as string | undefined,
      phone_number: s.phone_number as string | undefined,
      language: (s.language as string | undefined) ?? (body.language as string | undefined),
      fields,
      tags: tagNames,
      automationFired: fired,
      automation,
    });
  });
  return { status: 200, body: isArray ? { success: true, message: 'Success' } : { message: 'Success' } };
}

export async function startRuleEmulator(opts: RuleEmulatorOptions = {}): Promise<EmulatorHandle<RuleState>> {
  const state = new RuleState(opts);
  return startEmulator({
    state,
    port: opts.port,
    handle: (req) => handleRule(state, req),
    faultResponse: (spec) => {
      if (spec.mode === '429') return ruleTooManyRequests(state.retryAfterFormat, 1000, Date.now(), spec.retryAfter);
      const r: EmulatorResponse = {
        status: spec.status ?? 503,
        body: { error: 'UnexpectedError', message: 'An unexpected error occurred. Contact support if the error persists.' },
      };
      if (spec.retryAfter) r.headers = { 'retry-after': spec.retryAfter };
      return r;
    },
  });
}
