// Engage receipts (POST /api/v3/receipts, reference §7): a Purchase for a confirmed order, a Return
// for a registered refund. Pure; money with the shared decimal helpers. Goods are PURCHASE / RETURN
// rows; shipping and handling are ADJUSTMENT rows, so that totalGrossPrice is the sum of the rows.
// Returns: quantities negative, prices (row totals) positive, totals and payments negative.
// Money and rates are JSON numbers and match keys PascalCase, as the v2 Swagger types them
// (test/fixtures/voyado-swagger-receipt.json, docs/voyado.md).
import { lineTax, lineValue } from '../../../domain/amounts.ts';
import { isoWithOffset } from '../../../domain/dates.ts';
import { ZERO, dec, includedTax, jsonAmount, percentLabel, sum, type Decimal } from '../../../domain/money.ts';
import type { Line, Order, Refund } from '../../../domain/types.ts';

type Body = Record<string, unknown>;

export const PROMOTION_ATTRIBUTE = 'voyado_promotion_id';

export interface ReceiptContact {
  /** The contact's Engage id when known (matched by contactId), else its email (matched as a Member). */
  contactId?: string | null;
  email: string;
  memberContactType: string;
}

interface Row {
  type: 'PURCHASE' | 'RETURN' | 'ADJUSTMENT';
  sku: string;
  articleNumber: string;
  articleName: string;
  quantity: number;
  /** Row total, positive. */
  gross: Decimal;
  tax: Decimal;
  taxPercent: Decimal;
  discounts: { value: number; type: string; description: string }[];
  extraData: { name: string; value: string }[];
}

function goodsRow(l: Line, isReturn: boolean): Row {
  const original = l.unitOriginalPrice.times(l.quantity);
  const discount = original.minus(lineValue(l));
  return {
    type: isReturn ? 'RETURN' : 'PURCHASE',
    sku: l.sku,
    articleNumber: l.productSku || l.sku,
    articleName: l.variantName ? `${l.productName} ${l.variantName}` : l.productName,
    quantity: isReturn ? -l.quantity : l.quantity,
    gross: lineValue(l),
    tax: lineTax(l),
    taxPercent: l.taxPercent,
    discounts: discount.greaterThan(0) ? [{ value: jsonAmount(discount.negated()), type: 'Discount', description: 'Discount' }] : [],
    extraData: [
      { name: 'size', value: l.sizeLabel },
      { name: 'variation', value: l.variantName },
    ].filter((x) => x.value !== ''),
  };
}

/** Shipping or handling as an ADJUSTMENT row (tax: the given amount, its rate derived from it). */
function feeRow(name: 'Shipping' | 'Handling', gross: Decimal, tax: Decimal, isReturn: boolean): Row | null {
  if (gross.isZero()) return null;
  const net = gross.minus(tax);
  const percent = tax.isZero() || net.isZero() ? ZERO : tax.dividedBy(net).times(100).toDecimalPlaces(2);
  return {
    type: 'ADJUSTMENT',
    sku: name.toUpperCase(),
    articleNumber: name.toUpperCase(),
    articleName: name,
    quantity: isReturn ? -1 : 1,
    gross,
    tax,
    taxPercent: percent,
    discounts: [],
    extraData: [],
  };
}

function rowBody(r: Row): Body {
  const body: Body = {
    type: r.type,
    sku: r.sku,
    articleNumber: r.articleNumber,
    articleName: r.articleName,
    quantity: r.quantity,
    grossPaidPrice: jsonAmount(r.gross),
    taxAmount: jsonAmount(r.tax),
    taxPercent: jsonAmount(r.taxPercent),
  };
  if (r.discounts.length) body.discounts = r.discounts;
  if (r.extraData.length) body.extraData = r.extraData;
  return body;
}

/** Σ sign × row total: the receipt's totalGrossPrice (negative for a return). */
export function signedTotal(rows: { quantity: number; grossPaidPrice: number | string }[]): Decimal {
  return sum(rows.map((r) => (r.quantity < 0 ? dec(r.grossPaidPrice).negated() : dec(r.grossPaidPrice))));
}

function contactOf(c: ReceiptContact): Body {
  return c.contactId
    ? { matchKey: c.contactId, matchKeyType: 'ContactId' }
    : { matchKey: c.email, matchKeyType: 'Email', contactType: c.memberContactType };
}

function taxDetails(rows: Row[], sign: 1 | -1): Body[] {
  const groups: { percent: Decimal; tax: Decimal; gross: Decimal }[] = [];
  for (const r of rows) {
    const g = groups.find((x) => x.percent.equals(r.taxPercent));
    if (g) {
      g.tax = g.tax.plus(r.tax);
      g.gross = g.gross.plus(r.gross);
    } else groups.push({ percent: r.taxPercent, tax: r.tax, gross: r.gross });
  }
  return groups.map((g) => ({
    description: `VAT ${percentLabel(g.percent)}`,
    percent: jsonAmount(g.percent),
    value: jsonAmount(g.tax.times(sign)),
    totalIncludingTax: jsonAmount(g.gross.times(sign)),
    totalExcludingTax: jsonAmount(g.gross.minus(g.tax).times(sign)),
  }));
}

export interface ReceiptInput {
  kind: 'purchase' | 'return';
  uniqueReceiptId: string;
  receiptNumber: string;
  createdDate: string;
  storeExternalId: string;
  order: Order;
  lines: Line[];
  shipping: Decimal;
  shippingTax: Decimal;
  handling: Decimal;
  contact: ReceiptContact;
}

export function receiptBody(x: ReceiptInput): Body {
  const isReturn = x.kind === 'return';
  const rows: Row[] = x.lines.filter((l) => l.quantity > 0).map((l) => goodsRow(l, isReturn));
  const ship = feeRow('Shipping', x.shipping, x.shippingTax, isReturn);
  const handling = feeRow('Handling', x.handling, ZERO, isReturn);
  if (ship) rows.push(ship);
  if (handling) rows.push(handling);
  const items = rows.map(rowBody);
  const total = signedTotal(items as { quantity: number; grossPaidPrice: number }[]);
  const o = x.order;
  const body: Body = {
    contact: contactOf(x.contact),
    uniqueReceiptId: x.uniqueReceiptId,
    receiptNumber: x.receiptNumber,
    createdDate: x.createdDate,
    storeExternalId: x.storeExternalId,
    currency: o.currency,
    exchangeRateToGroupCurrency: Number(o.baseRate.toString()),
    totalGrossPrice: jsonAmount(total),
    paymentMethods: [{ type: o.paymentPlugin || o.paymentMethod || 'unknown', description: o.paymentMethod || 'N/A', value: jsonAmount(total) }],
    items,
    taxDetails: taxDetails(rows, isReturn ? -1 : 1),
    extraData: [{ name: 'orderNumber', value: String(o.number) }],
  };
  const promo = o.attributes[PROMOTION_ATTRIBUTE];
  if (!isReturn && promo) body.usedPromotions = [{ promotionId: promo }];
  return body;
}

export function purchaseReceipt(order: Order, storePrefix: string, storeExternalId: string, contact: ReceiptContact): Body {
  return receiptBody({
    kind: 'purchase',
    uniqueReceiptId: `${storePrefix}-order-${order.number}`,
    receiptNumber: String(order.number),
    createdDate: isoWithOffset(order.createdAt),
    storeExternalId,
    order,
    lines: order.lines,
    shipping: order.shipping,
    shippingTax: order.shippingTax,
    handling: order.handling,
    contact,
  });
}

export function returnReceipt(refund: Refund, storePrefix: string, storeExternalId: string, contact: ReceiptContact, fallbackDate: string): Body {
  const o = refund.order;
  return receiptBody({
    kind: 'return',
    uniqueReceiptId: `${storePrefix}-return-${refund.id}`,
    receiptNumber: `${o.number}-R${refund.id}`,
    createdDate: isoWithOffset(refund.createdAt || fallbackDate),
    storeExternalId,
    order: o,
    lines: refund.lines,
    shipping: refund.shipping,
    shippingTax: refund.shipping.isZero() ? ZERO : o.shipping.isZero() ? ZERO : includedTaxOfShipping(o, refund.shipping),
    handling: ZERO,
    contact,
  });
}

/** Refunded shipping's tax at the order's shipping rate. */
function includedTaxOfShipping(o: Order, refunded: Decimal): Decimal {
  const net = o.shipping.minus(o.shippingTax);
  if (net.isZero() || o.shippingTax.isZero()) return ZERO;
  return includedTax(refunded, o.shippingTax.dividedBy(net).times(100));
}
