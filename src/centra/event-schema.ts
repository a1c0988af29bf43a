// The pipeline's input: a Centra event together with the snapshot of the object it refers to.
// Field names follow Centra's Integration API (GraphQL); where the schema is unknown or thin the
// field is marked "assumed" here and in docs/events.md.
import { z } from 'zod';

const amount = z.union([z.number(), z.string().regex(/^-?\d+(\.\d+)?$/, 'a decimal number such as 12.50')]);
const text = z.string().nullish();

export const monetaryValueSchema = z.object({
  value: amount,
  currency: z.object({ code: z.string().length(3, 'an ISO 4217 code such as DKK') }).optional(),
});

const countrySchema = z.object({ code: z.string(), name: z.string() });
const stateSchema = z.object({ code: z.string().nullish(), name: z.string().nullish() });

export const addressSchema = z.object({
  firstName: text,
  lastName: text,
  companyName: text,
  address1: text,
  address2: text,
  city: text,
  zipCode: text,
  stateOrProvince: text,
  state: stateSchema.nullish(),
  country: countrySchema.nullish(),
  email: text,
  phoneNumber: text,
  cellPhoneNumber: text,
});

const carrierSchema = z.object({ carrierName: text, serviceName: text });

export const orderLineSchema = z.object({
  id: z.number().int(),
  /** GraphQL __typename: ProductOrderLine (default), BundleOrderLine, GiftCertificateOrderLine. */
  __typename: z.enum(['ProductOrderLine', 'BundleOrderLine', 'GiftCertificateOrderLine']).optional(),
  productName: z.string(),
  productVariantName: text,
  /** The product's folder (its type in Centra's product tree). */
  folderName: text,
  /** The size name ("M"). */
  size: text,
  productNumber: z.string(),
  quantity: z.number().int().nonnegative(),
  taxPercent: amount,
  /** Price per unit paid, tax included, customer currency. */
  unitPrice: monetaryValueSchema,
  /** Pricelist price per unit before discounts, tax included. */
  unitOriginalPrice: monetaryValueSchema,
  hasAnyDiscount: z.boolean().optional(),
  comment: text,
  productExternalUrl: text,
  /** assumed: the display (product page) this line was bought from; Klaviyo's ProductID. */
  display: z.object({ id: z.number().int(), uri: text }).nullish(),
  product: z.object({
    id: z.number().int(),
    uri: text,
    countryOfOrigin: z.object({ code: z.string() }).nullish(),
    excerpt: text,
    stockUnit: text,
    createdAt: text,
    updatedAt: text,
    /** assumed: the product's custom attributes, keyed by attribute name, in Centra's order, as Centra renders them. */
    attributes: z.record(z.string(), z.unknown()).optional(),
  }),
  productVariant: z.object({ id: z.number().int(), name: text, variantNumber: text }),
  productSize: z
    .object({
      SKU: text,
      GTIN: text,
      EAN: text,
      UPC: text,
      sizeNumber: text,
      /** The size label shown to buyers, e.g. "M PL" (size plus size chart). */
      description: text,
    })
    .nullish(),
  brand: z.object({ id: z.number().int().optional(), name: z.string(), uri: text }).nullish(),
  /** assumed shape: the line's category, name as its path of names. */
  category: z.object({ id: z.number().int(), name: z.array(z.string()), uri: text }).nullish(),
  collection: z.object({ id: z.number().int(), name: text, uri: text }).nullish(),
  /** assumed: product images, one map of size name → URL per image, first is the main image. */
  media: z.array(z.object({ sources: z.record(z.string(), z.string()) })).optional(),
  /** assumed (wholesale): recommended retail price per unit. */
  recommendedRetailPrice: monetaryValueSchema.nullish(),
});

const partySchema = z.object({
  id: z.number().int(),
  email: z.string(),
  firstName: text,
  lastName: text,
});

export const buyerSchema = partySchema.extend({
  phoneNumber: text,
  billingAddress: addressSchema.nullish(),
  /** Whether the buyer gets automatic emails (order and shipping confirmations). */
  receiveAutoEmails: z.boolean().optional(),
  /** assumed: the buyer-level "Send order receipt" override; null = store setting. */
  sendOrderReceipt: z.boolean().nullish(),
});

export const customerSchema = partySchema.extend({
  /** assumed: registered (signed-up) versus guest customer. */
  isRegistered: z.boolean().optional(),
  language: z.object({ code: z.string() }).nullish(),
  billingAddress: addressSchema.nullish(),
  /** assumed: newsletter subscription and the Engage contact id custom attribute. */
  newsletter: z.boolean().optional(),
  engageContactId: text,
});

export const accountSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  salesRepresentative: z.object({ id: z.number().int(), name: z.string(), email: text }).nullish(),
  paymentTerms: z.object({ description: text }).nullish(),
  shippingTerms: z.object({ description: text }).nullish(),
  /** The email of Account > Shipping Address; the shipment email needs it. */
  shippingEmail: text,
  carrierInformation: carrierSchema.nullish(),
  market: z.object({ id: z.number().int(), name: z.string() }).nullish(),
  pricelist: z.object({ id: z.number().int(), name: z.string() }).nullish(),
});

const storeRefSchema = z.object({
  id: z.number().int(),
  name: text,
  type: z.enum(['WHOLESALE', 'DIRECT_TO_CONSUMER']),
});

export const orderSchema = z.object({
  /** The order's hash id. */
  id: z.string(),
  number: z.number().int(),
  status: z.string(),
  createdAt: z.string(),
  store: storeRefSchema,
  market: z.object({ id: z.number().int(), name: z.string() }).nullish(),
  pricelist: z.object({ id: z.number().int(), name: z.string() }).nullish(),
  country: z.object({ code: z.string() }).nullish(),
  /** assumed: the site language the order was placed in. */
  language: z.object({ code: z.string() }).nullish(),
  currencyBaseRate: amount,
  grandTotal: monetaryValueSchema,
  totals: z
    .object({
      shipping: monetaryValueSchema.nullish(),
      handling: monetaryValueSchema.nullish(),
      shippingTaxIncluded: monetaryValueSchema.nullish(),
      taxDeducted: monetaryValueSchema.nullish(),
    })
    .nullish(),
  discountsApplied: z.array(z.object({ value: monetaryValueSchema, code: text, voucherName: text })).optional(),
  paymentMethod: z.object({ name: text, plugin: text }).nullish(),
  shippingPriceGroup: z.object({ shippingOption: z.object({ name: text }).nullish() }).nullish(),
  /** assumed: the order's carrier (wholesale: pre-filled from the account). */
  carrierInformation: carrierSchema.nullish(),
  shippingAddress: addressSchema.nullish(),
  billingAddress: addressSchema.nullish(),
  lines: z.array(orderLineSchema).min(1, 'an order has at least one line'),
  customer: customerSchema.nullish(),
  buyer: buyerSchema.nullish(),
  account: accountSchema.nullish(),
  purchaseOrderNumber: text,
  deliveryWindows: z.array(z.object({ name: text })).optional(),
  /** assumed: a subscription order (DTC) is not a one-time purchase. */
  subscriptionContracts: z.array(z.unknown()).optional(),
  paymentHistory: z
    .array(z.object({ entryType: z.string(), status: z.string(), value: monetaryValueSchema.optional() }))
    .optional(),
  attributes: z.record(z.string(), z.string()).optional(),
});

const shipmentLineSchema = z.object({ orderLine: z.object({ id: z.number().int() }), quantity: z.number().int().nonnegative() });

export const shipmentSchema = z.object({
  id: z.number().int(),
  number: z.string(),
  createdAt: text,
  isGoodToGo: z.boolean().optional(),
  isShipped: z.boolean(),
  shippedAt: text,
  trackingNumber: text,
  numberOfPackages: z.number().int().nullish(),
  carrierInformation: carrierSchema.nullish(),
  additionalMessage: text,
  /** assumed: the shipping cost charged with this shipment (the first shipment carries the order's). */
  shippingValue: monetaryValueSchema.nullish(),
  lines: z.array(shipmentLineSchema).min(1, 'a shipment has at least one line'),
  order: orderSchema,
});

export const returnSchema = z.object({
  id: z.number().int(),
  createdAt: text,
  returnStatus: text,
  lines: z.array(shipmentLineSchema).min(1, 'a return has at least one line'),
  /** Refunded shipping, if any. */
  shippingValue: monetaryValueSchema.nullish(),
  refundPaymentHistory: z.array(z.object({ entryType: z.string(), status: z.string(), value: monetaryValueSchema.optional() })).optional(),
  order: orderSchema,
});

export const invoiceLineSchema = z.object({
  product: z.object({ id: z.number().int() }),
  productVariant: z.object({ id: z.number().int(), name: text }),
  productNumber: z.string(),
  productName: z.string(),
  brand: z.object({ name: z.string() }).nullish(),
  size: text,
  quantity: z.number().int(),
  unitOriginalPrice: monetaryValueSchema,
  unitPrice: monetaryValueSchema,
  taxPercent: amount,
});

export const invoiceSchema = z.object({
  id: z.number().int(),
  /** assumed: invoice or credit note. */
  type: z.enum(['invoice', 'creditnote']).default('invoice'),
  createdAt: z.string(),
  currency: z.object({ code: z.string() }),
  /** The order the invoice belongs to; null for a manual invoice. */
  order: z.object({ number: z.number().int(), purchaseOrderNumber: text }).nullish(),
  /** The invoice address; the email goes to its email. */
  address: addressSchema,
  buyer: partySchema.extend({ companyName: text }),
  account: accountSchema,
  store: storeRefSchema,
  lines: z.array(invoiceLineSchema),
  /** Links Centra makes for the invoice (document and payment page). */
  link: z.string(),
  payLink: z.string(),
});

const accountOwnerSchema = z.object({
  store: storeRefSchema,
});

export const buyerObjectSchema = buyerSchema.extend({ account: accountSchema }).merge(accountOwnerSchema).extend({
  /** assumed: the buyer's company (Centra shows it on the buyer). */
  companyName: text,
});
export const customerObjectSchema = customerSchema.merge(accountOwnerSchema).extend({
  market: z.object({ id: z.number().int(), name: z.string() }).nullish(),
  pricelist: z.object({ id: z.number().int(), name: z.string() }).nullish(),
});

/** What the person or system that caused the event chose (Centra's pop-ups and the "Send email" modal). */
export const contextSchema = z
  .object({
    /** Cancel pop-up and manual shipment completion: "Send email to client" (cancel default No). */
    sendEmailToClient: z.boolean().optional(),
    /** Cancel pop-up / shipment: the additional message. */
    additionalMessage: z.string().optional(),
    /** Invoice creation: "Send e-mail invoice". */
    sendEmailInvoice: z.boolean().optional(),
    /** Invoice: send a copy to the account's sales representative. */
    salesRepCopy: z.boolean().optional(),
    /** Invoice: the message typed in the modal; %date, %name, %link and %paylink are replaced. */
    customMessage: z.string().optional(),
    /** Buyer created: where ("showroom", "ams", "api"). */
    createdIn: z.enum(['showroom', 'ams', 'api']).optional(),
    /** The set-password (welcome) or password-restore link Centra made for this email. */
    link: z.string().optional(),
    /** "Send email" by hand: this one email type, regardless of the automatic settings. */
    manual: z
      .object({
        emailType: z.enum(['buyer_created', 'forgot_email', 'order', 'order_conf', 'shipment', 'cancel', 'refund', 'invoice', 'creditnote']),
        recipients: z.array(z.enum(['buyer', 'sales_rep', 'customer'])).optional(),
        /** Makes each hand-made send its own email (a resend is a new delivery). */
        requestId: z.string(),
      })
      .optional(),
  })
  .default({});

/** Control characters are refused in what becomes a key or a column: Centra sends none, and PostgreSQL cannot store a NUL. */
export const NO_CONTROL = /^[^\u0000-\u001f\u007f]*$/;
const exactInteger = (id: number | string) => typeof id !== 'string' || !/^\d+$/.test(id) || Number.isSafeInteger(Number(id));
const TOO_LARGE = 'an id above 2^53 − 1 cannot be kept exactly (it would be rounded to another id)';

/** An object id or order number as a webhook or a manual send gives it: a safe integer, as a number or as digits. */
export const centraIdSchema = z
  .union([z.number().int().nonnegative(), z.string().regex(/^\d{1,20}$/, 'a number')])
  .refine(exactInteger, TOO_LARGE)
  .transform(Number);

const base = {
  /** Centra's event id (events queue) or the webhook's object id. */
  id: z.union([z.number().int(), z.string().min(1).max(64).regex(NO_CONTROL, 'no control characters')]).refine(exactInteger, TOO_LARGE),
  action: z.string().min(1).max(64).regex(NO_CONTROL, 'no control characters'),
  /** Centra's event date, "YYYY-MM-DD HH:MM:SS[.ffffff]", taken as UTC. */
  date: z
    .string()
    .max(64)
    .regex(/^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}/, 'a date such as 2024-07-09 09:44:36.000000')
    .regex(NO_CONTROL, 'no control characters'),
  context: contextSchema,
};

export const centraEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('order'), ...base, object: orderSchema }),
  z.object({ type: z.literal('shipment'), ...base, object: shipmentSchema }),
  z.object({ type: z.literal('return'), ...base, object: returnSchema }),
  z.object({ type: z.literal('invoice'), ...base, object: invoiceSchema }),
  z.object({ type: z.literal('buyer'), ...base, object: buyerObjectSchema }),
  z.object({ type: z.literal('customer'), ...base, object: customerObjectSchema }),
]);

export type CentraEvent = z.infer<typeof centraEventSchema>;
export type CentraOrder = z.infer<typeof orderSchema>;
export type CentraOrderLine = z.infer<typeof orderLineSchema>;
export type CentraAddress = z.infer<typeof addressSchema>;
export type CentraShipment = z.infer<typeof shipmentSchema>;
export type CentraReturn = z.infer<typeof returnSchema>;
export type CentraInvoice = z.infer<typeof invoiceSchema>;
export type CentraBuyerObject = z.infer<typeof buyerObjectSchema>;
export type CentraCustomerObject = z.infer<typeof customerObjectSchema>;
export type CentraAccount = z.infer<typeof accountSchema>;
