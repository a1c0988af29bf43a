// Shipping facts shared by the mappers.
import { roundTo, ZERO, type Decimal } from '../domain/money.ts';
import type { Order } from '../domain/types.ts';

/** The shipping tax in a part of the order's shipping (a shipment or a refund), in proportion. */
export function shipmentShippingTax(order: Order, shipping: Decimal): Decimal {
  if (shipping.isZero() || order.shipping.isZero()) return ZERO;
  if (shipping.equals(order.shipping)) return order.shippingTax;
  return roundTo(order.shippingTax.times(shipping).dividedBy(order.shipping));
}

/** The tracking link: the store's template with {trackingNumber} replaced, or the number appended. */
export function trackingUrl(template: string, trackingNumber: string): string {
  if (!trackingNumber) return '';
  if (template.includes('{trackingNumber}')) return template.replaceAll('{trackingNumber}', encodeURIComponent(trackingNumber));
  return `${template}${trackingNumber}`;
}
