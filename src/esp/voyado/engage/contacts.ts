// The one Engage contact client: every call the bridge makes about a contact (find by email, create,
// read, update / promote, list its promotions) and what it remembers of one (per Centra customer in
// the store's contact links, per email in a small cache). The transport, the sync and the promotions
// route all go through it, so a 409 MultipleMatches, a 404 and a failed call mean one thing everywhere.
// Endpoints: reference §4.1–4.3 (contacts), §8.1 (promotions); docs/engage.md.
import type { SendOutcome } from '../../../delivery/types.ts';
import { scrub, tryJson, type HttpResult } from '../../../delivery/http.ts';
import type { ContactLink, ContactLinks } from '../../../storage/contacts.ts';
import { mapVoyadoResult, notAmbiguous, voyadoErrorText } from '../api.ts';
import type { ContactIdCache } from './contact-cache.ts';

/** One HTTP call to Engage with the key and the headers already bound. */
export type EngageCall = (method: 'GET' | 'POST', url: string, body?: unknown) => Promise<HttpResult>;

/** How a step failed, as a delivery reports it (never ambiguous: see `failed` below). */
export type StepFailure = Exclude<SendOutcome, { kind: 'delivered' }>;

/** A step either answered, or failed. */
export type Step<T> = ({ ok: true } & T) | { ok: false; outcome: StepFailure };

/** Engage's promotion as it lists it (reference §8.1); the route picks what the storefront gets. */
export interface EngagePromotion {
  id?: unknown;
  promotionId?: unknown;
  externalId?: unknown;
  type?: unknown;
  name?: unknown;
  heading?: unknown;
  description?: unknown;
  expiresOn?: unknown;
  redeemed?: unknown;
  redemptionChannels?: { type?: unknown; valueType?: unknown; value?: unknown }[];
}

export interface ContactClientDeps {
  /** The API's origin, e.g. https://brand.voyado.com. */
  base: string;
  /** The plugin the contacts belong to (links are kept per plugin). */
  plugin: string;
  call: EngageCall;
  /** Scrubbed out of every error text. */
  secrets: readonly string[];
  /** Contact ids remembered per Centra customer; null: none kept. */
  links: ContactLinks | null;
  /** Email → contact id, in front of the lookup; none: nothing cached. */
  cache?: ContactIdCache;
}

export interface ContactClient {
  /**
   * GET /api/v3/contacts/id?email=: the contact's id, null when none (404 ContactNotFound). Several
   * contacts with the email (409 MultipleMatches): the first of `messageDetails.multipleMatchesFound`,
   * with `multiple` set; a 409 without that list is a permanent failure.
   */
  lookup(email: string): Promise<Step<{ id: string | null; multiple: boolean }>>;
  /** POST /api/v3/contacts?source=&storeExternalId=: the new contact's id. */
  create(attributes: Record<string, unknown>, where: { contactType: string; source?: string; storeExternalId?: string }): Promise<Step<{ id: string }>>;
  /** GET /api/v3/contacts/{id}: its type (meta.contactType or contactType: assumed), or not found. */
  read(id: string): Promise<Step<{ found: true; type: string | null } | { found: false }>>;
  /** POST /api/v2/contacts/{id}: a partial update (a new contactType promotes it), or not found. */
  update(id: string, body: Record<string, unknown>): Promise<Step<{ found: boolean }>>;
  /** GET /api/v2/contacts/{id}/promotions?redemptionChannelType=ECOM; null when Engage does not know the contact. */
  ecomPromotions(id: string): Promise<Step<{ promotions: EngagePromotion[] | null }>>;
  /** The contact remembered for a Centra customer. */
  remembered(customerId: number): Promise<ContactLink | null>;
  remember(customerId: number, email: string, contactId: string, contactType: string): Promise<void>;
  forget(customerId: number): Promise<void>;
  cached(email: string): string | undefined;
  cache(email: string, contactId: string): void;
  uncache(email: string): void;
}

const isOk = (r: HttpResult): r is HttpResult & { kind: 'response' } => r.kind === 'response' && r.status >= 200 && r.status < 300;
const is = (r: HttpResult, status: number) => r.kind === 'response' && r.status === status;
const emailKey = (email: string) => email.trim().toLowerCase();

export function contactClient(deps: ContactClientDeps): ContactClient {
  const { base, plugin, call, secrets, links, cache } = deps;
  const url = (path: string) => `${base}${path}`;

  /**
   * A failed step. A contact step is never ambiguous: a lookup or read changes nothing, and a retry
   * of a create or update looks the contact up first, so it cannot act twice.
   */
  function failed(r: HttpResult, what: string): { ok: false; outcome: StepFailure } {
    const o = notAmbiguous(mapVoyadoResult(r, new Date(), secrets));
    if (o.kind === 'delivered') return { ok: false, outcome: { kind: 'transient', status: o.status, error: `${what}: unexpected answer` } };
    return { ok: false, outcome: { ...o, error: `${what}: ${o.error}` } };
  }
  const answeredWithoutId = (status: number, what: string) => ({ ok: false as const, outcome: { kind: 'transient' as const, status, error: `${what} answered without an id` } });

  return {
    async lookup(email) {
      const r = await call('GET', url(`/api/v3/contacts/id?email=${encodeURIComponent(email)}`));
      if (is(r, 404)) return { ok: true, id: null, multiple: false };
      if (r.kind === 'response' && r.status === 200) {
        const id = tryJson(r.body);
        return typeof id === 'string' && id ? { ok: true, id, multiple: false } : answeredWithoutId(200, 'contact lookup');
      }
      if (r.kind === 'response' && r.status === 409) {
        const j = tryJson(r.body) as { messageDetails?: { multipleMatchesFound?: unknown[] } } | undefined;
        const first = j?.messageDetails?.multipleMatchesFound?.[0];
        if (typeof first === 'string' && first) return { ok: true, id: first, multiple: true };
        return { ok: false, outcome: { kind: 'permanent', status: 409, error: `looking up contact: ${scrub(voyadoErrorText(r.body, 409), secrets)}` } };
      }
      return failed(r, 'looking up contact');
    },

    async create(attributes, where) {
      const q = new URLSearchParams();
      if (where.source) q.set('source', where.source);
      if (where.storeExternalId) q.set('storeExternalId', where.storeExternalId);
      const r = await call('POST', url(`/api/v3/contacts${q.size ? `?${q}` : ''}`), { ...attributes, contactType: where.contactType });
      if (!isOk(r)) return failed(r, 'creating contact');
      const id = (tryJson(r.body) as { id?: unknown } | undefined)?.id;
      return typeof id === 'string' && id ? { ok: true, id } : answeredWithoutId(r.status, 'contact creation');
    },

    async read(id) {
      const r = await call('GET', url(`/api/v3/contacts/${encodeURIComponent(id)}`));
      if (is(r, 404)) return { ok: true, found: false };
      if (!isOk(r)) return failed(r, 'reading contact');
      const j = tryJson(r.body) as { contactType?: unknown; meta?: { contactType?: unknown } } | undefined;
      const t = j?.meta?.contactType ?? j?.contactType;
      return { ok: true, found: true, type: typeof t === 'string' ? t : null };
    },

    async update(id, body) {
      const r = await call('POST', url(`/api/v2/contacts/${encodeURIComponent(id)}`), body);
      if (is(r, 404)) return { ok: true, found: false };
      if (!isOk(r)) return failed(r, 'updating contact');
      return { ok: true, found: true };
    },

    async ecomPromotions(id) {
      const r = await call('GET', url(`/api/v2/contacts/${encodeURIComponent(id)}/promotions?redemptionChannelType=ECOM`));
      if (is(r, 404)) return { ok: true, promotions: null };
      if (!isOk(r)) return failed(r, 'listing promotions');
      const list = tryJson(r.body);
      return Array.isArray(list) ? { ok: true, promotions: list as EngagePromotion[] } : failed(r, 'listing promotions');
    },

    remembered: async (customerId) => (links ? links.byCustomer(plugin, customerId) : null),
    remember: async (customerId, email, contactId, contactType) => {
      await links?.put({ plugin, customerId, email: emailKey(email), contactId, contactType });
    },
    forget: async (customerId) => {
      await links?.forget(plugin, customerId);
    },
    cached: (email) => cache?.get(emailKey(email)),
    cache: (email, contactId) => cache?.set(emailKey(email), contactId),
    uncache: (email) => cache?.delete(emailKey(email)),
  };
}
