// Shipping facts shared by the mappers.

/** The shipping tax in a part of the order's shipping: one rule, in domain/amounts.ts. */
export { partShippingTax as shipmentShippingTax } from '../domain/amounts.ts';

/** The tracking link: the store's template with {trackingNumber} replaced, or the number appended. */
export function trackingUrl(template: string, trackingNumber: string): string {
  if (!trackingNumber) return '';
  if (template.includes('{trackingNumber}')) return template.replaceAll('{trackingNumber}', encodeURIComponent(trackingNumber));
  return `${template}${trackingNumber}`;
}
