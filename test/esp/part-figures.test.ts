// One rule per figure across Klaviyo, Rule and Voyado (docs/decisions.md, "Order figures"), checked
// with data unlike the golden files: a partial return of 2 of 250 units at 19.99 on an order with a
// 25.00 handling fee, 49.00 shipping (9.80 tax), a partial shipment, and a manual invoice with no order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dec, ZERO } from '../../src/domain/money.ts';
import { orderFigures, refundFigures, shipmentFigures } from '../../src/domain/amounts.ts';
import type { Invoice, Refund, Shipment } from '../../src/domain/types.ts';
import { address, line, order } from '../helpers/domain-fixtures.ts';
import * as K from '../../src/esp/klaviyo/payload.ts';
import { buildRequest as klaviyoRequest, klaviyoSettingsSchema } from '../../src/esp/klaviyo/plugin.ts';
import * as R from '../../src/esp/rule/payload.ts';
import * as V from '../../src/esp/voyado/payload.ts';
import type { EmailIntent } from '../../src/emails/intent.ts';

const refund: Refund = { id: 7, createdAt: '2026-11-25T09:00:00+01:00', lines: [line(1, 2, '19.99')], shipping: ZERO, order };
const refundWithShipping: Refund = { ...refund, shipping: dec('49.00') };
const laterShipment: Shipment = {
  id: 3, number: '91001-2', shippedAt: '2026-11-23T09:00:00+01:00', trackingNumber: 'T2', packages: 1, carrier: order.carrier, additionalMessage: '',
  lines: [line(2, 3, '120.50')], shipping: ZERO, order,
};

const ko = { imageSize: 'standard', eventDate: '2026-11-25 09:00:00.000000' };
const products = { shortProductName: false, imageSize: 'standard', include: [], exclude: ['name'] };
const ruleValue = (fields: R.RuleField[], key: string) => fields.find((f) => f.key === key)?.value;
const voyado = (figures: ReturnType<typeof orderFigures>, isReturn: boolean) =>
  V.orderBody({ order, figures, email: 'ada@example.com', orderStatus: 'x', paymentStatus: 'Paid', storeId: 's', language: 'sv', imageSize: 'standard', deliveryType: 'd', message: '', isReturn });

test('a partial refund carries no handling fee: 2 × 19.99 → 39.98 in every ESP (was 64.98)', () => {
  assert.equal(refundFigures(refund).total.toFixed(2), '39.98');
  assert.equal(K.refundProperties(refund, ko).GrossPaidPriceInCustomerCurrency, '39.98');
  const rule = R.orderFields(order, refundFigures(refund), { ...products, language: 'sv', billing: true });
  assert.equal(ruleValue(rule, 'Order.TotalAmount'), '39.98');
  assert.equal(ruleValue(rule, 'Order.HandlingAmount'), '0.00');
  const v = voyado(refundFigures(refund), true);
  assert.equal(v.totalGrossPrice, '39.98');
  assert.deepEqual(v.handlingFee, { value: '0.00', tax: '0.00' });
});

test('the whole order keeps its handling fee: 250 × 19.99 + 3 × 120.50 + 49.00 + 25.00', () => {
  const expected = '5433.00'; // 4997.50 + 361.50 + 49.00 + 25.00
  assert.equal(orderFigures(order).total.toFixed(2), expected);
  assert.equal(K.orderReceiptProperties(order, '', ko).GrossPaidPriceInCustomerCurrency, expected);
  assert.equal(ruleValue(R.orderFields(order, orderFigures(order), { ...products, language: 'sv', billing: true }), 'Order.TotalAmount'), expected);
  assert.equal(voyado(orderFigures(order), false).totalGrossPrice, expected);
});

test("Klaviyo's refund value agrees with GrossPaidPriceInCustomerCurrency, refunded shipping included", () => {
  const s = klaviyoSettingsSchema.parse({ esp: 'klaviyo', name: 'k', apiKey: 'k' });
  for (const r of [refund, refundWithShipping]) {
    const intent = {
      key: 'k1', emailType: 'refund', recipient: 'customer', to: 'ada@example.com', storeId: 2, storeKind: 'dtc',
      subject: { kind: 'refund', refund: r }, event: { date: '2026-11-25 09:00:00.000000' }, message: '', link: '', routing: {},
    } as unknown as EmailIntent;
    const ctx = { store: { id: 2, name: 'S', kind: 'dtc' as const, language: 'sv', sender: { name: 'S', email: 's@example.com' }, urls: {}, trackingUrl: '' }, language: 'sv' };
    const attrs = (klaviyoRequest(intent, s, ctx).body as any).data.attributes;
    assert.equal(attrs.value.toFixed(2), attrs.properties.GrossPaidPriceInCustomerCurrency);
  }
  assert.equal(K.refundProperties(refundWithShipping, ko).GrossPaidPriceInCustomerCurrency, '88.98');
});

test('a later partial shipment carries no handling fee in any ESP, and VAT includes shipping tax', () => {
  const f = shipmentFigures(laterShipment);
  assert.equal(f.total.toFixed(2), '361.50');
  assert.equal(K.shipmentProperties(laterShipment, 'Shipped', '', ko).GrossPaidPriceInCustomerCurrency, '361.50');
  const rule = R.orderFields(order, f, { ...products, language: 'sv', billing: true });
  assert.equal(ruleValue(rule, 'Order.TotalAmount'), '361.50');
  assert.equal(ruleValue(rule, 'Order.HandlingAmount'), '0.00');
  assert.equal(voyado(f, false).totalGrossPrice, '361.50');
  // The whole order: line tax 999.50 + 72.30 = 1071.80, plus 9.80 shipping tax = 1081.60, in all three.
  const whole = orderFigures(order);
  assert.equal(whole.taxWithShipping.toFixed(2), '1081.60');
  assert.equal(K.orderReceiptProperties(order, '', ko).TaxAmountInCustomerCurrency, '1081.60');
  assert.equal(ruleValue(R.orderFields(order, whole, { ...products, language: 'sv', billing: true }), 'Order.VatAmount'), '1081.60');
  const v = voyado(whole, false);
  const voyadoTax = (v.taxDetails as { value: string }[]).reduce((n, t) => n.plus(t.value), dec((v.freightFee as { tax: string }).tax));
  assert.equal(voyadoTax.toFixed(2), '1081.60');
});

test('a manual invoice with no order leaves Invoice.OrderNumber out of Rule (Rule refuses null)', () => {
  const inv: Invoice = {
    id: 55, kind: 'invoice', createdAt: '2026-11-25T09:00:00+01:00', currency: 'SEK', orderNumber: null, purchaseOrderNumber: '', address,
    buyer: { id: 1, email: 'b@example.com', firstName: 'B', lastName: 'U', company: 'Co' },
    account: { id: 4, name: 'Co', salesRep: null, paymentTerms: '', shippingTerms: '', shippingEmail: '', carrier: order.carrier, market: null, pricelist: null },
    store: { id: 1, kind: 'wholesale' }, lines: [], link: 'https://x.example/i', payLink: '',
  };
  const fields = R.invoiceFields(inv, 'Hello', { name: 'S', email: 's@example.com' });
  assert.equal(fields.some((f) => f.key === 'Invoice.OrderNumber'), false);
  assert.equal(fields.some((f) => f.value === null), false);
  assert.equal(ruleValue(R.invoiceFields({ ...inv, orderNumber: 91001 }, 'Hello', { name: 'S', email: 's@example.com' }), 'Invoice.OrderNumber'), 91001);
});
