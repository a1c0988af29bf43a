// Rule: one subscriber upsert per email (POST /api/v2/subscribers), tagged with the email's tag;
// Rule's automations on that tag send the email.
import { z } from 'zod';
import type { EmailType, Recipient } from '../../emails/catalog.ts';
import type { EmailIntent } from '../../emails/intent.ts';
import type { OutgoingRequest } from '../../delivery/types.ts';
import type { StoreKind } from '../../domain/types.ts';
import { REDACTED } from '../../config/secret.ts';
import { commonPluginFields } from '../common-settings.ts';
import { DEFAULT_INVOICE_MESSAGE } from '../../emails/invoice-message.ts';
import { defaultTrigger, toggledName, type MapContext, type TriggerTable } from '../plugin.ts';
import tags from './tags.json' with { type: 'json' };
import * as P from './payload.ts';
import { orderFigures, refundFigures, shipmentFigures } from '../../domain/amounts.ts';

export const ruleSettingsSchema = z
  .object({
    esp: z.literal('rule'),
    ...commonPluginFields,
    /** "Use a short product name": the product name without the variant name. */
    shortProductName: z.boolean().default(false),
    /** "Restrict product fields" of Order.Products: only `include` (when given), never `exclude`. */
    productFields: z
      .object({ include: z.array(z.string()).default([]), exclude: z.array(z.string()).default([]) })
      .strict()
      .default({ include: [], exclude: [] }),
  })
  .strict();
export type RuleSettings = z.infer<typeof ruleSettingsSchema>;

/** Default tags per store kind (a data file: marketers and `esp-bridge fields` read it too). */
const TAGS: TriggerTable = tags;

export function triggerName(emailType: EmailType, _recipient: Recipient, storeKind: StoreKind, s: RuleSettings): string | null | false {
  return toggledName(s.emails[emailType], defaultTrigger(TAGS, emailType, storeKind));
}

/** Rule takes an ISO 639-1 code ("en"), not a locale. */
const languageCode = (locale: string) => locale.split(/[-_]/)[0].toLowerCase();

function fields(intent: EmailIntent, s: RuleSettings, ctx: MapContext, language: string): P.RuleField[] {
  const products = { shortProductName: s.shortProductName, imageSize: s.imageSize, include: s.productFields.include, exclude: s.productFields.exclude };
  const subject = intent.subject;
  switch (subject.kind) {
    case 'order': {
      const order = subject.order;
      const cancel = intent.emailType === 'cancel' ? { message: intent.message, companyUrl: ctx.store.urls.company ?? '' } : undefined;
      return P.orderFields(order, orderFigures(order), { ...products, language, cancel, billing: !cancel });
    }
    case 'shipment':
      return P.orderFields(subject.shipment.order, shipmentFigures(subject.shipment), { ...products, language, billing: true });
    case 'refund':
      return P.orderFields(subject.refund.order, refundFigures(subject.refund), { ...products, language, billing: true });
    case 'invoice':
      return P.invoiceFields(subject.invoice, intent.message || DEFAULT_INVOICE_MESSAGE, ctx.store.sender);
    case 'buyer':
      if (intent.emailType === 'forgot_email') return P.passwordResetFields(subject.buyer, language, intent.link);
      return P.buyerCreatedFields(subject.buyer, subject.account, intent.link);
    case 'customer':
      return P.passwordResetFields(subject.customer, language, intent.link);
  }
}

/**
 * Rule requires a value on every field (docs/rule.md; ../shared/reference/rule-api.md §2.2) and
 * refuses the whole request for one null: a field the data does not have — a guest order's
 * Customer.Number, a manual invoice's Invoice.OrderNumber — is left out instead.
 */
const withValues = (list: P.RuleField[]) => list.filter((f) => f.value !== null && f.value !== undefined);

export function buildRequest(intent: EmailIntent, s: RuleSettings, ctx: MapContext): OutgoingRequest {
  const tag = triggerName(intent.emailType, intent.recipient, intent.storeKind, s);
  if (!tag) throw new Error(`Rule plugin ${s.name} has no tag for ${intent.emailType}`);
  const language = languageCode(ctx.language);
  const body: Record<string, unknown> = {
    apikey: REDACTED,
    update_on_duplicate: true,
    auto_create_tags: true,
    auto_create_fields: true,
    async: true,
    tags: [tag],
    subscribers: { email: intent.to, language, fields: withValues(fields(intent, s, ctx, language)) },
  };
  // Centra restarts the tag's automation for every email but the invoice (seed 002).
  if (intent.emailType !== 'invoice' && intent.emailType !== 'creditnote') body.automation = 'reset';
  return {
    method: 'POST',
    url: `${s.baseUrl ?? 'https://app.rule.io'}/api/v2/subscribers`,
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body,
  };
}

