// Voyado Engage DTC sync, planned beside the emails: contact upserts on customer events, Purchase /
// Return receipts for Members, the promotion redeem once the order ships with a successful payment.
// The module's sync planner: src/pipeline/plan.ts calls it with the plugin routing reaches for the
// event's facts. Pure: no network, no store. See docs/engage.md.
import { createHash } from 'node:crypto';
import type { OutgoingRequest, PlannedDelivery } from '../../../delivery/types.ts';
import type { CommerceEvent, Subject } from '../../../domain/event.ts';
import type { Order } from '../../../domain/types.ts';
import type { StoreContext } from '../../plugin.ts';
import { baseUrlOf, storedHeaders } from '../api.ts';
import { storeExternalId, type VoyadoSettings } from '../plugin.ts';
import { contactAttributes, contactRole, contactTypeHandle, directiveHeader, type ContactDirective, type CustomerFacts } from './contact-type.ts';
import { PROMOTION_ATTRIBUTE, purchaseReceipt, returnReceipt, type ReceiptContact } from './receipt.ts';
import { engageEnabled } from './settings.ts';
import type { SyncKind } from './send.ts';

/** What the planner reads of its store. */
type SyncStore = Pick<StoreContext, 'id' | 'kind'>;

/** Order statuses at which an order is complete and ready to ship (Centra: confirmed, or further on). */
export const RECEIPT_STATUSES = new Set(['CONFIRMED', 'PROCESSING', 'SHIPPED', 'COMPLETED']);

const GUEST: CustomerFacts = { isRegistered: false, newsletter: false, espContactId: null };

function hash12(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 12);
}

/** The directive of a sync delivery: the plugin's rank table and source ride along. */
function syncDirective(s: VoyadoSettings, d: Omit<ContactDirective, 'ranks' | 'source'>): Record<string, string> {
  const e = s.engage;
  return directiveHeader({ ...d, ranks: [e.transactionalContactType, e.newsletterContactType, e.memberContactType], source: e.source });
}

function delivery(id: string, kind: SyncKind, to: string, s: VoyadoSettings, request: OutgoingRequest): PlannedDelivery {
  return { id, emailType: kind, recipient: 'customer', to, plugin: s.name, esp: 'voyado', request };
}

function contactUpsert(event: CommerceEvent, customer: Extract<Subject, { kind: 'customer' }>, s: VoyadoSettings, store: SyncStore): PlannedDelivery[] {
  const c = customer.customer;
  const e = s.engage;
  if (event.change === 'password_reset' || e.syncContacts === 'off' || !c.email) return [];
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
    url: `${baseUrlOf(s)}/api/v3/contacts?${q}`,
    headers: {
      ...storedHeaders(),
      ...syncDirective(s, {
        type,
        minRank: role === 'member' ? 3 : 2,
        customerId: c.id,
        ...(c.espContactId ? { contactId: c.espContactId } : {}),
        storeExternalId: storeId,
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
  email: string;
  contact: ReceiptContact;
  customerId: number | null;
}

/** The order's customer when Engage sync makes them a Member and receipts are on; else null. */
function memberFor(order: Order, s: VoyadoSettings): Member | null {
  if (!s.engage.receipts || s.engage.syncContacts === 'off') return null;
  const c = order.customer;
  const email = c?.email || order.billingAddress.email;
  if (!email) return null;
  if (contactRole(s.engage, c ?? GUEST) !== 'member') return null;
  return { email, customerId: c?.id ?? null, contact: { contactId: c?.espContactId ?? null, email, memberContactType: s.engage.memberContactType } };
}

function receiptRequest(m: Member, order: Order, s: VoyadoSettings, body: Record<string, unknown>): OutgoingRequest {
  return {
    method: 'POST',
    url: `${baseUrlOf(s)}/api/v3/receipts`,
    headers: {
      ...storedHeaders(),
      ...syncDirective(s, {
        type: s.engage.memberContactType,
        minRank: 3,
        ...(m.customerId !== null ? { customerId: m.customerId } : {}),
        ...(m.contact.contactId ? { contactId: m.contact.contactId } : {}),
        storeExternalId: storeExternalId(order, s),
        attributes: contactAttributes(m.email, order.customer, order),
      }),
    },
    body,
  };
}

function purchase(order: Order, s: VoyadoSettings, store: SyncStore): PlannedDelivery[] {
  if (order.store.kind !== 'dtc' || order.paymentSucceeded === false) return [];
  const m = memberFor(order, s);
  if (!m) return [];
  const body = purchaseReceipt(order, `centra-${store.id}`, storeExternalId(order, s), m.contact);
  return [delivery(`${store.id}:engage_receipt:order-${order.number}`, 'engage_receipt', m.email, s, receiptRequest(m, order, s, body))];
}

function redeem(order: Order, s: VoyadoSettings, store: SyncStore): PlannedDelivery[] {
  const promo = order.attributes[PROMOTION_ATTRIBUTE]?.trim();
  // Seed 000: redeemed once the order ships, and only if its payment succeeded.
  if (!promo || order.store.kind !== 'dtc' || order.paymentSucceeded !== true || !s.engage.promotions.enabled) return [];
  const to = order.customer?.email || order.billingAddress.email || '';
  const request: OutgoingRequest = {
    method: 'POST',
    url: `${baseUrlOf(s)}/api/v2/promotions/codes/${encodeURIComponent(promo)}/redeem`,
    headers: storedHeaders(),
    body: { redemptionChannel: 'ECOM' },
  };
  return [delivery(`${store.id}:engage_redeem:order-${order.number}`, 'engage_redeem', to, s, request)];
}

/**
 * The Engage sync operations an event causes in a DTC store, for the plugin routing reached with
 * the event's facts (the same facts email routing matched on: for an order, shipment or return,
 * its order's). None unless that plugin has Engage sync on.
 */
export function planSync(event: CommerceEvent, s: VoyadoSettings, store: SyncStore): PlannedDelivery[] {
  if (store.kind !== 'dtc' || event.context.manual || !engageEnabled(s.engage)) return [];
  const subject = event.subject;
  switch (subject.kind) {
    case 'customer':
      return contactUpsert(event, subject, s, store);
    case 'order': {
      const order = subject.order;
      return RECEIPT_STATUSES.has(order.status.toUpperCase()) ? purchase(order, s, store) : [];
    }
    case 'shipment': {
      if (!subject.shipped && !subject.goodToGo) return [];
      const order = subject.shipment.order;
      return [...purchase(order, s, store), ...(subject.shipped ? redeem(order, s, store) : [])];
    }
    case 'refund': {
      if (!subject.refunded) return [];
      const refund = subject.refund;
      const m = memberFor(refund.order, s);
      if (!m) return [];
      const body = returnReceipt(refund, `centra-${store.id}`, storeExternalId(refund.order, s), m.contact, event.source.date);
      return [delivery(`${store.id}:engage_receipt:return-${refund.id}`, 'engage_receipt', m.email, s, receiptRequest(m, refund.order, s, body))];
    }
    default:
      return [];
  }
}
