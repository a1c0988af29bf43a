// Order figures (docs/decisions.md "Order figures") end to end: Centra events parsed and planned
// (parseEvent → planEvent) for Klaviyo, Rule and Voyado, from one generated order (not the golden
// files) with its prices, fees and quantities set by hand so each figure can be written down;
// test/esp/part-figures.test.ts checks the mappers on domain objects.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseEvent } from '../../src/centra/parse-event.ts';
import { parseConfig } from '../../src/config/load.ts';
import { planEvent } from '../../src/pipeline/plan.ts';
import { RuleState, handleRule } from '../../sandbox/rule/server.ts';
import { configFor, orderEventArb } from '../helpers/arbitrary-order.ts';

type Esp = 'klaviyo' | 'rule' | 'voyado';

/** A DTC order (store 2): 250 units at 19.99 (25 % VAT), 59.00 shipping (11.80 tax in it), 25.00 handling. */
function order(): Record<string, any> {
  const [g] = fc.sample(orderEventArb.filter((x) => x.kind === 'dtc'), { seed: 12, numRuns: 1 });
  const o = structuredClone(g.event.object);
  o.lines = [{ ...o.lines[0], id: 1, quantity: 250, taxPercent: 25, unitPrice: { value: 19.99 }, unitOriginalPrice: { value: 19.99 } }];
  o.totals = { shipping: { value: 59 }, handling: { value: 25 }, shippingTaxIncluded: { value: 11.8 } };
  o.currencyBaseRate = 1;
  return o;
}

function refundEvent(shipping?: number) {
  const object = {
    id: 41,
    createdAt: '2025-03-05T10:00:00+01:00',
    returnStatus: 'COMPLETED',
    lines: [{ orderLine: { id: 1 }, quantity: 2 }],
    ...(shipping === undefined ? {} : { shippingValue: { value: shipping } }),
    refundPaymentHistory: [{ entryType: 'REFUND', status: 'SUCCESS' }],
    order: order(),
  };
  return parseEvent({ type: 'return', action: 'update', id: 41, date: '2025-03-05 09:00:00.000000', object });
}

function shipmentEvent(id: number, quantity: number, shipping: number) {
  const object = {
    id,
    number: `5000-${id}`,
    createdAt: '2025-03-02T10:00:00+01:00',
    isShipped: true,
    isGoodToGo: true,
    shippedAt: '2025-03-02T10:00:00+01:00',
    trackingNumber: `T${id}`,
    additionalMessage: '',
    shippingValue: { value: shipping },
    lines: [{ orderLine: { id: 1 }, quantity }],
    order: order(),
  };
  return parseEvent({ type: 'shipment', action: 'update', id, date: '2025-03-02 09:00:00.000000', object, context: { sendEmailToClient: true } });
}

function only(esp: Esp, event: ReturnType<typeof parseEvent>) {
  const plan = planEvent(event, parseConfig(configFor(esp)));
  const ds = plan.deliveries.filter((d) => d.esp === esp);
  assert.equal(ds.length, 1, JSON.stringify(plan.skipped));
  return ds[0].request.body as any;
}

const ruleField = (body: any, key: string) => (body.subscribers.fields as any[]).find((f) => f.key === key)?.value;

/** Total and tax as each ESP names them. */
function figures(esp: Esp, body: any): { total: string; tax: string; handling: string; value?: number } {
  if (esp === 'klaviyo') {
    const p = body.data.attributes.properties;
    return { total: p.GrossPaidPriceInCustomerCurrency, tax: p.TaxAmountInCustomerCurrency, handling: '-', value: body.data.attributes.value };
  }
  if (esp === 'rule') return { total: ruleField(body, 'Order.TotalAmount'), tax: ruleField(body, 'Order.VatAmount'), handling: ruleField(body, 'Order.HandlingAmount') };
  const tax = [...body.taxDetails.map((t: any) => t.value), body.freightFee.tax].reduce((s: number, v: string) => s + Math.round(Number(v) * 100), 0);
  return { total: body.totalGrossPrice, tax: (tax / 100).toFixed(2), handling: body.handlingFee.value };
}

const ESPS: Esp[] = ['klaviyo', 'rule', 'voyado'];

test('a refund of 2 of 250 units at 19.99 totals 39.98 in every ESP, not 64.98 (no handling fee)', () => {
  for (const esp of ESPS) {
    const f = figures(esp, only(esp, refundEvent()));
    assert.equal(f.total, '39.98', esp);
    // 2 × 19.99 = 39.98 at 25 % VAT: 39.98 × 25 / 125 = 8.00 (rounded half up).
    assert.equal(f.tax, '8.00', esp);
    if (esp !== 'klaviyo') assert.equal(f.handling, '0.00', esp);
  }
});

test('a refund with refunded shipping: shipping and its tax in the total; Klaviyo value = GrossPaidPriceInCustomerCurrency', () => {
  for (const esp of ESPS) {
    // 29.50 of 59.00 shipping refunded: its tax is half of 11.80 = 5.90.
    const f = figures(esp, only(esp, refundEvent(29.5)));
    assert.equal(f.total, '69.48', esp);
    assert.equal(f.tax, '13.90', esp);
    if (esp === 'klaviyo') assert.equal(f.value, 69.48);
  }
});

test('shipments: no handling fee in any shipment, VAT includes the shipment\'s shipping tax, the same in every ESP', () => {
  for (const esp of ESPS) {
    // First shipment: 100 units and all the shipping; a later one: 150 units and none.
    const first = figures(esp, only(esp, shipmentEvent(1, 100, 59)));
    assert.equal(first.total, '2058.00', esp); // 1999.00 + 59.00
    assert.equal(first.tax, '411.60', esp); // 1999.00 × 25 / 125 = 399.80, + 11.80
    const later = figures(esp, only(esp, shipmentEvent(2, 150, 0)));
    assert.equal(later.total, '2998.50', esp);
    assert.equal(later.tax, '599.70', esp);
    if (esp === 'klaviyo') assert.equal(later.value, 2998.5);
    else assert.equal(later.handling, '0.00', esp);
  }
});

test('the order itself carries the handling fee and the shipping tax in every ESP', () => {
  const event = parseEvent({ type: 'order', action: 'create', id: 5000, date: '2025-03-01 09:00:00.000000', object: { ...order(), status: 'PENDING' }, context: { sendEmailToClient: true } });
  for (const esp of ESPS) {
    const f = figures(esp, only(esp, event));
    assert.equal(f.total, '5081.50', esp); // 4997.50 + 59.00 + 25.00
    assert.equal(f.tax, '1011.30', esp); // 4997.50 × 25 / 125 = 999.50, + 11.80
    if (esp === 'klaviyo') assert.equal(f.value, 5081.5);
    else assert.equal(f.handling, '25.00', esp);
  }
});

test('Rule: a manual invoice with no order has no Invoice.OrderNumber, and the Rule emulator takes it', () => {
  const invoice = {
    id: 77,
    type: 'invoice',
    createdAt: '2025-03-03T11:00:00+01:00',
    currency: { code: 'EUR' },
    order: null,
    address: { firstName: 'Ada', lastName: 'Berg', companyName: 'Berg AB', email: 'ada@example.com' },
    buyer: { id: 7, email: 'ada@example.com', firstName: 'Ada', lastName: 'Berg', companyName: 'Berg AB' },
    account: { id: 3, name: 'Berg AB' },
    store: { id: 1, name: 'Wholesale', type: 'WHOLESALE' },
    lines: [],
    link: 'https://showroom.example/invoice/77',
    payLink: 'https://pay.example/77',
  };
  const body = only('rule', parseEvent({ type: 'invoice', action: 'create', id: 77, date: '2025-03-03 10:00:00.000000', object: invoice, context: { sendEmailInvoice: true } }));
  const fields = body.subscribers.fields as { key: string; value: unknown }[];
  assert.ok(!fields.some((f) => f.key === 'Invoice.OrderNumber'), 'no Invoice.OrderNumber');
  assert.deepEqual(fields.filter((f) => f.value === null), []);
  assert.equal(ruleField(body, 'Invoice.Id'), 77);
  const state = new RuleState({});
  const res = handleRule(state, {
    method: 'POST',
    url: new URL('http://rule.test/api/v2/subscribers'),
    headers: { 'content-type': 'application/json' },
    rawBody: Buffer.from(JSON.stringify({ ...body, apikey: 'rule-test-key' })),
  });
  assert.ok(res.status < 300, `${res.status} ${JSON.stringify(res.body)}`);
});
