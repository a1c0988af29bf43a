// DTC events and configs for the Engage tests: the golden Voyado order turned into a DTC order of
// store 2 with a customer, and shipment / return / customer events around it.
import { parseEvent } from '../../../../src/centra/parse-event.ts';
import type { CentraEvent } from '../../../../src/centra/event-schema.ts';
import { parseConfig } from '../../../../src/config/load.ts';
import type { Config } from '../../../../src/config/schema.ts';
import { rawEventAt } from '../../../helpers/golden.ts';

export interface CustomerSpec {
  id: number;
  email: string;
  isRegistered?: boolean;
  newsletter?: boolean;
  engageContactId?: string | null;
}

export interface OrderSpec {
  number: number;
  customer: CustomerSpec;
  status?: string;
  promotionId?: string;
  payment?: 'success' | 'failed' | 'none';
  market?: string;
}

const DTC_STORE = { id: 2, name: 'Webshop', type: 'DIRECT_TO_CONSUMER' };

function customerObject(c: CustomerSpec) {
  return {
    id: c.id,
    email: c.email,
    firstName: 'Cleo',
    lastName: 'Customer',
    isRegistered: c.isRegistered ?? true,
    newsletter: c.newsletter ?? false,
    engageContactId: c.engageContactId ?? null,
    billingAddress: { firstName: 'Cleo', lastName: 'Customer', country: { code: 'SE', name: 'Sweden' }, email: c.email },
  };
}

export function rawOrder(o: OrderSpec): any {
  const e = rawEventAt('test/golden/events/voyado-order.json');
  const order = e.object;
  order.store = { ...DTC_STORE };
  order.id = `hash-${o.number}`;
  order.number = o.number;
  order.status = o.status ?? 'CONFIRMED';
  order.market = { id: 7, name: o.market ?? 'Nordic Market' };
  delete order.buyer;
  delete order.account;
  delete order.purchaseOrderNumber;
  delete order.deliveryWindows;
  order.customer = customerObject(o.customer);
  if (order.billingAddress) order.billingAddress.email = o.customer.email;
  if (order.shippingAddress) order.shippingAddress.email = o.customer.email;
  order.attributes = o.promotionId ? { voyado_promotion_id: o.promotionId } : {};
  const payment = o.payment ?? 'success';
  order.paymentHistory =
    payment === 'none'
      ? []
      : payment === 'success'
        ? [{ entryType: 'AUTH', status: 'SUCCESS' }, { entryType: 'CAPTURE', status: 'SUCCESS' }]
        : [{ entryType: 'AUTH', status: 'SUCCESS' }, { entryType: 'CAPTURE_FAILED', status: 'FAILED' }];
  return order;
}

export function orderEvent(o: OrderSpec, action = 'update'): CentraEvent {
  return parseEvent({ type: 'order', action, id: o.number, date: '2024-07-09 09:44:36.000000', object: rawOrder(o) });
}

export function shipmentEvent(o: OrderSpec, shipmentId = 5000 + (o.number % 1000), opts: { isShipped?: boolean; isGoodToGo?: boolean; date?: string } = {}): CentraEvent {
  const e = rawEventAt('test/golden/events/voyado-shipment.json');
  const order = rawOrder(o);
  e.object.id = shipmentId;
  e.object.number = `${o.number}-1`;
  e.object.isShipped = opts.isShipped ?? true;
  e.object.isGoodToGo = opts.isGoodToGo ?? true;
  e.object.order = order;
  e.object.lines = order.lines.map((l: { id: number; quantity: number }) => ({ orderLine: { id: l.id }, quantity: l.quantity }));
  e.id = shipmentId;
  e.date = opts.date ?? '2024-07-09 13:41:00.000000';
  return parseEvent(e);
}

export function returnEvent(o: OrderSpec, returnId: number, opts: { refunded?: boolean; quantity?: number; shipping?: number } = {}): CentraEvent {
  const order = rawOrder(o);
  const line = order.lines[0];
  return parseEvent({
    type: 'return',
    action: 'update',
    id: returnId,
    date: '2024-07-12 10:00:00.000000',
    object: {
      id: returnId,
      createdAt: '2024-07-12T12:00:00+02:00',
      returnStatus: 'COMPLETED',
      lines: [{ orderLine: { id: line.id }, quantity: opts.quantity ?? 2 }],
      ...(opts.shipping ? { shippingValue: { value: opts.shipping } } : {}),
      refundPaymentHistory: opts.refunded === false ? [] : [{ entryType: 'REFUND', status: 'SUCCESS' }],
      order,
    },
  });
}

export function customerEvent(c: CustomerSpec, action = 'create', date = '2024-07-01 08:00:00.000000'): CentraEvent {
  return parseEvent({ type: 'customer', action, id: c.id, date, object: { ...customerObject(c), store: { ...DTC_STORE }, market: { id: 7, name: 'Nordic Market' } } });
}

export interface EngageOptions {
  syncContacts?: 'all' | 'registered' | 'engage_id' | 'off';
  newsletterAsContact?: boolean;
  receipts?: boolean;
  promotions?: { enabled: boolean; vouchers?: Record<string, string>; storefrontToken?: string };
}

/** Store 2 (DTC) with one Voyado plugin; `baseUrl` at the emulator. */
export function dtcConfig(baseUrl: string, engage: EngageOptions, sqlitePath = ':memory:', delivery: Record<string, unknown> = {}): Config {
  return parseConfig({
    stores: [
      {
        id: 2,
        name: 'Webshop',
        kind: 'dtc',
        language: 'sv-SE',
        trackingUrl: 'https://track.example/?n={trackingNumber}',
        emails: { accountCreated: false },
        plugins: [
          {
            name: 'engage',
            esp: 'voyado',
            apiKey: 'voyado-test-key',
            baseUrl,
            storeExternalId: 'market',
            engage: {
              syncContacts: engage.syncContacts ?? 'all',
              newsletterAsContact: engage.newsletterAsContact ?? false,
              receipts: engage.receipts ?? true,
              promotions: engage.promotions ?? { enabled: true, vouchers: {} },
            },
          },
        ],
      },
    ],
    storage: { sqlitePath },
    delivery: { timeoutMs: 2_000, retry: { baseMs: 50, factor: 2, capMs: 400 }, pollMs: 20, leaseMs: 10_000, ...delivery },
  });
}
