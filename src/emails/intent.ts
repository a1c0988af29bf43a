// An email intent: one email type to one recipient, with the data it is about. Decided before
// any ESP is chosen; every mapper reads it.
import type { Account, Buyer, Customer, Invoice, Order, Ref, Refund, Shipment, StoreKind } from '../domain/types.ts';
import type { EmailType, Recipient } from './catalog.ts';

export type Subject =
  | { kind: 'order'; order: Order }
  | { kind: 'shipment'; shipment: Shipment }
  | { kind: 'refund'; refund: Refund }
  | { kind: 'invoice'; invoice: Invoice }
  | { kind: 'buyer'; buyer: Buyer; account: Account }
  | { kind: 'customer'; customer: Customer };

/** What routing restrictions are matched against. */
export interface RoutingFacts {
  pricelist: Ref | null;
  market: Ref | null;
  deliveryCountry: string | null;
  siteLanguage: string | null;
}

export interface EmailIntent {
  /** Stable idempotency key of this (email, recipient). */
  key: string;
  emailType: EmailType;
  recipient: Recipient;
  to: string;
  storeId: number;
  storeKind: StoreKind;
  subject: Subject;
  event: { id: string; type: string; action: string; date: string };
  /** Cancel reason, shipment note or the invoice's custom message ('' when none). */
  message: string;
  /** The set-password or password-restore link ('' when none). */
  link: string;
  routing: RoutingFacts;
}

/** The order an intent is about, if any. */
export function orderOf(subject: Subject): Order | null {
  switch (subject.kind) {
    case 'order':
      return subject.order;
    case 'shipment':
      return subject.shipment.order;
    case 'refund':
      return subject.refund.order;
    default:
      return null;
  }
}
