// Decisions of SPEC §2: which emails an event causes, to whom, and why any is not sent.
import { createHash } from 'node:crypto';
import type { CentraEvent } from '../centra/event-schema.ts';
import { toBuyerObject, toCustomerObject, toInvoice, toOrder, toRefund, toShipment } from '../centra/to-domain.ts';
import type { Order, StoreKind } from '../domain/types.ts';
import type { SkippedEmail } from '../delivery/types.ts';
import type { EmailType, Recipient } from './catalog.ts';
import type { EmailIntent, RoutingFacts, Subject } from './intent.ts';
import type { EmailSettings, SendTo } from './settings.ts';

export interface Decision {
  intents: EmailIntent[];
  skipped: SkippedEmail[];
}

interface Candidate {
  emailType: EmailType;
  recipient: Recipient;
  to: string | null;
  /** Why this copy is not sent, or null to send it. */
  skip: string | null;
}

const includesBuyer = (to: SendTo) => to === 'buyer' || to === 'both';
const includesSalesRep = (to: SendTo) => to === 'sales_rep' || to === 'both';

function routingFactsOf(order: Order): RoutingFacts {
  return { pricelist: order.pricelist, market: order.market, deliveryCountry: order.deliveryCountry, siteLanguage: order.siteLanguage };
}

/** The buyer or customer copy of an order email. */
function partyCopy(order: Order, emailType: EmailType, skip: string | null): Candidate {
  if (order.store.kind === 'dtc') {
    const to = order.customer?.email || order.billingAddress.email || null;
    return { emailType, recipient: 'customer', to, skip };
  }
  return { emailType, recipient: 'buyer', to: order.buyer?.email || null, skip };
}

function salesRepCopy(order: Order, emailType: EmailType, wanted: boolean, settingName: string): Candidate {
  const rep = order.account?.salesRep ?? null;
  const skip = !wanted
    ? `"${settingName}" does not include the sales rep`
    : !rep
      ? 'the account has no sales representative'
      : null;
  return { emailType, recipient: 'sales_rep', to: rep?.email || null, skip };
}

function automaticForBuyer(order: Order): string | null {
  return order.store.kind === 'wholesale' && order.buyer && !order.buyer.receiveAutoEmails
    ? 'the buyer does not receive automatic emails (receiveAutoEmails = false)'
    : null;
}

function orderReceipt(order: Order, s: EmailSettings): Candidate[] {
  const override = order.buyer?.sendOrderReceipt ?? null;
  const wanted = override ?? s.orderReceipt;
  const why = !wanted
    ? override === false
      ? 'the buyer\'s "Send order receipt" is No'
      : 'the store does not send order receipts'
    : automaticForBuyer(order);
  const copies = [partyCopy(order, 'order', why)];
  if (order.store.kind === 'wholesale') {
    const repWanted = s.orderReceipt && includesSalesRep(s.orderConfirmationTo);
    copies.push(salesRepCopy(order, 'order', repWanted, `Send order confirmation emails to: ${s.orderConfirmationTo}`));
  }
  return copies;
}

function orderConfirmation(order: Order, s: EmailSettings): Candidate[] {
  if (order.store.kind === 'dtc') {
    return [partyCopy(order, 'order_conf', s.orderConfirmation ? null : 'the store does not send order confirmations')];
  }
  const setting = `Send order confirmation emails to: ${s.orderConfirmationTo}`;
  return [
    partyCopy(order, 'order_conf', includesBuyer(s.orderConfirmationTo) ? automaticForBuyer(order) : `"${setting}" does not include the buyer`),
    salesRepCopy(order, 'order_conf', includesSalesRep(s.orderConfirmationTo), setting),
  ];
}

function shipmentEmails(order: Order, s: EmailSettings, sendEmail: boolean | undefined): Candidate[] {
  if (sendEmail === false) {
    const why = 'the shipment was completed with "Send email to client" = No';
    return order.store.kind === 'dtc'
      ? [partyCopy(order, 'shipment', why)]
      : [partyCopy(order, 'shipment', why), { emailType: 'shipment', recipient: 'sales_rep', to: null, skip: why }];
  }
  if (order.store.kind === 'dtc') return [partyCopy(order, 'shipment', null)];
  const setting = `Send shipment confirmation emails to: ${s.shipmentConfirmationTo}`;
  const buyerSkip = !includesBuyer(s.shipmentConfirmationTo)
    ? `"${setting}" does not include the buyer`
    : !order.account?.shippingEmail
      ? 'the account\'s shipping address has no email'
      : automaticForBuyer(order);
  return [partyCopy(order, 'shipment', buyerSkip), salesRepCopy(order, 'shipment', includesSalesRep(s.shipmentConfirmationTo), setting)];
}

function cancelEmail(order: Order, s: EmailSettings, sendEmailToClient: boolean | undefined): Candidate[] {
  const send = sendEmailToClient ?? s.cancelEmailByDefault;
  return [partyCopy(order, 'cancel', send ? null : 'the order was cancelled with "Send email to client" = No')];
}

function stableKey(parts: (string | number)[], nonce?: string): string {
  const base = parts.join(':');
  if (!nonce) return base;
  return `${base}:${createHash('sha256').update(nonce).digest('hex').slice(0, 12)}`;
}

interface Decided {
  subject: Subject;
  subjectRef: string;
  storeId: number;
  storeKind: StoreKind;
  routing: RoutingFacts;
  candidates: Candidate[];
  message: string;
}

/** The subject and candidate emails of an automatic (not hand-made) event. */
function automatic(event: CentraEvent, s: EmailSettings): Decided | null {
  const ctx = event.context;
  switch (event.type) {
    case 'order': {
      const order = toOrder(event.object);
      const common = { subject: { kind: 'order', order } as Subject, subjectRef: `order-${order.number}`, storeId: order.store.id, storeKind: order.store.kind, routing: routingFactsOf(order) };
      if (event.action === 'create' || event.action === 'insert') return { ...common, candidates: orderReceipt(order, s), message: '' };
      if (order.status === 'CONFIRMED') return { ...common, candidates: orderConfirmation(order, s), message: '' };
      if (order.status === 'CANCELLED') return { ...common, candidates: cancelEmail(order, s, ctx.sendEmailToClient), message: ctx.additionalMessage ?? '' };
      return null;
    }
    case 'shipment': {
      const shipment = toShipment(event.object);
      if (!event.object.isShipped) return null;
      const order = shipment.order;
      return {
        subject: { kind: 'shipment', shipment },
        subjectRef: `shipment-${shipment.id}`,
        storeId: order.store.id,
        storeKind: order.store.kind,
        routing: routingFactsOf(order),
        candidates: shipmentEmails(order, s, ctx.sendEmailToClient),
        message: ctx.additionalMessage ?? shipment.additionalMessage,
      };
    }
    case 'return': {
      const refunded = (event.object.refundPaymentHistory ?? []).some((p) => p.status === 'SUCCESS');
      if (!refunded) return null;
      const refund = toRefund(event.object);
      const order = refund.order;
      return {
        subject: { kind: 'refund', refund },
        subjectRef: `return-${refund.id}`,
        storeId: order.store.id,
        storeKind: order.store.kind,
        routing: routingFactsOf(order),
        candidates: [partyCopy(order, 'refund', null)],
        message: '',
      };
    }
    case 'invoice': {
      const invoice = toInvoice(event.object);
      const send = ctx.sendEmailInvoice ?? false;
      const rep = invoice.account.salesRep;
      return {
        subject: { kind: 'invoice', invoice },
        subjectRef: `invoice-${invoice.id}`,
        storeId: invoice.store.id,
        storeKind: invoice.store.kind,
        routing: { pricelist: invoice.account.pricelist, market: invoice.account.market, deliveryCountry: invoice.address.country?.code ?? null, siteLanguage: null },
        candidates: [
          { emailType: invoice.kind, recipient: 'buyer', to: invoice.address.email || null, skip: send ? null : '"Send e-mail invoice" is No' },
          {
            emailType: invoice.kind,
            recipient: 'sales_rep',
            to: rep?.email || null,
            skip: !send ? '"Send e-mail invoice" is No' : !ctx.salesRepCopy ? 'no sales-rep copy was asked for' : !rep ? 'the account has no sales representative' : null,
          },
        ],
        message: ctx.customMessage ?? '',
      };
    }
    case 'buyer': {
      const { buyer, account } = toBuyerObject(event.object);
      const base = { subject: { kind: 'buyer', buyer, account } as Subject, subjectRef: `buyer-${buyer.id}`, storeId: event.object.store.id, storeKind: 'wholesale' as const, message: '' };
      const routing = { pricelist: account.pricelist, market: account.market, deliveryCountry: buyer.billingAddress.country?.code ?? null, siteLanguage: null };
      if (event.action === 'password_reset') return { ...base, routing, candidates: [{ emailType: 'forgot_email', recipient: 'buyer', to: buyer.email, skip: null }] };
      if (event.action !== 'create' && event.action !== 'insert') return null;
      const w = s.welcomeEmail;
      const skip = w === 'no' ? '"Welcome to Showroom" auto-send is No' : w === 'showroom_only' && ctx.createdIn !== 'showroom' ? `the buyer was created in ${ctx.createdIn ?? 'the AMS'}, and the welcome email is sent only for buyers created in Showroom` : null;
      return { ...base, routing, candidates: [{ emailType: 'buyer_created', recipient: 'buyer', to: buyer.email, skip }] };
    }
    case 'customer': {
      const customer = toCustomerObject(event.object);
      const base = { subject: { kind: 'customer', customer } as Subject, subjectRef: `customer-${customer.id}`, storeId: event.object.store.id, storeKind: 'dtc' as const, message: '' };
      const routing = { pricelist: event.object.pricelist ?? null, market: event.object.market ?? null, deliveryCountry: customer.billingAddress.country?.code ?? null, siteLanguage: customer.language };
      if (event.action === 'password_reset') return { ...base, routing, candidates: [{ emailType: 'forgot_email', recipient: 'customer', to: customer.email, skip: null }] };
      if (event.action !== 'create' && event.action !== 'insert') return null;
      const skip = !s.accountCreated ? 'the store does not send "account created"' : !customer.isRegistered ? 'the customer is not registered (guest checkout)' : null;
      return { ...base, routing, candidates: [{ emailType: 'buyer_created', recipient: 'customer', to: customer.email, skip }] };
    }
  }
}

/** A hand-made send ("Send email" modal): the chosen email type to the chosen recipients. */
function manual(event: CentraEvent, s: EmailSettings): Decided {
  const m = event.context.manual!;
  const auto = automatic({ ...event, action: m.emailType === 'forgot_email' ? 'password_reset' : 'create', context: { ...event.context, manual: undefined, sendEmailInvoice: true, sendEmailToClient: true } } as CentraEvent, s);
  if (!auto) throw new Error(`cannot send ${m.emailType} by hand for a ${event.type}`);
  const all = withManualRecipients(auto, m.emailType);
  const wanted = m.recipients ?? [all.storeKind === 'dtc' ? 'customer' : 'buyer'];
  return {
    ...all,
    candidates: all.candidates
      .filter((c) => wanted.includes(c.recipient))
      .map((c) => ({ ...c, emailType: m.emailType, skip: c.to ? null : c.skip ?? 'no recipient address' })),
  };
}

/** For a hand-made send the recipients are the ones any setting could reach. */
function withManualRecipients(d: Decided, emailType: EmailType): Decided {
  const order = d.subject.kind === 'order' ? d.subject.order : d.subject.kind === 'shipment' ? d.subject.shipment.order : d.subject.kind === 'refund' ? d.subject.refund.order : null;
  if (!order) return d;
  const candidates: Candidate[] = [partyCopy(order, emailType, null)];
  if (order.store.kind === 'wholesale') candidates.push(salesRepCopy(order, emailType, true, 'manual send'));
  return { ...d, candidates };
}

export function decideEmails(event: CentraEvent, settings: EmailSettings): Decision {
  const decided = event.context.manual ? manual(event, settings) : automatic(event, settings);
  if (!decided) return { intents: [], skipped: [] };
  const nonce = event.context.manual?.requestId ?? (decided.candidates.some((c) => c.emailType === 'forgot_email') ? `${event.id}@${event.date}` : undefined);
  const intents: EmailIntent[] = [];
  const skipped: SkippedEmail[] = [];
  const seen = new Set<string>();
  for (const c of decided.candidates) {
    const reason = c.skip ?? (c.to ? null : `no email address for the ${c.recipient.replace('_', ' ')}`);
    if (reason) {
      skipped.push({ emailType: c.emailType, recipient: c.recipient, reason });
      continue;
    }
    const to = c.to!;
    if (seen.has(`${c.emailType}|${to.toLowerCase()}`)) {
      skipped.push({ emailType: c.emailType, recipient: c.recipient, reason: `${to} already gets this email as another recipient` });
      continue;
    }
    seen.add(`${c.emailType}|${to.toLowerCase()}`);
    intents.push({
      key: stableKey([decided.storeId, c.emailType, decided.subjectRef, c.recipient], nonce),
      emailType: c.emailType,
      recipient: c.recipient,
      to,
      storeId: decided.storeId,
      storeKind: decided.storeKind,
      subject: decided.subject,
      event: { id: String(event.id), type: event.type, action: event.action, date: event.date },
      message: decided.message,
      link: event.context.link ?? '',
      routing: decided.routing,
    });
  }
  return { intents, skipped };
}
