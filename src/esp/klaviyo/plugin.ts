// Klaviyo: one JSON:API event per email (POST /api/events). Metric names from the golden README.
import { z } from 'zod';
import type { EmailType, Recipient } from '../../emails/catalog.ts';
import type { EmailIntent } from '../../emails/intent.ts';
import type { OutgoingRequest } from '../../delivery/types.ts';
import type { StoreKind } from '../../domain/types.ts';
import { REDACTED } from '../../config/secret.ts';
import { commonPluginFields } from '../common-settings.ts';
import { defaultTrigger, toggledName, type MapContext, type TriggerTable } from '../plugin.ts';
import metrics from './metrics.json' with { type: 'json' };
import { DEFAULT_INVOICE_MESSAGE } from '../../emails/invoice-message.ts';
import * as P from './payload.ts';
import { orderFigures, refundFigures, shipmentFigures } from '../../domain/amounts.ts';
import { isoWithOffset } from '../../domain/dates.ts';
import { jsonAmount, type Decimal } from '../../domain/money.ts';
import { KLAVIYO_REVISION, releaseDate } from './revision.ts';

export const klaviyoSettingsSchema = z
  .object({
    esp: z.literal('klaviyo'),
    ...commonPluginFields,
    /** Klaviyo API revision header (revision.ts: the default, and when Klaviyo retires one). */
    revision: z
      .string()
      .refine((r) => releaseDate(r) !== null, `a revision such as ${KLAVIYO_REVISION} (YYYY-MM-DD[.suffix], a real date)`)
      .default(KLAVIYO_REVISION),
    /** UpdateType of the shipment email per recipient (the seed's sales-rep copy says "Shipped - Buyer"). */
    shipmentUpdateType: z
      .object({ buyer: z.string().default('Shipped'), sales_rep: z.string().default('Shipped - Buyer'), customer: z.string().default('Shipped') })
      .strict()
      .default({ buyer: 'Shipped', sales_rep: 'Shipped - Buyer', customer: 'Shipped' }),
  })
  .strict();
export type KlaviyoSettings = z.infer<typeof klaviyoSettingsSchema>;

/** Default metric names per store kind (a data file: marketers and `esp-bridge fields` read it too). */
const METRICS: TriggerTable = metrics;

export function triggerName(emailType: EmailType, recipient: Recipient, storeKind: StoreKind, s: KlaviyoSettings): string | null | false {
  const name = toggledName(s.emails[emailType], defaultTrigger(METRICS, emailType, storeKind));
  if (!name) return name;
  return recipient === 'sales_rep' ? `${name} - Sales Rep` : name;
}

function properties(intent: EmailIntent, s: KlaviyoSettings, ctx: MapContext): { props: Record<string, unknown>; value?: Decimal; currency?: string } {
  const o = { imageSize: s.imageSize, eventDate: intent.event.date };
  const subject = intent.subject;
  const orderUrl = (hashId: string) => (ctx.store.urls.showroom ? `${ctx.store.urls.showroom}/checkout/${hashId}/success` : '');
  switch (subject.kind) {
    case 'order': {
      const order = subject.order;
      const value = orderFigures(order).total;
      if (intent.emailType === 'order') return { props: P.orderReceiptProperties(order, orderUrl(order.hashId), o), value, currency: order.currency };
      if (intent.emailType === 'order_conf') return { props: P.orderConfirmationProperties(order, orderUrl(order.hashId), o), value, currency: order.currency };
      return { props: P.cancelProperties(order, intent.message, o), value, currency: order.currency };
    }
    case 'shipment': {
      const sh = subject.shipment;
      const updateType = s.shipmentUpdateType[intent.recipient];
      return { props: P.shipmentProperties(sh, updateType, ctx.store.trackingUrl, o), value: shipmentFigures(sh).total, currency: sh.order.currency };
    }
    case 'refund':
      return { props: P.refundProperties(subject.refund, o), value: refundFigures(subject.refund).total, currency: subject.refund.order.currency };
    case 'invoice': {
      const inv = subject.invoice;
      const message = intent.message || DEFAULT_INVOICE_MESSAGE;
      return { props: P.invoiceProperties(inv, message, ctx.store.sender, o) };
    }
    case 'buyer':
      if (intent.emailType === 'forgot_email') return { props: P.passwordResetProperties(intent.link) };
      return { props: P.buyerCreatedProperties(subject.buyer, subject.account, intent.link) };
    case 'customer':
      if (intent.emailType === 'forgot_email') return { props: P.passwordResetProperties(intent.link) };
      return { props: P.accountCreatedProperties(subject.customer, intent.link) };
  }
}

export function buildRequest(intent: EmailIntent, s: KlaviyoSettings, ctx: MapContext): OutgoingRequest {
  const metric = triggerName(intent.emailType, intent.recipient, intent.storeKind, s);
  if (!metric) throw new Error(`Klaviyo plugin ${s.name} has no metric for ${intent.emailType}`);
  const { props, value, currency } = properties(intent, s, ctx);
  const attributes: Record<string, unknown> = {
    properties: props,
    metric: { data: { type: 'metric', attributes: { name: metric } } },
    profile: { data: { type: 'profile', attributes: { email: intent.to } } },
    time: isoWithOffset(intent.event.date),
    unique_id: intent.key,
  };
  if (value !== undefined) {
    // Klaviyo's `value` is a JSON number: the decimal is rendered once, at the edge.
    attributes.value = jsonAmount(value);
    attributes.value_currency = currency;
  }
  return {
    method: 'POST',
    url: `${s.baseUrl ?? 'https://a.klaviyo.com'}/api/events`,
    headers: {
      Authorization: REDACTED,
      revision: s.revision,
      'Content-Type': 'application/vnd.api+json',
      Accept: 'application/vnd.api+json',
    },
    body: { data: { type: 'event', attributes } },
  };
}

