// Voyado Engage: order emails as v2 orders (status strings configured per tenant), the others as
// custom triggers on the contact (the transport looks the contact up, or creates it, first).
import { z } from 'zod';
import type { EmailType, Recipient } from '../../emails/catalog.ts';
import type { EmailIntent } from '../../emails/intent.ts';
import type { OutgoingRequest } from '../../delivery/types.ts';
import type { Order, StoreKind } from '../../domain/types.ts';
import { commonPluginFields } from '../common-settings.ts';
import { DEFAULT_INVOICE_MESSAGE } from '../../emails/invoice-message.ts';
import { orderFigures, refundFigures, shipmentFigures } from '../../domain/amounts.ts';
import { toggledName, type MapContext } from '../plugin.ts';
import * as P from './payload.ts';
import { baseUrlOf, storedHeaders } from './api.ts';
import { engageSettingsSchema } from './engage/settings.ts';
import { ensureContactDirective } from './engage/contact-type.ts';

export const voyadoSettingsSchema = z
  .object({
    esp: z.literal('voyado'),
    ...commonPluginFields,
    /** "market": the market's name without spaces is the store's external id; anything else is a fixed id. */
    storeExternalId: z.string().min(1).default('market'),
    /** paymentStatus sent with orders: when a payment failed, and otherwise (Centra creates orders once paid or authorized). */
    paymentStatus: z
      .object({ succeeded: z.string().default('SUCCESS'), failed: z.string().default('FAILED') })
      .strict()
      .default({ succeeded: 'SUCCESS', failed: 'FAILED' }),
    deliveryType: z.string().default('ship from warehouse'),
    /** Contact type given to contacts the bridge has to create before a custom trigger. */
    newContactType: z.string().default('Member'),
    /** Voyado Engage DTC sync (contacts, receipts, promotions): off unless configured (engage/, docs/engage.md). */
    engage: engageSettingsSchema,
  })
  .strict();
export type VoyadoSettings = z.infer<typeof voyadoSettingsSchema>;

/** Order emails: the v2 order's orderStatus. */
const ORDER_STATUSES: Partial<Record<EmailType, string>> = {
  order: 'ORDER_CREATED',
  order_conf: 'ORDER_CONFIRMED',
  shipment: 'ORDER_SHIPPED',
  cancel: 'ORDER_CANCELLED',
};
/** Other emails: the custom trigger id. */
const TRIGGERS: Partial<Record<EmailType, string>> = {
  buyer_created: 'WELCOME_TO_SHOWROOM',
  forgot_email: 'RESET_PASSWORD',
  invoice: 'INVOICE',
  creditnote: 'INVOICE',
};
const isOrderEmail = (t: EmailType) => t === 'order' || t === 'order_conf' || t === 'shipment' || t === 'cancel' || t === 'refund';

function defaultName(emailType: EmailType, storeKind: StoreKind): string | null {
  if (storeKind === 'dtc') {
    // Seed 000: confirmation, shipped, returned and cancelled are Engage's DTC transactional emails.
    if (emailType === 'refund') return 'ORDER_RETURNED';
    if (emailType === 'forgot_email') return TRIGGERS.forgot_email!;
    return ORDER_STATUSES[emailType] ?? null;
  }
  return ORDER_STATUSES[emailType] ?? TRIGGERS[emailType] ?? null;
}

export function triggerName(emailType: EmailType, _recipient: Recipient, storeKind: StoreKind, s: VoyadoSettings): string | null | false {
  return toggledName(s.emails[emailType], defaultName(emailType, storeKind));
}

export function storeExternalId(order: Pick<Order, 'market'>, s: Pick<VoyadoSettings, 'storeExternalId'>): string {
  if (s.storeExternalId !== 'market') return s.storeExternalId;
  return (order.market?.name ?? '').replace(/\s+/g, '');
}

function paymentStatus(order: Order, s: VoyadoSettings): string {
  return order.paymentSucceeded === false ? s.paymentStatus.failed : s.paymentStatus.succeeded;
}

function body(intent: EmailIntent, name: string, s: VoyadoSettings, ctx: MapContext): Record<string, unknown> {
  const subject = intent.subject;
  const common = { email: intent.to, orderStatus: name, language: ctx.language, imageSize: s.imageSize, deliveryType: s.deliveryType, message: intent.message };
  switch (subject.kind) {
    case 'order': {
      const o = subject.order;
      return P.orderBody({ ...common, order: o, figures: orderFigures(o), paymentStatus: paymentStatus(o, s), storeId: storeExternalId(o, s), isReturn: false });
    }
    case 'shipment': {
      const sh = subject.shipment;
      const o = sh.order;
      return P.orderBody({
        ...common,
        order: o,
        figures: shipmentFigures(sh),
        paymentStatus: paymentStatus(o, s),
        storeId: storeExternalId(o, s),
        isReturn: false,
        shipment: { shippedAt: sh.shippedAt, trackingNumber: sh.trackingNumber, carrier: sh.carrier, trackingTemplate: ctx.store.trackingUrl },
      });
    }
    case 'refund': {
      const r = subject.refund;
      const o = r.order;
      return P.orderBody({ ...common, order: o, figures: refundFigures(r), paymentStatus: paymentStatus(o, s), storeId: storeExternalId(o, s), isReturn: true });
    }
    case 'invoice':
      return P.invoiceTrigger(subject.invoice, intent.message || DEFAULT_INVOICE_MESSAGE, ctx.store.sender);
    case 'buyer':
      return intent.emailType === 'forgot_email' ? P.passwordResetTrigger(subject.buyer, intent.link) : P.welcomeTrigger(subject.buyer, subject.account, intent.link);
    case 'customer':
      return P.passwordResetTrigger(subject.customer, intent.link);
  }
}

export function buildRequest(intent: EmailIntent, s: VoyadoSettings, ctx: MapContext): OutgoingRequest {
  const name = triggerName(intent.emailType, intent.recipient, intent.storeKind, s);
  if (!name) throw new Error(`Voyado plugin ${s.name} has nothing for ${intent.emailType}`);
  const base = baseUrlOf(s);
  const url = isOrderEmail(intent.emailType)
    ? `${base}/api/v2/orders`
    : `${base}/api/v2/automation/customTriggers/${encodeURIComponent(name)}/triggerByContactId/{contactId}`;
  const headers = storedHeaders();
  // Engage DTC: the transport makes sure the recipient exists as a contact before the order call (docs/engage.md).
  const ensure = isOrderEmail(intent.emailType) ? ensureContactDirective(intent, s, storeExternalId) : null;
  if (ensure) Object.assign(headers, ensure);
  return { method: 'POST', url, headers, body: body(intent, name, s, ctx) };
}

