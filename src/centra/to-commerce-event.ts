// A Centra event with its snapshot → the one CommerceEvent the pipeline reads. Each snapshot is
// converted once here (to-domain.ts does the objects); what Centra says in its own vocabulary
// (actions "create"/"insert", isShipped, refundPaymentHistory, …) becomes a domain fact here and
// nowhere else.
import type { Change, CommerceEvent, RoutingFacts } from '../domain/event.ts';
import type { Order } from '../domain/types.ts';
import type { CentraEvent, CentraReturn } from './event-schema.ts';
import { toBuyerObject, toCustomerObject, toInvoice, toOrder, toRefund, toShipment } from './to-domain.ts';

function changeOf(action: string): Change {
  if (action === 'create' || action === 'insert') return 'created';
  return action === 'password_reset' ? 'password_reset' : 'updated';
}

function routingOf(order: Order): RoutingFacts {
  return { pricelist: order.pricelist, market: order.market, deliveryCountry: order.deliveryCountry, siteLanguage: order.siteLanguage };
}

/** A refund reached the customer: one of the return's refund payments succeeded. */
const refundSucceeded = (r: CentraReturn) => (r.refundPaymentHistory ?? []).some((p) => p.status === 'SUCCESS');

type About = Pick<CommerceEvent, 'subject' | 'subjectRef' | 'store' | 'routing'>;

function about(event: CentraEvent): About {
  const ofOrder = (order: Order) => ({ store: order.store, routing: routingOf(order) });
  switch (event.type) {
    case 'order': {
      const order = toOrder(event.object);
      return { subject: { kind: 'order', order }, subjectRef: `order-${order.number}`, ...ofOrder(order) };
    }
    case 'shipment': {
      const s = event.object;
      const shipment = toShipment(s);
      const subject = { kind: 'shipment' as const, shipment, shipped: s.isShipped, goodToGo: s.isGoodToGo ?? false };
      return { subject, subjectRef: `shipment-${shipment.id}`, ...ofOrder(shipment.order) };
    }
    case 'return': {
      const refund = toRefund(event.object);
      return { subject: { kind: 'refund', refund, refunded: refundSucceeded(event.object) }, subjectRef: `return-${refund.id}`, ...ofOrder(refund.order) };
    }
    case 'invoice': {
      const invoice = toInvoice(event.object);
      const routing = { pricelist: invoice.account.pricelist, market: invoice.account.market, deliveryCountry: invoice.address.country?.code ?? null, siteLanguage: null };
      return { subject: { kind: 'invoice', invoice }, subjectRef: `invoice-${invoice.id}`, store: invoice.store, routing };
    }
    // Buyers exist only in wholesale stores, customers only in direct-to-consumer ones.
    case 'buyer': {
      const { buyer, account } = toBuyerObject(event.object);
      const routing = { pricelist: account.pricelist, market: account.market, deliveryCountry: buyer.billingAddress.country?.code ?? null, siteLanguage: null };
      return { subject: { kind: 'buyer', buyer, account }, subjectRef: `buyer-${buyer.id}`, store: { id: event.object.store.id, kind: 'wholesale' }, routing };
    }
    case 'customer': {
      const customer = toCustomerObject(event.object);
      const market = event.object.market ?? null;
      const pricelist = event.object.pricelist ?? null;
      const routing = { pricelist, market, deliveryCountry: customer.billingAddress.country?.code ?? null, siteLanguage: customer.language };
      return { subject: { kind: 'customer', customer, market, pricelist }, subjectRef: `customer-${customer.id}`, store: { id: event.object.store.id, kind: 'dtc' }, routing };
    }
  }
}

export function toCommerceEvent(event: CentraEvent): CommerceEvent {
  return {
    source: { id: String(event.id), type: event.type, action: event.action, date: event.date },
    change: changeOf(event.action),
    ...about(event),
    context: event.context,
  };
}
