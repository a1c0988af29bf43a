// Sums and derived amounts of lines and orders, in one place for every mapper.
import { includedTax, roundTo, sum, toBase, ZERO, type Decimal } from './money.ts';
import type { Line, Order, Refund, Shipment } from './types.ts';

/** What the line costs: unit price × quantity. */
export const lineValue = (l: Line): Decimal => roundTo(l.unitPrice.times(l.quantity));
/** Pricelist value before discounts: unit original price × quantity. */
export const lineOriginalValue = (l: Line): Decimal => roundTo(l.unitOriginalPrice.times(l.quantity));
export const lineDiscount = (l: Line): Decimal => lineOriginalValue(l).minus(lineValue(l));
export const lineTax = (l: Line): Decimal => includedTax(lineValue(l), l.taxPercent);
export const unitTax = (l: Line): Decimal => includedTax(l.unitPrice, l.taxPercent);
export const isDiscounted = (l: Line): boolean => lineDiscount(l).greaterThan(0);

export interface LineTotals {
  value: Decimal;
  original: Decimal;
  discount: Decimal;
  tax: Decimal;
  quantity: number;
}

export function totalsOf(lines: Line[]): LineTotals {
  return {
    value: sum(lines.map(lineValue)),
    original: sum(lines.map(lineOriginalValue)),
    discount: sum(lines.map(lineDiscount)),
    tax: sum(lines.map(lineTax)),
    quantity: lines.reduce((n, l) => n + l.quantity, 0),
  };
}

/** Tax of each rate over the lines, in the order the rates first appear. */
export function taxByRate(lines: Line[]): { percent: Decimal; tax: Decimal }[] {
  const groups: { percent: Decimal; tax: Decimal }[] = [];
  for (const l of lines) {
    const group = groups.find((g) => g.percent.equals(l.taxPercent));
    if (group) group.tax = group.tax.plus(lineTax(l));
    else groups.push({ percent: l.taxPercent, tax: lineTax(l) });
  }
  return groups;
}

export { toBase };

/** The shipping tax in a part of the order's shipping (a shipment or a refund), in proportion. */
export function partShippingTax(order: Order, shipping: Decimal): Decimal {
  if (shipping.isZero() || order.shipping.isZero()) return ZERO;
  if (shipping.equals(order.shipping)) return order.shippingTax;
  return roundTo(order.shippingTax.times(shipping).dividedBy(order.shipping));
}

/**
 * The figures of one part of an order, the same for every ESP (docs/decisions.md, "Order figures"):
 * - the whole order (receipt, confirmation, cancellation) carries the order's handling fee;
 *   a shipment or a refund carries none (Centra keeps handling on the order, not on its parts);
 * - tax includes the part's shipping tax;
 * - total = lines + the part's shipping + handling (when carried).
 */
export interface PartFigures extends LineTotals {
  lines: Line[];
  shipping: Decimal;
  shippingTax: Decimal;
  handling: Decimal;
  /** Line tax plus shipping tax. */
  taxWithShipping: Decimal;
  total: Decimal;
}

function figures(order: Order, lines: Line[], shipping: Decimal, handling: Decimal, shippingTax: Decimal): PartFigures {
  const t = totalsOf(lines);
  return { ...t, lines, shipping, shippingTax, handling, taxWithShipping: t.tax.plus(shippingTax), total: t.value.plus(shipping).plus(handling) };
}

export const orderFigures = (o: Order): PartFigures => figures(o, o.lines, o.shipping, o.handling, o.shippingTax);
export const shipmentFigures = (s: Shipment): PartFigures => figures(s.order, s.lines, s.shipping, ZERO, partShippingTax(s.order, s.shipping));
export const refundFigures = (r: Refund): PartFigures => figures(r.order, r.lines, r.shipping, ZERO, partShippingTax(r.order, r.shipping));

/** Unique values in first-seen order. */
export function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}
