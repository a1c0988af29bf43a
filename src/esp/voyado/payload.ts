// Voyado Engage bodies (golden: ../shared/golden/voyado/*.json): v2 orders for order emails,
// custom-trigger payloads for the others. Pure functions.
import { isDiscounted, lineDiscount, lineOriginalValue, lineTax, lineValue, taxByRate, type PartFigures } from '../../domain/amounts.ts';
import { personName, regionCode, regionName } from '../../domain/address.ts';
import { isoWithOffset, localDateTime, longDateTime } from '../../domain/dates.ts';
import { percentLabel, plainAmount } from '../../domain/money.ts';
import type { Account, Address, Buyer, Customer, Invoice, Line, Order } from '../../domain/types.ts';
import { renderInvoiceMessage } from '../../emails/invoice-message.ts';
import { invoiceAccount, invoiceItems } from '../../emails/invoice-data.ts';
import { trackingUrl } from '../../emails/shipping.ts';

type Body = Record<string, unknown>;

function addressExtra(prefix: 'billing' | 'shipping', a: Address): Body {
  return {
    [`${prefix}AddressFirstName`]: a.firstName,
    [`${prefix}AddressLastName`]: a.lastName,
    [`${prefix}AddressStreet`]: a.address1,
    [`${prefix}AddressStreet2`]: a.address2,
    [`${prefix}AddressCity`]: a.city,
    [`${prefix}AddressPostalCode`]: a.zip,
    [`${prefix}AddressCountry`]: a.country?.name ?? null,
    [`${prefix}AddressCountryCode`]: a.country?.code ?? null,
    [`${prefix}AddressState`]: regionName(a),
    [`${prefix}AddressStateCode`]: regionCode(a),
    [`${prefix}TelephoneNumber`]: a.phone,
    [`${prefix}Email`]: a.email,
  };
}

function item(l: Line, type: 'purchase' | 'return', imageSize: string): Body {
  const discount = lineDiscount(l);
  return {
    type,
    sku: l.sku,
    quantity: l.quantity,
    description: l.productName,
    grossPaidPrice: plainAmount(lineValue(l)),
    imageUrl: l.images[imageSize] ?? '',
    targetUrl: l.productUrl,
    extraData: { size: l.sizeLabel, variation: l.variantName, isSale: isDiscounted(l) },
    discounts: isDiscounted(l) ? [{ type: 'Discount', description: 'Discount', value: plainAmount(discount.negated()) }] : [],
    grossPaidPricePerUnit: plainAmount(l.unitPrice),
    originalPrice: plainAmount(lineOriginalValue(l)),
    originalPricePerUnit: plainAmount(l.unitOriginalPrice),
    discounted: isDiscounted(l),
    taxAmount: plainAmount(lineTax(l)),
    taxPercent: plainAmount(l.taxPercent, 3),
  };
}

export interface VoyadoOrderInput {
  order: Order;
  /** The whole order's figures, or a shipment's or a return's (domain/amounts.ts). */
  figures: PartFigures;
  email: string;
  orderStatus: string;
  paymentStatus: string;
  storeId: string;
  language: string;
  imageSize: string;
  deliveryType: string;
  message: string;
  isReturn: boolean;
  shipment?: { shippedAt: string; trackingNumber: string; carrier: { carrier: string; service: string }; trackingTemplate: string };
}

export function orderBody(x: VoyadoOrderInput): Body {
  const { order } = x;
  const t = x.figures;
  const total = t.total;
  const s = x.shipment;
  const body: Body = {
    contact: { matchKey: x.email, matchKeyType: 'email' },
    orderNumber: String(order.number),
    createdDate: isoWithOffset(order.createdAt),
    orderStatus: x.orderStatus,
    paymentStatus: x.paymentStatus,
    storeId: x.storeId,
    currency: order.currency,
    items: t.lines.map((l) => item(l, x.isReturn ? 'return' : 'purchase', x.imageSize)),
    // A rate, not money: Engage takes it as a number.
    exchangeRateToGroupCurrency: Number(order.baseRate.toString()),
    freightFee: { value: plainAmount(t.shipping), tax: plainAmount(t.shippingTax) },
    handlingFee: { value: plainAmount(t.handling), tax: '0.00' },
    paymentMethods: [{ type: order.paymentMethod, description: 'N/A', value: plainAmount(total) }],
    extraData: {
      ...addressExtra('billing', order.billingAddress),
      ...addressExtra('shipping', order.shippingAddress),
      additionalMessage: x.message,
      shippingMethod: s ? [s.carrier.carrier, s.carrier.service].filter(Boolean).join(' ') : '',
      trackingNumber: s?.trackingNumber ?? '',
      trackingLinkHTML: s ? trackingUrl(s.trackingTemplate, s.trackingNumber) : '',
      customerNumber: (order.buyer ?? order.customer)?.id ?? null,
      taxDeduction: plainAmount(order.taxDeducted),
      orderPlaced: localDateTime(order.createdAt),
      methodForPayment: order.paymentMethod,
      returnFeeValue: '0.00',
      returnFeeTax: '0.00',
    },
    totalOriginalPrice: plainAmount(t.original),
    totalGrossPrice: plainAmount(total),
    totalItemsPrice: plainAmount(t.value),
    anyReturnItems: x.isReturn,
    taxDetails: taxByRate(t.lines).map((g) => ({ description: percentLabel(g.percent), value: plainAmount(g.tax) })),
  };
  if (s) body.shippingDate = isoWithOffset(s.shippedAt);
  body.language = x.language;
  body.shippingId = s?.trackingNumber ?? '';
  body.deliveryType = x.deliveryType;
  return body;
}

export function welcomeTrigger(buyer: Buyer, account: Account, link: string): Body {
  return { accountName: account.name, companyName: buyer.company, setPasswordLinkHTML: link };
}

export function passwordResetTrigger(person: Buyer | Customer, link: string): Body {
  return { passwordRestoreLinkHTML: link, firstName: person.firstName, lastName: person.lastName };
}

export function invoiceTrigger(inv: Invoice, message: string, store: { name: string; email: string }): Body {
  return {
    invoiceLinkHTML: inv.link,
    payLinkHTML: inv.payLink,
    invoiceId: inv.id,
    orderNumber: inv.orderNumber === null ? null : String(inv.orderNumber),
    date: longDateTime(inv.createdAt),
    name: personName(inv.address),
    company: inv.address.company,
    poNumber: inv.purchaseOrderNumber,
    type: inv.kind,
    customMessage: renderInvoiceMessage(message, inv, store),
    account: invoiceAccount(inv),
    items: invoiceItems(inv),
  };
}
