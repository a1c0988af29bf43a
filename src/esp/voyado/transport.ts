// Voyado Engage transport: adds `apikey`, a User-Agent and JSON content type at send time.
// Custom triggers are stored with the literal `{contactId}`: the contact is looked up by
// email (created when missing) right before the trigger is posted.
import type { PlannedDelivery, SendOutcome, Transport } from '../../delivery/types.ts';
import {
  DEFAULT_USER_AGENT,
  createAgents,
  httpExchange,
  mapHttpResult,
  rawErrorText,
  scrub,
  tryJson,
  withoutHeaders,
  type HttpAgents,
  type HttpResult,
  type TransportOptions,
} from '../../delivery/http.ts';
import { ContactIdCache } from './transport-contacts.ts';
import { ENGAGE_DIRECTIVE_HEADER, parseDirective } from '../../engage/contact-type.ts';
import type { EngageContactMap } from '../../storage/contacts.ts';
import { ensureContact, type EngageStepContext } from './transport-engage.ts';

/** Voyado's error body (shape unconfirmed) → "errorCode: message". */
export function voyadoErrorText(body: string, status: number): string {
  const j = tryJson(body) as { errorCode?: string; message?: string; Message?: string } | undefined;
  if (!j || typeof j !== 'object') return rawErrorText(body, status);
  const message = j.message ?? j.Message;
  if (!j.errorCode && !message) return rawErrorText(body, status);
  return `HTTP ${status} ${j.errorCode ?? 'error'}: ${message ?? ''}`.trim();
}

/** Pure: one HTTP result → the outcome of a Voyado call (orders 202, triggers 200, receipts 201). */
export function mapVoyadoResult(result: HttpResult, now: Date, secrets: readonly string[] = []): SendOutcome {
  return mapHttpResult(result, { now, secrets, errorText: voyadoErrorText });
}

const PLACEHOLDER = /\/triggerByContactId\/(\{contactId\}|%7BcontactId%7D)$/i;

export interface VoyadoCredentials {
  apiKey: string;
  /** Type of contacts created for unknown recipients (default Member). */
  newContactType?: string;
  source?: string;
  storeExternalId?: string;
}

/** What the contact step came to: an id to use, or the outcome to report instead. */
type ContactStep = { id: string; note: string } | { outcome: SendOutcome };

/** A repeat cannot double it (receipts: uniqueReceiptId; redeem: 409 PromotionAlreadyRedeemed; contacts: looked up first). */
function notAmbiguous(o: SendOutcome): SendOutcome {
  if (o.kind === 'transient') delete o.ambiguous;
  return o;
}

export function createVoyadoTransport(opts: TransportOptions & { cacheSize?: number; contacts?: EngageContactMap | null }): Transport {
  const agents: HttpAgents = createAgents();
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const userAgent = opts.userAgent ?? DEFAULT_USER_AGENT;
  const caches = new Map<string, ContactIdCache>();
  const cacheFor = (plugin: string) => {
    let c = caches.get(plugin);
    if (!c) caches.set(plugin, (c = new ContactIdCache(opts.cacheSize ?? 1000)));
    return c;
  };

  // One contact step at a time per (plugin, email) in this process: two events of one customer must not both create it.
  const locks = new Map<string, Promise<unknown>>();
  function serialized<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = locks.get(key) ?? Promise.resolve();
    const run = prev.then(fn, fn);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    locks.set(key, tail);
    void tail.then(() => {
      if (locks.get(key) === tail) locks.delete(key);
    });
    return run;
  }

  function call(method: 'GET' | 'POST', url: string, headers: Record<string, string>, body: unknown, signal: AbortSignal): Promise<HttpResult> {
    return httpExchange({ method, url, headers, body: body === undefined ? undefined : JSON.stringify(body) }, { timeoutMs, signal, agents });
  }

  async function resolveContact(base: string, email: string, creds: VoyadoCredentials, headers: Record<string, string>, signal: AbortSignal): Promise<ContactStep> {
    const secrets = [creds.apiKey];
    const found = await call('GET', `${base}/api/v3/contacts/id?email=${encodeURIComponent(email)}`, headers, undefined, signal);
    if (found.kind === 'response' && found.status === 200) {
      const id = tryJson(found.body);
      if (typeof id === 'string' && id) return { id, note: 'contact found' };
      return { outcome: { kind: 'transient', status: 200, error: 'contact lookup answered without an id' } };
    }
    if (found.kind === 'response' && found.status === 409) {
      const j = tryJson(found.body) as { messageDetails?: { multipleMatchesFound?: unknown[] } } | undefined;
      const first = j?.messageDetails?.multipleMatchesFound?.[0];
      if (typeof first === 'string' && first) return { id: first, note: `multiple contacts match ${email}; used the first, ${first}` };
      return { outcome: { kind: 'permanent', status: 409, error: scrub(voyadoErrorText(found.body, 409), secrets) } };
    }
    if (!(found.kind === 'response' && found.status === 404)) {
      // A failed lookup sent nothing that matters: never ambiguous.
      const o = mapVoyadoResult(found, new Date(), secrets);
      if (o.kind === 'transient') delete o.ambiguous;
      return { outcome: o.kind === 'delivered' ? { kind: 'transient', status: o.status, error: 'unexpected lookup answer' } : o };
    }
    const contactType = creds.newContactType ?? 'Member';
    const q = new URLSearchParams();
    if (creds.source) q.set('source', creds.source);
    if (creds.storeExternalId) q.set('storeExternalId', creds.storeExternalId);
    const qs = q.size > 0 ? `?${q}` : '';
    const created = await call('POST', `${base}/api/v3/contacts${qs}`, headers, { email, contactType }, signal);
    if (created.kind === 'response' && created.status >= 200 && created.status < 300) {
      const id = (tryJson(created.body) as { id?: unknown } | undefined)?.id;
      if (typeof id === 'string' && id) return { id, note: `contact created (${contactType})` };
      return { outcome: { kind: 'transient', status: created.status, error: 'contact creation answered without an id' } };
    }
    // The trigger itself was not sent: a retry looks the contact up again, so not ambiguous.
    const o = mapVoyadoResult(created, new Date(), secrets);
    if (o.kind === 'transient') delete o.ambiguous;
    if (o.kind !== 'delivered') o.error = `creating contact: ${o.error}`;
    return { outcome: o };
  }

  return {
    esp: 'voyado',
    async send(delivery: PlannedDelivery, signal: AbortSignal): Promise<SendOutcome> {
      const creds = opts.credentials(delivery.plugin) as VoyadoCredentials;
      const secrets = [creds.apiKey];
      const r = delivery.request;
      const headers: Record<string, string> = withoutHeaders(r.headers, ['apikey', 'content-type', 'content-length', ENGAGE_DIRECTIVE_HEADER]);
      headers.apikey = creds.apiKey;
      headers['content-type'] = 'application/json';
      if (!Object.keys(headers).some((k) => k.toLowerCase() === 'user-agent')) headers['user-agent'] = userAgent;
      const apiAt = r.url.indexOf('/api/');
      const base = apiAt >= 0 ? r.url.slice(0, apiAt) : new URL(r.url).origin;
      const cache = cacheFor(delivery.plugin);
      const directive = parseDirective(r.headers);
      const kind = delivery.emailType;
      if (kind === 'engage_contact' || kind === 'engage_receipt' || kind === 'engage_redeem' || directive) {
        const ctx: EngageStepContext = {
          base,
          plugin: delivery.plugin,
          call: (method, url, body) => call(method, url, headers, body, signal),
          secrets,
          cache,
          contacts: opts.contacts ?? null,
          outcomeOf: (res) => mapVoyadoResult(res, new Date(), secrets),
          errorText: voyadoErrorText,
        };
        if (kind === 'engage_contact') {
          if (!directive) return { kind: 'permanent', error: 'contact upsert without its directive' };
          const step = await serialized(`${delivery.plugin}|${(directive.attributes.email ?? '').toLowerCase()}`, () => ensureContact(ctx, directive, r.body as Record<string, unknown>));
          return 'outcome' in step ? notAmbiguous(step.outcome) : { kind: 'delivered', status: 200, detail: `${step.note} (${step.id})` };
        }
        let note = '';
        let body = r.body;
        if (directive) {
          const step = await serialized(`${delivery.plugin}|${(directive.attributes.email ?? '').toLowerCase()}`, () => ensureContact(ctx, directive));
          if ('outcome' in step) return notAmbiguous(step.outcome);
          note = `${step.note} (${step.id})`;
          // A receipt goes to the very contact just ensured (a carried contactId may be stale; an email may match several).
          if (kind === 'engage_receipt' && body && typeof body === 'object') body = { ...(body as Record<string, unknown>), contact: { matchKey: step.id, matchKeyType: 'contactId' } };
        }
        const res = await call(r.method, r.url, headers, body, signal);
        if (kind === 'engage_redeem' && res.kind === 'response' && res.status === 409 && /PromotionAlreadyRedeemed/.test(res.body)) {
          // Redeemed already (by an earlier attempt of this delivery whose answer was lost): the goal is reached.
          return { kind: 'delivered', status: 409, detail: 'PromotionAlreadyRedeemed: already redeemed' };
        }
        const outcome = mapVoyadoResult(res, new Date(), secrets);
        const final = kind === 'engage_receipt' || kind === 'engage_redeem' ? notAmbiguous(outcome) : outcome;
        if (!note) return final;
        return final.kind === 'delivered' ? { ...final, detail: note } : { ...final, error: `${final.error} (${note})` };
      }
      if (!PLACEHOLDER.test(r.url)) {
        return mapVoyadoResult(await call(r.method, r.url, headers, r.body, signal), new Date(), secrets);
      }
      const email = delivery.to.trim().toLowerCase();
      let cached = cache.get(email);
      for (let attempt = 0; attempt < 2; attempt++) {
        let id: string;
        let note: string;
        if (cached) {
          id = cached;
          note = 'contact id from cache';
        } else {
          const step = await resolveContact(base, delivery.to.trim(), creds, headers, signal);
          if ('outcome' in step) return step.outcome;
          ({ id, note } = step);
          cache.set(email, id);
        }
        const url = r.url.replace(PLACEHOLDER, `/triggerByContactId/${encodeURIComponent(id)}`);
        const outcome = mapVoyadoResult(await call(r.method, url, headers, r.body, signal), new Date(), secrets);
        // A cached id whose contact is gone (merged, deleted): forget it and look up again once.
        if (cached && outcome.kind === 'permanent' && outcome.status === 404 && /ContactNotFound/.test(outcome.error)) {
          cache.delete(email);
          cached = undefined;
          continue;
        }
        if (outcome.kind === 'delivered') return { ...outcome, detail: note };
        if (outcome.kind === 'transient') return { ...outcome, error: `${outcome.error} (${note})` };
        return { ...outcome, error: `${outcome.error} (${note})` };
      }
      return { kind: 'transient', error: 'contact vanished between lookup and trigger' };
    },
  };
}
