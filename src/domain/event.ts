// One commerce event as the pipeline reads it: what happened, to which subject, in which store,
// with the facts decisions and routing need. src/centra/ builds it once per event
// (to-commerce-event.ts); decide, route, the mappers and the sync planners read only this.
import type { EmailType, Recipient } from '../emails/catalog.ts';
import type { Account, Buyer, Customer, Invoice, Order, Ref, Refund, Shipment, StoreKind } from './types.ts';

/** What an event is about, with the state of it that decisions depend on. */
export type Subject =
  | { kind: 'order'; order: Order }
  | {
      kind: 'shipment';
      shipment: Shipment;
      /** The shipment has left the warehouse (the shipment email and the promotion redeem wait for it). */
      shipped: boolean;
      /** Ready to ship: paid for and released to the warehouse. */
      goodToGo: boolean;
    }
  | {
      kind: 'refund';
      refund: Refund;
      /** A refund payment to the customer succeeded (the refund email and the return receipt wait for it). */
      refunded: boolean;
    }
  | { kind: 'invoice'; invoice: Invoice }
  | { kind: 'buyer'; buyer: Buyer; account: Account }
  | {
      kind: 'customer';
      customer: Customer;
      /** The market and pricelist the customer belongs to (an order carries its own). */
      market: Ref | null;
      pricelist: Ref | null;
    };

/** What routing restrictions are matched against. */
export interface RoutingFacts {
  pricelist: Ref | null;
  market: Ref | null;
  deliveryCountry: string | null;
  siteLanguage: string | null;
}

/** The source event's identity, as the source gave it: idempotency keys and nonces are made of it. */
export interface EventRef {
  id: string;
  /** The source's name for the object type (order, shipment, return, invoice, buyer, customer). */
  type: string;
  /** The source's action, verbatim. */
  action: string;
  /** "YYYY-MM-DD HH:MM:SS[.ffffff]", taken as UTC. */
  date: string;
}

/** What happened to the subject: created, a password reset asked for, or anything else (an update). */
export type Change = 'created' | 'password_reset' | 'updated';

/** "Send email" by hand: this one email type, whatever the automatic settings say. */
export interface ManualSend {
  emailType: EmailType;
  /** Who gets it; default the buyer (the customer on DTC stores). */
  recipients?: Recipient[];
  /** Makes each hand-made send its own email (a resend is a new delivery). */
  requestId: string;
}

/** What the person or system that caused the event chose (Centra's pop-ups and the "Send email" modal). */
export interface EventContext {
  /** Cancel pop-up and manual shipment completion: "Send email to client" (unset = the store's default). */
  sendEmailToClient?: boolean;
  /** Cancel reason or shipment note typed in the pop-up. */
  additionalMessage?: string;
  /** Invoice creation: "Send e-mail invoice". */
  sendEmailInvoice?: boolean;
  /** Invoice: send a copy to the account's sales representative. */
  salesRepCopy?: boolean;
  /** Invoice: the message typed in the modal (%date, %name, %link and %paylink are replaced). */
  customMessage?: string;
  /** Buyer created: where. */
  createdIn?: 'showroom' | 'ams' | 'api';
  /** The set-password (welcome) or password-restore link made for this email. */
  link?: string;
  manual?: ManualSend;
}

export interface CommerceEvent {
  source: EventRef;
  change: Change;
  subject: Subject;
  /** The subject's stable name in idempotency keys, e.g. "order-11592", "return-91". */
  subjectRef: string;
  store: { id: number; kind: StoreKind };
  routing: RoutingFacts;
  context: EventContext;
}

/** The order a subject is about, if any. */
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

/** The order number an event is about (an invoice names its order), or null (buyers, customers). */
export function orderNumberOf(subject: Subject): number | null {
  if (subject.kind === 'invoice') return subject.invoice.orderNumber;
  return orderOf(subject)?.number ?? null;
}
