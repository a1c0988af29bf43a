// Voyado Engage DTC sync, planned beside the emails (src/pipeline/plan.ts appends these): contact
// upserts on customer events, Purchase / Return receipts for Members, the promotion redeem once the
// order ships with a successful payment. Pure: no network, no store. See docs/engage.md.
import { createHash } from 'node:crypto';
import type { StoreConfig } from '../config/schema.ts';
import type { OutgoingRequest, PlannedDelivery } from '../delivery/types.ts';
import type { CommerceEvent, RoutingFacts, Subject } from '../domain/event.ts';
import type { Order } from '../domain/types.ts';
import { REDACTED } from '../config/secret.ts';
import { restrictionsMatch } from '../routing/select-plugin.ts';
import { USER_AGENT, storeExternalId, type VoyadoSettings } from '../esp/voyado/plugin.ts';
import { contactAttributes, contactRole, contactTypeHandle, directiveHeader, type CustomerFacts } from './contact-type.ts';
import { PROMOTION_ATTRIBUTE, purchaseReceipt, returnReceipt, type ReceiptContact } from './receipt.ts';
import { engageEnabled } from './settings.ts';

/** Order statuses at which an order is complete and ready to ship (Centra: confirmed, or further on). */
export const RECEIPT_STATUSES = new Set(['CONFIRMED', 'PROCESSING', 'SHIPPED', 'COMPLETED']);

const GUEST: CustomerFacts = { isRegistered: false, newsletter: false, engageContactId: null };

function hash12(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 12);
}

/** The store's plugin that routing reaches for these facts, when it is a Voyado plugin with Engage sync on. */
export function engagePluginFor(store: StoreConfig, facts: RoutingFacts): VoyadoSettings | null {
  if (store.kind !== 'dtc') return null;
  for (const p of store.plugins) {
    if (!restrictionsMatch(p.restrictions, facts, store.language)) continue;
    return p.esp === 'voyado' && engageEnabled(p.engage) ? p : null;
  }
  return null;
}

const baseOf = (s: VoyadoSettings) => s.baseUrl ?? 'https://tenant.voyado.com';
const headers = (): Record<string, string> => ({ apikey: REDACTED, 'Content-Type': 'application/json', Accept: 'application/json', 'User-Agent': USER_AGENT });

function delivery(id: string, kind: string, to: string, s: VoyadoSettings, request: OutgoingRequest): PlannedDelivery {
  return { id, emailType: kind, recipient: 'customer', to, plugin: s.name, esp: 'voyado', request };
}

function contactUpsert(event: CommerceEvent, customer: Extract<Subject, { kind: 'customer' }>, store: StoreConfig): PlannedDelivery[] {
  if (event.change === 'password_reset') return [];
  const c = customer.customer;
  const s = engagePluginFor(store, event.routing);
  if (!s || s.engage.syncContacts === 'off' || !c.email) return [];
  const e = s.engage;
  const role = contactRole(e, c);
  // "Only sync" modes: non-members are not synced here; they become transactional contacts when an email needs one.
  if (role === 'transactional') return [];
  const type = contactTypeHandle(e, role);
  const storeId = storeExternalId({ market: customer.market }, s);
  const q = new URLSearchParams({ source: e.source });
  if (storeId) q.set('storeExternalId', storeId);
  const body = { contactType: type, ...contactAttributes(c.email, c), preferences: { acceptsEmail: c.newsletter } };
  const request: OutgoingRequest = {
    method: 'POST',
    url: `${baseOf(s)}/api/v3/contacts?${q}`,
    headers: {
      ...headers(),
      ...directiveHeader({
        type,
        minRank: role === 'member' ? 3 : 2,
        ranks: [e.transactionalContactType, e.newsletterContactType, e.memberContactType],
        customerId: c.id,
        ...(c.engageContactId ? { contactId: c.engageContactId } : {}),
        storeExternalId: storeId,
        source: e.source,
        attributes: contactAttributes(c.email, c),
      }),
    },
    body,
  };
  const { id, action, date } = event.source;
  const nonce = hash12(`${id}@${action}@${date}`);
  return [delivery(`${store.id}:engage_contact:customer-${c.id}:${nonce}`, 'engage_contact', c.email, s, request)];
}

interface Member {
  s: VoyadoSettings;
  email: string;
  contact: ReceiptContact;
  customerId: number | null;
}

/** The order's customer when Engage sync makes them a Member and receipts are on; else null. */
function memberFor(order: Order, facts: RoutingFacts, store: StoreConfig): Member | null {
  const s = engagePluginFor(store, facts);
  if (!s || !s.engage.receipts || s.engage.syncContacts === 'off') return null;
  const c = order.customer;
  const email = c?.email || order.billingAddress.email;
  if (!email) return null;
  if (contactRole(s.engage, c ?? GUEST) !== 'member') return null;
  return { s, email, customerId: c?.id ?? null, contact: { contactId: c?.engageContactId ?? null, email, memberContactType: s.engage.memberContactType } };
}

function receiptRequest(m: Member, order: Order, body: Record<string, unknown>): OutgoingRequest {
  const e = m.s.engage;
  return {
    method: 'POST',
    url: `${baseOf(m.s)}/api/v3/receipts`,
    headers: {
      ...headers(),
      ...directiveHeader({
        type: e.memberContactType,
        minRank: 3,
        ranks: [e.transactionalContactType, e.newsletterContactType, e.memberContactType],
        ...(m.customerId !== null ? { customerId: m.customerId } : {}),
        ...(m.contact.contactId ? { contactId: m.contact.contactId } : {}),
        storeExternalId: storeExternalId(order, m.s),
        source: e.source,
        attributes: contactAttributes(m.email, order.customer, order),
      }),
    },
    body,
  };
}

function purchase(order: Order, facts: RoutingFacts, store: StoreConfig): PlannedDelivery[] {
  if (order.store.kind !== 'dtc' || order.paymentSucceeded === false) return [];
  const m = memberFor(order, facts, store);
  if (!m) return [];
  const body = purchaseReceipt(order, `centra-${store.id}`, storeExternalId(order, m.s), m.contact);
  return [delivery(`${store.id}:engage_receipt:order-${order.number}`, 'engage_receipt', m.email, m.s, receiptRequest(m, order, body))];
}

function redeem(order: Order, facts: RoutingFacts, store: StoreConfig): PlannedDelivery[] {
  const promo = order.attributes[PROMOTION_ATTRIBUTE]?.trim();
  // Seed 000: redeemed once the order ships, and only if its payment succeeded.
  if (!promo || order.store.kind !== 'dtc' || order.paymentSucceeded !== true) return [];
  const s = engagePluginFor(store, facts);
  if (!s || !s.engage.promotions.enabled) return [];
  const to = order.customer?.email || order.billingAddress.email || '';
  const request: OutgoingRequest = {
    method: 'POST',
    url: `${baseOf(s)}/api/v2/promotions/codes/${encodeURIComponent(promo)}/redeem`,
    headers: headers(),
    body: { redemptionChannel: 'ECOM' },
  };
  return [delivery(`${store.id}:engage_redeem:order-${order.number}`, 'engage_redeem', to, s, request)];
}

/** The Engage sync operations an event causes in a DTC store (none when no Voyado plugin with Engage sync is reached). */
export function planEngageSync(event: CommerceEvent, store: StoreConfig): PlannedDelivery[] {
  if (store.kind !== 'dtc' || event.context.manual) return [];
  const subject = event.subject;
  // The same facts email routing matched on: for an order, shipment or return, its order's.
  const facts = event.routing;
  switch (subject.kind) {
    case 'customer':
      return contactUpsert(event, subject, store);
    case 'order': {
      const order = subject.order;
      return RECEIPT_STATUSES.has(order.status.toUpperCase()) ? purchase(order, facts, store) : [];
    }
    case 'shipment': {
      if (!subject.shipped && !subject.goodToGo) return [];
      const order = subject.shipment.order;
      return [...purchase(order, facts, store), ...(subject.shipped ? redeem(order, facts, store) : [])];
    }
    case 'refund': {
      if (!subject.refunded) return [];
      const refund = subject.refund;
      const m = memberFor(refund.order, facts, store);
      if (!m) return [];
      const body = returnReceipt(refund, `centra-${store.id}`, storeExternalId(refund.order, m.s), m.contact, event.source.date);
      return [delivery(`${store.id}:engage_receipt:return-${refund.id}`, 'engage_receipt', m.email, m.s, receiptRequest(m, refund.order, body))];
    }
    default:
      return [];
  }
}
