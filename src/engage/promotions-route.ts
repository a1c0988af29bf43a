// GET /api/promotions?email=… | ?customerId=… [&store=<Centra store id>]: the contact's active ECOM
// promotions in Voyado Engage, each with the Centra voucher it maps to, for the storefront (seed 000,
// "Multichannel promotions" step 1). Read-only, straight to Engage (not through the outbox).
// Auth: the plugin's own storefront token (engage.promotions.storefrontToken), never the admin token;
// without one configured, the admin token given at registration is accepted instead.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { Config, StoreConfig } from '../config/schema.ts';
import { resolveSecret } from '../config/secret.ts';
import { USER_AGENT, type VoyadoSettings } from '../esp/voyado/plugin.ts';
import type { EngageContactMap } from '../storage/contacts.ts';

export interface PromotionsRouteOptions {
  config: Config;
  /** customerId → contactId (the transport's table); null: only the Centra snapshot is used. */
  contacts: EngageContactMap | null;
  /** The customer's email from Centra's snapshot, for ?customerId= when no contactId is remembered. */
  customerEmail?: (customerId: number) => Promise<string | null>;
  /** Accepted when the plugin has no storefront token of its own. */
  adminToken?: string;
  fetchImpl?: typeof fetch;
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

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

interface EngagePromotion {
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

function promotionPlugin(config: Config, storeId: number | null): { store: StoreConfig; plugin: VoyadoSettings } | null {
  for (const store of config.stores) {
    if (store.kind !== 'dtc' || (storeId !== null && store.id !== storeId)) continue;
    for (const p of store.plugins) if (p.esp === 'voyado' && p.engage.promotions.enabled) return { store, plugin: p };
  }
  return null;
}

const digest = (s: string) => createHash('sha256').update(s).digest();

class EngageError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export const promotionsRoute: FastifyPluginAsync<PromotionsRouteOptions> = async (app, opts) => {
  const fetchImpl = opts.fetchImpl ?? fetch;
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const env = opts.env ?? process.env;

  async function engage(plugin: VoyadoSettings, pathAndQuery: string): Promise<{ status: number; body: unknown }> {
    const base = plugin.baseUrl ?? 'https://tenant.voyado.com';
    let res: Response;
    try {
      res = await fetchImpl(`${base}${pathAndQuery}`, {
        method: 'GET',
        headers: { apikey: resolveSecret(plugin.apiKey, env), 'content-type': 'application/json', accept: 'application/json', 'user-agent': USER_AGENT },
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      throw new EngageError(503, `Voyado Engage did not answer: ${(err as Error).message}`);
    }
    const text = await res.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      /* keep the text */
    }
    return { status: res.status, body };
  }

  async function contactIdByEmail(plugin: VoyadoSettings, email: string): Promise<string | null> {
    const r = await engage(plugin, `/api/v3/contacts/id?email=${encodeURIComponent(email)}`);
    if (r.status === 200 && typeof r.body === 'string') return r.body;
    if (r.status === 404) return null;
    if (r.status === 409) {
      const first = (r.body as { messageDetails?: { multipleMatchesFound?: unknown[] } } | null)?.messageDetails?.multipleMatchesFound?.[0];
      if (typeof first === 'string') return first;
    }
    if (r.status === 400) throw new EngageError(400, `Engage rejected the email: ${JSON.stringify(r.body)}`);
    throw new EngageError(502, `Engage contact lookup answered ${r.status}`);
  }

  async function promotionsOf(plugin: VoyadoSettings, contactId: string): Promise<EngagePromotion[] | null> {
    const r = await engage(plugin, `/api/v2/contacts/${encodeURIComponent(contactId)}/promotions?redemptionChannelType=ECOM`);
    if (r.status === 404) return null;
    if (r.status !== 200 || !Array.isArray(r.body)) throw new EngageError(502, `Engage promotions answered ${r.status}`);
    return r.body as EngagePromotion[];
  }

  const reject = (reply: FastifyReply, status: number, error: string, message: string) => reply.code(status).send({ error, message });

  app.get<{ Querystring: { email?: string; customerId?: string; store?: string } }>('/api/promotions', async (req, reply) => {
    const q = req.query ?? {};
    const storeId = q.store !== undefined && /^\d+$/.test(q.store) ? Number(q.store) : null;
    if (q.store !== undefined && storeId === null) return reject(reply, 400, 'bad_request', 'store must be a Centra store id');
    const found = promotionPlugin(opts.config, storeId);
    if (!found) return reject(reply, 404, 'not_found', 'no DTC store with a Voyado plugin that has promotions enabled');
    const { plugin } = found;

    const configured = plugin.engage.promotions.storefrontToken;
    const token = configured !== undefined ? resolveSecret(configured, env) : opts.adminToken;
    const m = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
    if (!token || !m || !timingSafeEqual(digest(m[1].trim()), digest(token))) {
      return reject(reply, 401, 'unauthorized', 'a valid Authorization: Bearer <storefront token> is required');
    }
    const email = q.email?.trim();
    const customerId = q.customerId !== undefined && /^\d+$/.test(q.customerId) ? Number(q.customerId) : null;
    if (!email && customerId === null) return reject(reply, 400, 'bad_request', 'give email=<address> or customerId=<Centra customer id>');

    try {
      let contactId: string | null = null;
      let knownEmail = email ?? null;
      if (customerId !== null && !email) {
        const link = opts.contacts ? await opts.contacts.byCustomer(plugin.name, customerId) : null;
        if (link) {
          contactId = link.contactId;
          knownEmail = link.email;
        } else {
          knownEmail = opts.customerEmail ? await opts.customerEmail(customerId) : null;
          if (!knownEmail) return reject(reply, 404, 'not_found', `customer ${customerId} is unknown`);
        }
      }
      if (!contactId && knownEmail) contactId = await contactIdByEmail(plugin, knownEmail);
      if (!contactId) return reply.send({ contactId: null, promotions: [] });
      let list = await promotionsOf(plugin, contactId);
      if (list === null && knownEmail) {
        // A remembered id whose contact is gone (merged): look the email up again.
        contactId = await contactIdByEmail(plugin, knownEmail);
        list = contactId ? await promotionsOf(plugin, contactId) : [];
      }
      const now = Date.now();
      const active = (list ?? []).filter((p) => p.redeemed !== true && !(typeof p.expiresOn === 'string' && Date.parse(p.expiresOn) <= now));
      return reply.send({ contactId, promotions: active.map((p) => toStorefrontPromotion(p, plugin.engage.promotions.vouchers)) });
    } catch (err) {
      if (err instanceof EngageError) return reject(reply, err.status, err.status === 400 ? 'bad_request' : 'bad_gateway', err.message);
      throw err;
    }
  });
};
