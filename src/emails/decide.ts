// Decisions of SPEC §2: which emails an event causes, to whom, and why any is not sent.
import { createHash } from 'node:crypto';
import { orderOf, type CommerceEvent, type ManualSend, type Subject } from '../domain/event.ts';
import type { Invoice, Order } from '../domain/types.ts';
import { InputError } from '../config/errors.ts';
import type { SkippedEmail } from '../delivery/types.ts';
import type { EmailType, Recipient } from './catalog.ts';
import type { EmailIntent } from './intent.ts';
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
  candidates: Candidate[];
  message: string;
}

function invoiceCopies(invoice: Invoice, send: boolean, salesRepCopy: boolean): Candidate[] {
  const rep = invoice.account.salesRep;
  const notSent = '"Send e-mail invoice" is No';
  return [
    { emailType: invoice.kind, recipient: 'buyer', to: invoice.address.email || null, skip: send ? null : notSent },
    {
      emailType: invoice.kind,
      recipient: 'sales_rep',
      to: rep?.email || null,
      skip: !send ? notSent : !salesRepCopy ? 'no sales-rep copy was asked for' : !rep ? 'the account has no sales representative' : null,
    },
  ];
}

/** The candidate emails of an automatic event (settings apply), or null when it causes none. */
function automatic(event: CommerceEvent, s: EmailSettings): Decided | null {
  const ctx = event.context;
  const created = event.change === 'created';
  const subject = event.subject;
  switch (subject.kind) {
    case 'order': {
      const order = subject.order;
      if (created) return { candidates: orderReceipt(order, s), message: '' };
      if (order.status === 'CONFIRMED') return { candidates: orderConfirmation(order, s), message: '' };
      if (order.status === 'CANCELLED') return { candidates: cancelEmail(order, s, ctx.sendEmailToClient), message: ctx.additionalMessage ?? '' };
      return null;
    }
    case 'shipment': {
      if (!subject.shipped) return null;
      return { candidates: shipmentEmails(subject.shipment.order, s, ctx.sendEmailToClient), message: ctx.additionalMessage ?? subject.shipment.additionalMessage };
    }
    case 'refund': {
      if (!subject.refunded) return null;
      return { candidates: [partyCopy(subject.refund.order, 'refund', null)], message: '' };
    }
    case 'invoice':
      return { candidates: invoiceCopies(subject.invoice, ctx.sendEmailInvoice ?? false, ctx.salesRepCopy ?? false), message: ctx.customMessage ?? '' };
    case 'buyer': {
      const buyer = subject.buyer;
      if (event.change === 'password_reset') return { candidates: [{ emailType: 'forgot_email', recipient: 'buyer', to: buyer.email, skip: null }], message: '' };
      if (!created) return null;
      const w = s.welcomeEmail;
      const skip =
        w === 'no'
          ? '"Welcome to Showroom" auto-send is No'
          : w === 'showroom_only' && ctx.createdIn !== 'showroom'
            ? `the buyer was created in ${ctx.createdIn ?? 'the AMS'}, and the welcome email is sent only for buyers created in Showroom`
            : null;
      return { candidates: [{ emailType: 'buyer_created', recipient: 'buyer', to: buyer.email, skip }], message: '' };
    }
    case 'customer': {
      const customer = subject.customer;
      if (event.change === 'password_reset') return { candidates: [{ emailType: 'forgot_email', recipient: 'customer', to: customer.email, skip: null }], message: '' };
      if (!created) return null;
      const skip = !s.accountCreated ? 'the store does not send "account created"' : !customer.isRegistered ? 'the customer is not registered (guest checkout)' : null;
      return { candidates: [{ emailType: 'buyer_created', recipient: 'customer', to: customer.email, skip }], message: '' };
    }
  }
}

/** Which subject each email type is about, for hand-made sends. */
const SUBJECT_OF: Record<EmailType, Subject['kind'][]> = {
  order: ['order'],
  order_conf: ['order'],
  cancel: ['order'],
  shipment: ['shipment'],
  refund: ['refund'],
  invoice: ['invoice'],
  creditnote: ['invoice'],
  buyer_created: ['buyer', 'customer'],
  forgot_email: ['buyer', 'customer'],
};

/**
 * A hand-made send (Centra's "Send email" modal): the chosen email type to the chosen recipients,
 * whatever the automatic settings say. The default recipient is the buyer (customer on DTC).
 */
function manual(event: CommerceEvent, m: ManualSend): Decided {
  const ctx = event.context;
  const subject = event.subject;
  if (!SUBJECT_OF[m.emailType].includes(subject.kind)) {
    throw new InputError('cannot send this email by hand', [`${m.emailType} is about ${SUBJECT_OF[m.emailType].join(' or ')}, and this event is about ${subject.kind === 'refund' ? 'a return' : `a ${subject.kind}`}`]);
  }
  let candidates: Candidate[];
  let message = ctx.additionalMessage ?? '';
  if (subject.kind === 'invoice') {
    candidates = invoiceCopies({ ...subject.invoice, kind: m.emailType === 'creditnote' ? 'creditnote' : 'invoice' }, true, true);
    message = ctx.customMessage ?? '';
  } else if (subject.kind === 'buyer') {
    candidates = [{ emailType: m.emailType, recipient: 'buyer', to: subject.buyer.email, skip: null }];
  } else if (subject.kind === 'customer') {
    candidates = [{ emailType: m.emailType, recipient: 'customer', to: subject.customer.email, skip: null }];
  } else {
    const order = orderOf(subject)!;
    candidates = [partyCopy(order, m.emailType, null)];
    if (order.store.kind === 'wholesale') candidates.push(salesRepCopy(order, m.emailType, true, 'manual send'));
    if (subject.kind === 'shipment') message = ctx.additionalMessage ?? subject.shipment.additionalMessage;
  }
  const wanted = m.recipients ?? [event.store.kind === 'dtc' ? 'customer' : 'buyer'];
  return {
    message,
    candidates: candidates.filter((c) => wanted.includes(c.recipient)).map((c) => ({ ...c, emailType: m.emailType })),
  };
}

export function decideEmails(event: CommerceEvent, settings: EmailSettings): Decision {
  const m = event.context.manual;
  const decided = m ? manual(event, m) : automatic(event, settings);
  if (!decided) return { intents: [], skipped: [] };
  const { id, date } = event.source;
  const nonce = m?.requestId ?? (decided.candidates.some((c) => c.emailType === 'forgot_email') ? `${id}@${date}` : undefined);
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
      key: stableKey([event.store.id, c.emailType, event.subjectRef, c.recipient], nonce),
      emailType: c.emailType,
      recipient: c.recipient,
      to,
      storeId: event.store.id,
      storeKind: event.store.kind,
      subject: event.subject,
      event: event.source,
      message: decided.message,
      link: event.context.link ?? '',
      routing: event.routing,
    });
  }
  return { intents, skipped };
}
