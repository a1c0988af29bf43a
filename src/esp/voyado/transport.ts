// Voyado Engage transport: adds `apikey`, the User-Agent and JSON content type at send time.
// Custom triggers are stored with the literal `{contactId}`: the contact is found (or created) by
// email right before the trigger is posted. Engage sync kinds and order emails carrying a contact
// directive go through engage/send.ts. Every contact call goes through the one contact client.
import type { PlannedDelivery, SendOutcome, Transport } from '../../delivery/types.ts';
import { createAgents, httpExchange, withoutHeaders, type HttpAgents, type TransportOptions } from '../../delivery/http.ts';
import type { ContactLinks } from '../../storage/contacts.ts';
import { USER_AGENT, mapVoyadoResult } from './api.ts';
import { ContactIdCache } from './engage/contact-cache.ts';
import { ENGAGE_DIRECTIVE_HEADER, parseDirective } from './engage/contact-type.ts';
import { contactClient, type EngageCall } from './engage/contacts.ts';
import { ensureContact } from './engage/ensure-contact.ts';
import { isSyncKind, sendSync, type SendContext } from './engage/send.ts';

export { mapVoyadoResult, voyadoErrorText } from './api.ts';

const PLACEHOLDER = /\/triggerByContactId\/(\{contactId\}|%7BcontactId%7D)$/i;

export interface VoyadoCredentials {
  apiKey: string;
  /** Type of contacts created for unknown recipients of a custom trigger (default Member). */
  newContactType?: string;
}

export interface VoyadoTransportOptions extends Omit<TransportOptions, 'userAgent'> {
  cacheSize?: number;
  /** Contact ids remembered per Centra customer (the store's contact links); null: none kept. */
  contacts?: ContactLinks | null;
}

/** One contact step at a time per key in this process: two events of one customer must not both create it. */
function serializer() {
  const locks = new Map<string, Promise<unknown>>();
  return function serialized<T>(key: string, fn: () => Promise<T>): Promise<T> {
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
  };
}

/** A custom trigger: the contact by email (created with the plugin's type when missing), then the trigger to its id. */
async function sendTrigger(delivery: PlannedDelivery, ctx: SendContext, newContactType: string): Promise<SendOutcome> {
  const { call, contacts, secrets } = ctx;
  const r = delivery.request;
  const email = delivery.to.trim();
  const directive = { type: newContactType, attributes: { email } };
  for (let attempt = 0; attempt < 2; attempt++) {
    const contact = await ctx.contactStep(email, () => ensureContact(contacts, directive));
    if (!contact.ok) return contact.outcome;
    const url = r.url.replace(PLACEHOLDER, `/triggerByContactId/${encodeURIComponent(contact.id)}`);
    const outcome = mapVoyadoResult(await call(r.method, url, r.body), new Date(), secrets);
    // A cached id whose contact is gone (merged, deleted): forget it and look up again once.
    if (contact.source === 'cached' && outcome.kind === 'permanent' && outcome.status === 404 && /ContactNotFound/.test(outcome.error)) {
      contacts.uncache(delivery.to);
      continue;
    }
    return outcome.kind === 'delivered' ? { ...outcome, detail: contact.note } : { ...outcome, error: `${outcome.error} (${contact.note})` };
  }
  return { kind: 'transient', error: 'contact vanished between lookup and trigger' };
}

export function createVoyadoTransport(opts: VoyadoTransportOptions): Transport {
  const agents: HttpAgents = createAgents();
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const caches = new Map<string, ContactIdCache>();
  const cacheFor = (plugin: string) => {
    let c = caches.get(plugin);
    if (!c) caches.set(plugin, (c = new ContactIdCache(opts.cacheSize ?? 1000)));
    return c;
  };
  const serialized = serializer();

  return {
    esp: 'voyado',
    async send(delivery: PlannedDelivery, signal: AbortSignal): Promise<SendOutcome> {
      const creds = opts.credentials(delivery.plugin) as VoyadoCredentials;
      const secrets = [creds.apiKey];
      const r = delivery.request;
      const headers = withoutHeaders(r.headers, ['apikey', 'content-type', 'content-length', 'user-agent', ENGAGE_DIRECTIVE_HEADER]);
      Object.assign(headers, { apikey: creds.apiKey, 'content-type': 'application/json', 'user-agent': USER_AGENT });
      const call: EngageCall = (method, url, body) =>
        httpExchange({ method, url, headers, body: body === undefined ? undefined : JSON.stringify(body) }, { timeoutMs, signal, agents });
      // The origin the request was planned for: contact calls go where the delivery goes, even on a replay.
      const apiAt = r.url.indexOf('/api/');
      const base = apiAt >= 0 ? r.url.slice(0, apiAt) : new URL(r.url).origin;
      const contacts = contactClient({ base, plugin: delivery.plugin, call, secrets, links: opts.contacts ?? null, cache: cacheFor(delivery.plugin) });

      const ctx: SendContext = { call, contacts, secrets, contactStep: (email, fn) => serialized(`${delivery.plugin}|${email.trim().toLowerCase()}`, fn) };

      const directive = parseDirective(r.headers);
      if (directive || isSyncKind(delivery.emailType)) return sendSync(delivery, directive, ctx);
      if (PLACEHOLDER.test(r.url)) return sendTrigger(delivery, ctx, creds.newContactType ?? 'Member');
      return mapVoyadoResult(await call(r.method, r.url, r.body), new Date(), secrets);
    },
  };
}
