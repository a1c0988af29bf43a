// GET /api/promotions?email=… | ?customerId=… [&store=<Centra store id>]: the contact's active ECOM
// promotions in Voyado Engage, each with the Centra voucher it maps to, for the storefront (seed 000,
// "Multichannel promotions" step 1). Read-only, straight to Engage (not through the outbox), through
// the one contact client. Auth: the plugin's own storefront token (engage.promotions.storefrontToken),
// never the admin token; without one configured, the admin token given at registration is accepted.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { createAgents, httpExchange } from '../../../delivery/http.ts';
import { redactString } from '../../../delivery/redact.ts';
import type { RouteDeps } from '../../plugin.ts';
import { baseUrlOf, liveHeaders } from '../api.ts';
import type { VoyadoSettings } from '../plugin.ts';
import { contactClient, type ContactClient, type EngagePromotion, type StepFailure } from './contacts.ts';

/** One Engage promotion as the storefront gets it. */
export interface StorefrontPromotion {
  /** The assignment id: what the storefront puts in the order's `voyado_promotion_id` attribute and the bridge redeems. */
  id: string;
  promotionId: string | null;
  externalId: string | null;
  type: string | null;
  name: string | null;
  heading: string | null;
  description: string | null;
  expiresOn: string | null;
  /** The ECOM redemption channel: valueType (PERCENT, MONEY, EXTERNALOFFER, …) and value. */
  ecom: { valueType: string | null; value: unknown } | null;
  /** The Centra voucher code (price rule) this promotion is applied with, or null when none maps. */
  centraVoucher: string | null;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** Voucher mapping: externalId, then the EXTERNALOFFER code, then promotionId; else the EXTERNALOFFER code itself. */
export function centraVoucherFor(p: EngagePromotion, vouchers: Record<string, string>): string | null {
  const ecom = (p.redemptionChannels ?? []).find((c) => String(c.type).toUpperCase() === 'ECOM');
  const code = ecom && String(ecom.valueType).toUpperCase() === 'EXTERNALOFFER' ? str(ecom.value) : null;
  for (const key of [str(p.externalId), code, str(p.promotionId)]) if (key && vouchers[key] !== undefined) return vouchers[key];
  return code;
}

export function toStorefrontPromotion(p: EngagePromotion, vouchers: Record<string, string>): StorefrontPromotion {
  const ecom = (p.redemptionChannels ?? []).find((c) => String(c.type).toUpperCase() === 'ECOM');
  return {
    id: String(p.id),
    promotionId: str(p.promotionId),
    externalId: str(p.externalId),
    type: str(p.type),
    name: str(p.name),
    heading: str(p.heading),
    description: str(p.description),
    expiresOn: str(p.expiresOn),
    ecom: ecom ? { valueType: str(ecom.valueType), value: ecom.value ?? null } : null,
    centraVoucher: centraVoucherFor(p, vouchers),
  };
}

/** The first Voyado plugin of a DTC store (that store, when given) with promotions on. */
function promotionPlugin(plugins: RouteDeps<VoyadoSettings>['plugins'], storeId: number | null): VoyadoSettings | null {
  for (const { store, settings } of plugins) {
    if (store.kind !== 'dtc' || (storeId !== null && store.id !== storeId)) continue;
    if (settings.engage.promotions.enabled) return settings;
  }
  return null;
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/** A failed Engage call → the route's answer: unreachable 503, a rejected email 400, anything else 502 (error code as before: bad_request or bad_gateway). */
function failure(o: StepFailure): { status: number; error: string; message: string } {
  if (o.status === undefined) return { status: 503, error: 'bad_gateway', message: `Voyado Engage did not answer: ${o.error}` };
  if (o.status === 400) return { status: 400, error: 'bad_request', message: `Engage rejected the email: ${o.error}` };
  return { status: 502, error: 'bad_gateway', message: `Engage answered ${o.status}: ${o.error}` };
}

class EngageFailed extends Error {
  constructor(readonly outcome: StepFailure) {
    super(outcome.error);
  }
}

export function promotionsRoute(deps: RouteDeps<VoyadoSettings>): FastifyPluginAsync {
  const agents = createAgents();
  const clientFor = (plugin: VoyadoSettings): ContactClient => {
    const apiKey = deps.secret(plugin.apiKey);
    return contactClient({
      base: baseUrlOf(plugin),
      plugin: plugin.name,
      call: (method, url, body) =>
        httpExchange({ method, url, headers: liveHeaders(apiKey), body: body === undefined ? undefined : JSON.stringify(body) }, { timeoutMs: deps.timeoutMs, agents }),
      secrets: [apiKey],
      links: deps.storage.contacts,
    });
  };

  return async (app) => {
    app.addHook('onClose', async () => {
      agents.http.destroy();
      agents.https.destroy();
    });

    // Messages may quote Engage's answer: every configured secret is scrubbed from them.
    const reject = (reply: FastifyReply, status: number, error: string, message: string) => reply.code(status).send({ error, message: redactString(message) });

    async function contactIdByEmail(contacts: ContactClient, email: string): Promise<string | null> {
      const r = await contacts.lookup(email);
      if (!r.ok) throw new EngageFailed(r.outcome);
      return r.id;
    }
    async function promotionsOf(contacts: ContactClient, contactId: string): Promise<EngagePromotion[] | null> {
      const r = await contacts.ecomPromotions(contactId);
      if (!r.ok) throw new EngageFailed(r.outcome);
      return r.promotions;
    }

    const tokenOf = (plugin: VoyadoSettings): string => {
      const configured = plugin.engage.promotions.storefrontToken;
      return configured !== undefined ? deps.secret(configured) : deps.adminToken;
    };
    const bearerOf = (authorization: string | undefined): string | null => /^Bearer\s+(.+)$/i.exec(authorization ?? '')?.[1].trim() ?? null;
    const accepts = (plugin: VoyadoSettings, given: string | null): boolean => {
      const token = tokenOf(plugin);
      return !!token && given !== null && timingSafeEqual(digest(given), digest(token));
    };
    const unauthorized = (reply: FastifyReply) => reject(reply, 401, 'unauthorized', 'a valid Authorization: Bearer <storefront token> is required');

    // The token first, before anything is said about stores or parameters: one of a promotions plugin's tokens.
    // An address over the service's sign-in limit is refused before its token is looked at (the right one too).
    app.addHook('onRequest', async (req, reply) => {
      const wait = deps.signIn.refusal(req);
      if (wait > 0) return reject(reply.header('retry-after', String(wait)), 429, 'too_many_requests', `too many wrong tokens from this address; try again in ${wait} s`);
      const given = bearerOf(req.headers.authorization);
      const results = deps.plugins.filter(({ settings }) => settings.engage.promotions.enabled).map(({ settings }) => accepts(settings, given));
      if (!results.includes(true)) {
        // A token given and wrong counts against the address; a request without one guesses nothing.
        if (given !== null) deps.signIn.wrongToken(req);
        return unauthorized(reply);
      }
    });

    app.get<{ Querystring: { email?: string; customerId?: string; store?: string } }>('/api/promotions', async (req, reply) => {
      const q = req.query ?? {};
      const storeId = q.store !== undefined && /^\d{1,15}$/.test(q.store) ? Number(q.store) : null;
      if (q.store !== undefined && storeId === null) return reject(reply, 400, 'bad_request', 'store must be a Centra store id');
      const plugin = promotionPlugin(deps.plugins, storeId);
      if (!plugin) return reject(reply, 404, 'not_found', 'no DTC store with a Voyado plugin that has promotions enabled');
      // The token of that store's plugin (another store's token proves nothing here).
      if (!accepts(plugin, bearerOf(req.headers.authorization))) return unauthorized(reply);

      const email = typeof q.email === 'string' ? q.email.trim() : undefined;
      if (email !== undefined && email.length > 254) return reject(reply, 400, 'bad_request', 'email is longer than 254 characters');
      const customerId = q.customerId !== undefined && /^\d{1,16}$/.test(q.customerId) && Number.isSafeInteger(Number(q.customerId)) ? Number(q.customerId) : null;
      if (q.customerId !== undefined && customerId === null) return reject(reply, 400, 'bad_request', 'customerId must be a Centra customer id (digits, at most 2^53 − 1)');
      if (!email && customerId === null) return reject(reply, 400, 'bad_request', 'give email=<address> or customerId=<Centra customer id>');

      const contacts = clientFor(plugin);
      try {
        let contactId: string | null = null;
        let knownEmail = email ?? null;
        if (customerId !== null && !email) {
          const link = await contacts.remembered(customerId);
          if (link) {
            contactId = link.contactId;
            knownEmail = link.email;
          } else {
            knownEmail = await deps.customerEmail(customerId);
            if (!knownEmail) return reject(reply, 404, 'not_found', `customer ${customerId} is unknown`);
          }
        }
        if (!contactId && knownEmail) contactId = await contactIdByEmail(contacts, knownEmail);
        if (!contactId) return reply.send({ contactId: null, promotions: [] });
        let list = await promotionsOf(contacts, contactId);
        if (list === null && knownEmail) {
          // A remembered id whose contact is gone (merged): look the email up again.
          contactId = await contactIdByEmail(contacts, knownEmail);
          list = contactId ? await promotionsOf(contacts, contactId) : [];
        }
        const now = Date.now();
        const active = (list ?? []).filter((p) => p.redeemed !== true && !(typeof p.expiresOn === 'string' && Date.parse(p.expiresOn) <= now));
        return reply.send({ contactId, promotions: active.map((p) => toStorefrontPromotion(p, plugin.engage.promotions.vouchers)) });
      } catch (err) {
        if (!(err instanceof EngageFailed)) throw err;
        const f = failure(err.outcome);
        return reject(reply, f.status, f.error, f.message);
      }
    });
  };
}
