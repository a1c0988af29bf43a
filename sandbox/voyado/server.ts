// Voyado Engage emulator: contacts, orders v2, custom triggers, receipts v3, promotions.
// Error bodies and several statuses are guesses: see docs/emulators.md.
import { randomUUID } from 'node:crypto';
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
import { SlidingWindowLimiter } from '../common/rate-limit.ts';

export interface VoyadoEmulatorOptions {
  /** API keys accepted in the `apikey` header (default `['voyado-test-key']`). */
  apiKeys?: string[];
  /** Requests per second per key above which 429 is answered (default 200). */
  requestsPerSecond?: number;
  /** Contact type handles that exist (default Member, Contact, TransactionalContact). */
  contactTypes?: string[];
  /** Answer 400 when User-Agent is missing (default true; real behaviour unknown). */
  requireUserAgent?: boolean;
  port?: number;
}

export interface VoyadoContact {
  id: string;
  contactType: string;
  attributes: Record<string, unknown>;
  source?: string;
  storeExternalId?: string;
  createdOn: string;
}

export interface VoyadoPromotion {
  id: string;
  contactId: string;
  promotionId: string;
  externalId: string | null;
  type: string;
  name: string;
  heading?: string;
  description?: string;
  expiresOn: string | null;
  redeemed: boolean;
  redeemedOn: string | null;
  redemptionChannels: Array<{ type: string; valueType: string; value: unknown; localValues?: unknown[]; instruction?: string }>;
}

export interface VoyadoCall {
  receivedAt: string;
  body: unknown;
}

const CHANNELS = new Set(['ECOM', 'POS', 'OTHER']);

/** One request and its answer, as the emulator saw them (tests check them against Voyado's Swagger). */
export interface VoyadoExchange {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  status: number;
  response: unknown;
}

export class VoyadoState extends EmulatorStateBase {
  contacts = new Map<string, VoyadoContact>();
  /** Contacts created over the API (not the seeded ones), in order. */
  createdContacts: VoyadoContact[] = [];
  orders: VoyadoCall[] = [];
  triggers: Array<VoyadoCall & { triggerId: string; contactId: string }> = [];
  receipts: VoyadoCall[] = [];
  /** Partial updates of contacts (POST /api/v2/contacts/{id}), in order. */
  contactUpdates: Array<VoyadoCall & { contactId: string }> = [];
  private receiptIds = new Set<string>();
  promotions = new Map<string, VoyadoPromotion>();
  redemptions: Array<{ receivedAt: string; id: string; contactId: string; channel: string }> = [];
  /** Every request with its answer, in order. */
  exchanges: VoyadoExchange[] = [];
  apiKeys: Set<string>;
  limiter: SlidingWindowLimiter;
  contactTypes: Set<string>;
  requireUserAgent: boolean;
  missingUserAgent = 0;

  constructor(opts: VoyadoEmulatorOptions) {
    super();
    this.apiKeys = new Set(opts.apiKeys ?? ['voyado-test-key']);
    this.limiter = new SlidingWindowLimiter(opts.requestsPerSecond ?? 200, 1000);
    this.contactTypes = new Set(opts.contactTypes ?? ['Member', 'Contact', 'TransactionalContact']);
    this.requireUserAgent = opts.requireUserAgent ?? true;
  }

  protected resetRecords(): void {
    this.contacts.clear();
    this.createdContacts = [];
    this.orders = [];
    this.triggers = [];
    this.receipts = [];
    this.contactUpdates = [];
    this.receiptIds.clear();
    this.promotions.clear();
    this.redemptions = [];
    this.exchanges = [];
    this.missingUserAgent = 0;
    this.limiter.clear();
  }

  override summary(): Record<string, unknown> {
    return { counters: this.counters, orders: this.orders.length, triggers: this.triggers.length, receipts: this.receipts.length, redemptions: this.redemptions.length };
  }

  records(): Record<string, unknown> {
    return {
      contacts: [...this.contacts.values()],
      createdContacts: this.createdContacts,
      orders: this.orders,
      triggers: this.triggers,
      receipts: this.receipts,
      contactUpdates: this.contactUpdates,
      promotions: [...this.promotions.values()],
      redemptions: this.redemptions,
      missingUserAgent: this.missingUserAgent,
      counters: this.counters,
    };
  }

  setLimits(l: Record<string, unknown>): Record<string, unknown> {
    if (typeof l.requestsPerSecond === 'number' && l.requestsPerSecond > 0) this.limiter.limit = l.requestsPerSecond;
    this.limiter.clear();
    return { requestsPerSecond: this.limiter.limit };
  }

  /** Seeds a contact (control API / tests). */
  seedContact(input: { id?: string; email?: string; contactType?: string; attributes?: Record<string, unknown> }): VoyadoContact {
    const contact: VoyadoContact = {
      id: input.id ?? randomUUID(),
      contactType: input.contactType ?? 'Member',
      attributes: { ...(input.attributes ?? {}), ...(input.email !== undefined ? { email: input.email } : {}) },
      createdOn: new Date().toISOString(),
    };
    this.contacts.set(contact.id, contact);
    return contact;
  }

  /** Seeds a promotion assignment for a contact (control API / tests). */
  seedPromotion(input: Partial<VoyadoPromotion> & { contactId: string }): VoyadoPromotion {
    const promo: VoyadoPromotion = {
      id: input.id ?? randomUUID(),
      contactId: input.contactId,
      promotionId: input.promotionId ?? randomUUID(),
      externalId: input.externalId ?? null,
      type: input.type ?? 'Multichannel',
      name: input.name ?? 'Promotion',
      heading: input.heading,
      description: input.description,
      expiresOn: input.expiresOn ?? null,
      redeemed: input.redeemed ?? false,
      redeemedOn: input.redeemedOn ?? null,
      redemptionChannels: input.redemptionChannels ?? [{ type: 'ECOM', valueType: 'EXTERNALOFFER', value: 'PROMO' }],
    };
    this.promotions.set(promo.id, promo);
    return promo;
  }

  findByEmail(email: string, contactType?: string): VoyadoContact[] {
    const e = email.toLowerCase();
    return [...this.contacts.values()].filter(
      (c) => typeof c.attributes.email === 'string' && c.attributes.email.toLowerCase() === e && (!contactType || c.contactType.toLowerCase() === contactType.toLowerCase()),
    );
  }

  /** True the first time a uniqueReceiptId is seen. */
  rememberReceipt(id: string): boolean {
    if (this.receiptIds.has(id)) return false;
    this.receiptIds.add(id);
    return true;
  }
}

export function voyadoError(statusCode: number, errorCode: string, message: string, messageDetails: unknown = null): EmulatorResponse {
  return { status: statusCode, body: { statusCode, errorCode, message, messageDetails } };
}

/** A promotion as Engage lists it: the Swagger's ApiPromotionModel (its fields only; an unset one left out, never null). */
const promotionView = (p: VoyadoPromotion) => {
  const { contactId: _owner, ...model } = p;
  return Object.fromEntries(Object.entries(model).filter(([, v]) => v !== null && v !== undefined));
};

const contactView = (c: VoyadoContact) => ({
  id: c.id,
  attributes: c.attributes,
  meta: { contactType: c.contactType, source: c.source ?? null, storeExternalId: c.storeExternalId ?? null, createdOn: c.createdOn },
  preferences: {},
  consents: [],
});

const isNumberLike = (v: unknown) => (typeof v === 'number' && Number.isFinite(v)) || (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)));
const isText = (v: unknown) => typeof v === 'string' && v.length > 0;

/** Returns the first missing / malformed required field of an order v2, or undefined. */
export function orderProblem(o: Record<string, unknown>): string | undefined {
  const c = o.contact;
  if (!isObject(c) || !isText(c.matchKey) || !isText(c.matchKeyType)) return 'contact.matchKey and contact.matchKeyType are required';
  for (const k of ['orderNumber', 'orderStatus', 'paymentStatus', 'storeId', 'currency']) if (!isText(o[k])) return `${k} is required`;
  if (!isText(o.createdDate) || Number.isNaN(Date.parse(o.createdDate as string))) return 'createdDate must be an ISO 8601 date';
  if (!isNumberLike(o.totalGrossPrice)) return 'totalGrossPrice is required';
  if (!Array.isArray(o.items)) return 'items is required';
  for (const [i, it] of o.items.entries()) {
    if (!isObject(it)) return `items[${i}] must be an object`;
    if (!isText(it.type) || !['PURCHASE', 'RETURN'].includes((it.type as string).toUpperCase())) return `items[${i}].type must be PURCHASE or RETURN`;
    if (!isText(it.sku)) return `items[${i}].sku is required`;
    if (!isNumberLike(it.quantity)) return `items[${i}].quantity is required`;
    if (!isNumberLike(it.grossPaidPrice)) return `items[${i}].grossPaidPrice is required`;
    if (typeof it.description !== 'string') return `items[${i}].description is required`;
  }
  return undefined;
}

/** Returns the first missing / malformed required field of a receipt v3, or undefined. */
/** ReceiptContact.matchKeyType in the v2 Swagger (test/fixtures/voyado-swagger-receipt.json). */
const MATCH_KEY_TYPES = ['Email', 'SocialSecurityNumber', 'MobilePhone', 'CardId', 'ExternalId', 'MemberNumber', 'ContactId', 'MemberNumberWithCardNumberAsFallback'];

export function receiptProblem(r: Record<string, unknown>): string | undefined {
  const c = r.contact;
  if (!isObject(c) || !isText(c.matchKey) || !isText(c.matchKeyType)) return 'contact.matchKey and contact.matchKeyType are required';
  if (!MATCH_KEY_TYPES.includes(c.matchKeyType as string)) return `contact.matchKeyType must be one of ${MATCH_KEY_TYPES.join(', ')}`;
  for (const k of ['uniqueReceiptId', 'receiptNumber', 'storeExternalId', 'currency']) if (!isText(r[k]) && !(k === 'receiptNumber' && typeof r[k] === 'number')) return `${k} is required`;
  if (!isText(r.createdDate) || Number.isNaN(Date.parse(r.createdDate as string))) return 'createdDate must be an ISO 8601 date';
  if (typeof r.totalGrossPrice !== 'number') return 'totalGrossPrice must be a number';
  if (!Array.isArray(r.paymentMethods)) return 'paymentMethods is required';
  for (const [i, p] of r.paymentMethods.entries()) if (!isObject(p) || !isText(p.type) || typeof p.value !== 'number') return `paymentMethods[${i}] needs type and a number value`;
  if (!Array.isArray(r.items) || r.items.length === 0) return 'items is required';
  for (const [i, it] of r.items.entries()) {
    if (!isObject(it)) return `items[${i}] must be an object`;
    const type = isText(it.type) ? (it.type as string).toUpperCase() : '';
    if (!['PURCHASE', 'RETURN', 'ADJUSTMENT'].includes(type)) return `items[${i}].type must be PURCHASE, RETURN or ADJUSTMENT`;
    for (const k of ['sku', 'articleNumber', 'articleName']) if (!isText(it[k])) return `items[${i}].${k} is required`;
    if (!Number.isInteger(typeof it.quantity === 'string' ? Number(it.quantity) : it.quantity)) return `items[${i}].quantity must be an integer`;
    if (type === 'RETURN' && Number(it.quantity) >= 0) return `items[${i}].quantity must be negative for RETURN`;
    for (const k of ['grossPaidPrice', 'taxAmount', 'taxPercent']) if (typeof it[k] !== 'number') return `items[${i}].${k} must be a number`;
  }
  return undefined;
}

function resolveContact(state: VoyadoState, c: Record<string, unknown>): VoyadoContact | undefined {
  const type = String(c.matchKeyType).toLowerCase();
  const key = String(c.matchKey);
  if (type === 'contactid') return state.contacts.get(key);
  if (type === 'email') return state.findByEmail(key, typeof c.contactType === 'string' ? c.contactType : 'Member')[0];
  return [...state.contacts.values()].find((x) => Object.values(x.attributes).includes(key));
}

export function handleVoyado(state: VoyadoState, req: EmulatorRequest): EmulatorResponse {
  const key = header(req, 'apikey');
  if (!key || !state.apiKeys.has(key)) return voyadoError(401, 'Unauthorized', 'Authorization has been denied for this request.');
  if (!header(req, 'user-agent')) {
    state.missingUserAgent++;
    if (state.requireUserAgent) return voyadoError(400, 'MissingUserAgent', 'A User-Agent header is required.');
  }
  const now = Date.now();
  const rl = state.limiter.tryAcquire(key, now);
  if (!rl.ok) {
    const r = voyadoError(429, 'TooManyRequests', 'Too many requests.');
    r.headers = { 'retry-after': String(Math.max(1, Math.ceil(rl.retryAfterMs / 1000))) };
    return r;
  }
  let body: unknown;
  if (req.method === 'POST') {
    const ctype = (header(req, 'content-type') ?? '').split(';')[0].trim().toLowerCase();
    if (ctype !== 'application/json') return { status: 500, body: { message: 'An error has occurred.' } };
    if (req.rawBody.length > 0) {
      const parsed = parseJson(req.rawBody);
      if (!parsed.ok) return voyadoError(400, 'InvalidJson', 'The request body is not valid JSON.');
      body = parsed.value;
    }
  }
  const path = req.url.pathname.replace(/\/+$/, '');
  const q = req.url.searchParams;
  const receivedAt = new Date(now).toISOString();
  let m: RegExpExecArray | null;

  if (req.method === 'GET' && /^\/api\/v[23]\/contacts\/id$/.test(path)) {
    const email = q.get('email') ?? q.get('any');
    if (!email) return voyadoError(400, 'InvalidSearchQuery', 'Give email (or another key) to search on.');
    if (!/^[^@\s]+@[^@\s]+$/.test(email)) return voyadoError(400, 'InvalidEmailAddress', `"${email}" is not a valid email address.`);
    const found = state.findByEmail(email, q.get('contactType') ?? undefined);
    if (found.length === 0) return voyadoError(404, 'ContactNotFound', 'No contact matches.');
    if (found.length > 1) return voyadoError(409, 'MultipleMatches', 'More than one contact matches.', { multipleMatchesFound: found.map((c) => c.id) });
    // A JSON string: the GUID in quotes.
    return { status: 200, body: JSON.stringify(found[0].id), contentType: 'application/json; charset=utf-8' };
  }
  if (req.method === 'POST' && path === '/api/v3/contacts') {
    if (!isObject(body)) return voyadoError(400, 'InvalidContact', 'The body must be a JSON object of attributes.');
    const { contactType: ct, ...attributes } = body;
    const contactType = ct === undefined ? 'Member' : String(ct);
    const known = [...state.contactTypes].find((t) => t.toLowerCase() === contactType.toLowerCase());
    if (!known) return voyadoError(400, 'InvalidContactType', `Contact type "${contactType}" does not exist.`);
    if (!['email', 'mobilePhone', 'externalId', 'socialSecurityNumber'].some((k) => isText(attributes[k]))) {
      return voyadoError(400, 'MissingKeyAttribute', 'A key attribute (email, mobilePhone, externalId, socialSecurityNumber) is required.');
    }
    const contact = state.seedContact({ contactType: known, attributes });
    contact.source = q.get('source') ?? undefined;
    contact.storeExternalId = q.get('storeExternalId') ?? undefined;
    state.createdContacts.push(contact);
    return { status: 201, body: contactView(contact) };
  }
  if (req.method === 'GET' && (m = /^\/api\/v[23]\/contacts\/([0-9a-fA-F-]{8,})$/.exec(path))) {
    const c = state.contacts.get(m[1]);
    return c ? { status: 200, body: contactView(c) } : voyadoError(404, 'ContactNotFound', 'No such contact.');
  }
  if (req.method === 'POST' && (m = /^\/api\/v[23]\/contacts\/([0-9a-fA-F-]{8,})$/.exec(path))) {
    // Partial update: given attributes overwrite (empty and null too); contactType moves the contact to that type.
    const c = state.contacts.get(m[1]);
    if (!c) return voyadoError(404, 'ContactNotFound', 'No such contact.');
    if (!isObject(body)) return voyadoError(400, 'InvalidContact', 'The body must be a JSON object of attributes.');
    const { contactType: ct, ...attributes } = body;
    if (ct !== undefined) {
      const known = [...state.contactTypes].find((t) => t.toLowerCase() === String(ct).toLowerCase());
      if (!known) return voyadoError(400, 'InvalidContactType', `Contact type "${String(ct)}" does not exist.`);
      c.contactType = known;
    }
    Object.assign(c.attributes, attributes);
    state.contactUpdates.push({ receivedAt, body, contactId: c.id });
    return { status: 200, body: contactView(c) };
  }
  if (req.method === 'POST' && path === '/api/v2/orders') {
    if (!isObject(body)) return voyadoError(400, 'InvalidOrder', 'The body must be a JSON object.');
    const problem = orderProblem(body);
    if (problem) return voyadoError(400, 'InvalidOrder', problem);
    state.orders.push({ receivedAt, body });
    // StatusCodeResult: statusCode is the HttpStatusCode enum's name (v2 Swagger, docs/emulators.md).
    return { status: 202, body: { statusCode: 'Accepted', request: null } };
  }
  if (req.method === 'POST' && (m = /^\/api\/v2\/automation\/customTriggers\/([^/]+)\/triggerByContactId\/([^/]+)$/.exec(path))) {
    const contactId = decodeURIComponent(m[2]);
    if (!state.contacts.has(contactId)) return voyadoError(404, 'ContactNotFound', `Contact ${contactId} not found.`);
    state.triggers.push({ receivedAt, body: body ?? null, triggerId: decodeURIComponent(m[1]), contactId });
    return { status: 200 };
  }
  if (req.method === 'POST' && (m = /^\/api\/v2\/automation\/customTriggers\/([^/]+)\/triggerByContactTypeAndKey\/([^/]+)\/([^/]+)$/.exec(path))) {
    const found = state.findByEmail(decodeURIComponent(m[3]), decodeURIComponent(m[2]));
    if (found.length === 0) return voyadoError(404, 'ContactNotFound', 'Contact not found.');
    state.triggers.push({ receivedAt, body: body ?? null, triggerId: decodeURIComponent(m[1]), contactId: found[0].id });
    return { status: 200 };
  }
  if (req.method === 'POST' && /^\/api\/v[23]\/receipts$/.test(path)) {
    if (!isObject(body)) return voyadoError(400, 'InvalidReceipt', 'The body must be a JSON object.');
    const problem = receiptProblem(body);
    if (problem) return voyadoError(400, 'InvalidReceipt', problem);
    if (!resolveContact(state, body.contact as Record<string, unknown>)) return voyadoError(404, 'ContactNotFound', 'No contact matches the receipt.');
    if (!state.rememberReceipt(String(body.uniqueReceiptId))) {
      state.counters.duplicates++;
      return { status: 200 };
    }
    state.receipts.push({ receivedAt, body });
    return { status: 201 };
  }
  if (req.method === 'GET' && (m = /^\/api\/v2\/contacts\/([^/]+)\/promotions$/.exec(path))) {
    const contactId = decodeURIComponent(m[1]);
    if (!state.contacts.has(contactId)) return voyadoError(404, 'ContactNotFound', 'No such contact.');
    const channel = q.get('redemptionChannelType')?.toUpperCase();
    if (channel && !CHANNELS.has(channel)) return voyadoError(400, 'NotAValidRedemptionChannel', `Unknown channel ${channel}.`);
    const list = [...state.promotions.values()].filter(
      (p) =>
        p.contactId === contactId &&
        !p.redeemed &&
        (p.expiresOn === null || Date.parse(p.expiresOn) > now) &&
        (!channel || p.redemptionChannels.some((c) => c.type.toUpperCase() === channel)),
    );
    return { status: 200, body: list.map(promotionView) };
  }
  if (req.method === 'POST' && (m = /^\/api\/v2\/promotions\/codes\/([^/]+)\/redeem$/.exec(path))) {
    const channel = isObject(body) && typeof body.redemptionChannel === 'string' ? body.redemptionChannel.toUpperCase() : '';
    if (!CHANNELS.has(channel)) return voyadoError(400, 'NotAValidRedemptionChannel', 'redemptionChannel must be ECOM, POS or OTHER.');
    const promo = state.promotions.get(decodeURIComponent(m[1]));
    if (!promo) return voyadoError(404, 'PromotionNotFound', 'Promotion not found.');
    if (promo.redeemed) return voyadoError(409, 'PromotionAlreadyRedeemed', 'The promotion has already been redeemed.');
    if (!promo.redemptionChannels.some((c) => c.type.toUpperCase() === channel)) {
      return voyadoError(409, 'PromotionNotValidForRedemptionChannel', `Not redeemable in ${channel}.`);
    }
    promo.redeemed = true;
    promo.redeemedOn = receivedAt;
    state.redemptions.push({ receivedAt, id: promo.id, contactId: promo.contactId, channel });
    return { status: 200 };
  }
  return voyadoError(404, 'NotFound', `No route for ${req.method} ${req.url.pathname}`);
}

export async function startVoyadoEmulator(opts: VoyadoEmulatorOptions = {}): Promise<EmulatorHandle<VoyadoState>> {
  const state = new VoyadoState(opts);
  return startEmulator({
    state,
    port: opts.port,
    handle: (req) => {
      const res = handleVoyado(state, req);
      const parsed = req.rawBody.length > 0 ? parseJson(req.rawBody) : { ok: false as const };
      state.exchanges.push({
        method: req.method,
        path: req.url.pathname,
        query: Object.fromEntries(req.url.searchParams),
        body: parsed.ok ? parsed.value : undefined,
        status: res.status,
        response: typeof res.body === 'string' ? (parseJson(Buffer.from(res.body)) as { value?: unknown }).value : res.body,
      });
      return res;
    },
    faultResponse: (spec) => {
      const r =
        spec.mode === '429'
          ? voyadoError(spec.status ?? 429, 'TooManyRequests', 'Too many requests (injected fault).')
          : voyadoError(spec.status ?? 503, 'ServiceUnavailable', 'An error has occurred (injected fault).');
      if (spec.mode === '429' || spec.retryAfter) r.headers = { 'retry-after': spec.retryAfter ?? '1' };
      return r;
    },
    control: (name, method, body) => {
      if (method !== 'POST' || (name !== 'contacts' && name !== 'promotions')) return undefined;
      const items = Array.isArray(body) ? body : [body];
      if (!items.every(isObject)) return { status: 400, body: { error: 'expected an object or an array of objects' } };
      if (name === 'contacts') return { status: 201, body: { contacts: items.map((c) => state.seedContact(c as Parameters<VoyadoState['seedContact']>[0])) } };
      if (!items.every((p) => typeof p.contactId === 'string')) return { status: 400, body: { error: 'contactId is required' } };
      return { status: 201, body: { promotions: items.map((p) => state.seedPromotion(p as unknown as VoyadoPromotion)) } };
    },
  });
}
