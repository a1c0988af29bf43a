// Over many generated orders: totals agree with lines, base amounts are customer amounts × rate
// rounded half up, and no payload field is undefined, NaN or a float artefact.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Decimal } from 'decimal.js';
import { parseEvent } from '../../src/centra/parse-event.ts';
import { parseConfig } from '../../src/config/load.ts';
import { planEvent } from '../../src/pipeline/plan.ts';
import { asEmail, configFor, orderEventArb } from '../helpers/arbitrary-order.ts';

const D = (v: string | number) => new Decimal(v);
const RUNS = 150;

/** Fails on undefined, NaN, Infinity and binary-float artefacts anywhere in a payload. */
function assertClean(value: unknown, at = '$'): void {
  if (value === undefined) assert.fail(`${at} is undefined`);
  if (typeof value === 'number') {
    assert.ok(Number.isFinite(value), `${at} is ${value}`);
    assert.ok(!/\d\.\d*(0{6,}|9{6,})\d$/.test(String(value)), `${at} is a float artefact: ${value}`);
  }
  if (typeof value === 'string') {
    assert.ok(!/\b(undefined|NaN|Infinity)\b/.test(value) || at.endsWith('excerpt'), `${at} contains ${value}`);
    assert.ok(!/\d\.\d*(0{6,}|9{6,})\d/.test(value), `${at} is a float artefact: ${value}`);
  }
  if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) assertClean(v, `${at}.${k}`);
}

const base = (customer: string, rate: Decimal) => D(customer).times(rate).toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed(2);
const sumOf = (xs: string[]) => xs.reduce((s, x) => s.plus(x), D(0));
/** The tax inside a tax-inclusive amount, computed independently of the mappers. */
const taxIn = (gross: string, percent: string | number) => D(gross).times(percent).dividedBy(D(percent).plus(100)).toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed(2);

const EMAILS = ['order', 'order_conf', 'cancel'] as const;

test('Klaviyo: totals agree with the items, base amounts = customer amounts × rate', () => {
  const config = parseConfig(configFor('klaviyo'));
  fc.assert(
    fc.property(orderEventArb, fc.constantFrom(...EMAILS), (g, email) => {
      const event = parseEvent(asEmail(g.event, email));
      const rate = D(g.event.object.currencyBaseRate);
      const plan = planEvent(event, config);
      assert.ok(plan.deliveries.length >= 1, JSON.stringify(plan.skipped));
      for (const d of plan.deliveries) {
        const p = (d.request.body as any).data.attributes.properties;
        assertClean(d.request.body);
        const items = p.Items as any[];
        for (const it of items) {
          assert.equal(it.GrossPaidPrice, base(it.GrossPaidPriceInCustomerCurrency, rate));
          assert.equal(it.TaxAmount, base(it.TaxAmountInCustomerCurrency, rate));
          assert.equal(it.GrossPaidPricePerUnit, base(it.GrossPaidPricePerUnitInCustomerCurrency, rate));
          assert.equal(it.TaxAmountInCustomerCurrency, taxIn(it.GrossPaidPriceInCustomerCurrency, it.TaxPercent));
          assert.equal(D(it.GrossPaidPricePerUnitInCustomerCurrency).times(it.Quantity).toFixed(2), it.GrossPaidPriceInCustomerCurrency);
          assert.equal(D(it.OriginalPriceInCustomerCurrency).minus(it.GrossPaidPriceInCustomerCurrency).toFixed(2), it.DiscountValueInCustomerCurrency);
        }
        const handling = D(g.event.object.totals.handling.value);
        const total = sumOf(items.map((i) => i.GrossPaidPriceInCustomerCurrency)).plus(p.Shipping.CostInCustomerCurrency).plus(handling);
        assert.equal(p.GrossPaidPriceInCustomerCurrency, total.toFixed(2));
        assert.equal(p.TaxAmountInCustomerCurrency, sumOf(items.map((i) => i.TaxAmountInCustomerCurrency)).plus(p.Shipping.TaxAmountInCustomerCurrency).toFixed(2));
        assert.equal(p.DiscountValueInCustomerCurrency, sumOf(items.map((i) => i.DiscountValueInCustomerCurrency)).toFixed(2));
        assert.equal(p.TaxAmount, base(p.TaxAmountInCustomerCurrency, rate));
        assert.equal(p.Shipping.Cost, base(p.Shipping.CostInCustomerCurrency, rate));
        assert.equal((d.request.body as any).data.attributes.value, Number(p.GrossPaidPriceInCustomerCurrency));
      }
    }),
    { numRuns: RUNS },
  );
});

test('Rule: subtotal − discount + shipping + handling = total, and Products add up', () => {
  const config = parseConfig(configFor('rule'));
  fc.assert(
    fc.property(orderEventArb, fc.constantFrom(...EMAILS), (g, email) => {
      const event = parseEvent(asEmail(g.event, email));
      const plan = planEvent(event, config);
      for (const d of plan.deliveries) {
        if (d.esp !== 'rule') continue;
        assertClean(d.request.body);
        const fields = new Map<string, any>(((d.request.body as any).subscribers.fields as any[]).map((f) => [f.key, f.value]));
        const amount = (k: string) => D(fields.get(k));
        const handling = fields.has('Order.HandlingAmount') ? amount('Order.HandlingAmount') : D(g.event.object.totals.handling.value);
        assert.equal(amount('Order.SubtotalAmount').minus(amount('Order.DiscountAmount')).plus(amount('Order.ShippingAmount')).plus(handling).toFixed(2), fields.get('Order.TotalAmount'));
        const products = JSON.parse(fields.get('Order.Products')) as any[];
        assert.equal(products.length, g.event.object.lines.length);
        const paid = sumOf(products.map((p) => p.subtotalAmount));
        assert.equal(paid.toFixed(2), amount('Order.SubtotalAmount').minus(amount('Order.DiscountAmount')).toFixed(2));
        for (const p of products) {
          assert.equal(D(p.priceAmount).times(p.qty).toFixed(2), p.subtotalAmount);
          if ('taxAmount' in p) assert.equal(D(p.priceWithoutTaxAmount).plus(p.taxAmount).toFixed(2), p.priceAmount);
          if ('subtotalTaxAmount' in p) assert.equal(p.subtotalTaxAmount, taxIn(p.subtotalAmount, p.taxPercent));
        }
        // Order.Vat = the lines' tax + the shipping tax (docs/decisions.md, "Order figures").
        const shippingTax = D(g.event.object.totals.shippingTaxIncluded.value);
        if (products.every((p) => 'subtotalTaxAmount' in p)) assert.equal(sumOf(products.map((p) => p.subtotalTaxAmount)).plus(shippingTax).toFixed(2), fields.get('Order.VatAmount'));
        assert.match(fields.get('Order.Total'), /^-?\d{1,3}( \d{3})*\.\d{2} [A-Z]{3}$/);
      }
    }),
    { numRuns: RUNS },
  );
});

test('Voyado: items, fees, payments and tax details agree', () => {
  const config = parseConfig(configFor('voyado'));
  fc.assert(
    fc.property(orderEventArb, fc.constantFrom(...EMAILS), (g, email) => {
      const event = parseEvent(asEmail(g.event, email));
      const plan = planEvent(event, config);
      for (const d of plan.deliveries) {
        if (d.esp !== 'voyado') continue;
        const b = d.request.body as any;
        assertClean(b);
        const items = b.items as any[];
        for (const it of items) {
          assert.equal(D(it.grossPaidPricePerUnit).times(it.quantity).toFixed(2), it.grossPaidPrice);
          assert.equal(D(it.originalPricePerUnit).times(it.quantity).toFixed(2), it.originalPrice);
          const discount = sumOf(it.discounts.map((x: any) => x.value));
          assert.equal(D(it.originalPrice).plus(discount).toFixed(2), it.grossPaidPrice);
          assert.equal(it.taxAmount, taxIn(it.grossPaidPrice, it.taxPercent));
        }
        assert.equal(b.totalItemsPrice, sumOf(items.map((i) => i.grossPaidPrice)).toFixed(2));
        assert.equal(b.totalGrossPrice, D(b.totalItemsPrice).plus(b.freightFee.value).plus(b.handlingFee.value).toFixed(2));
        assert.equal(b.paymentMethods[0].value, b.totalGrossPrice);
        assert.equal(sumOf(b.taxDetails.map((t: any) => t.value)).toFixed(2), sumOf(items.map((i) => i.taxAmount)).toFixed(2));
        assert.equal(b.exchangeRateToGroupCurrency, Number(g.event.object.currencyBaseRate));
        assert.equal(b.paymentStatus, g.event.object.paymentHistory[0].status === 'FAILED' ? 'FAILED' : 'SUCCESS');
        assert.equal(b.language, g.event.object.language?.code ?? (g.kind === 'dtc' ? 'sv-SE' : 'en'));
      }
    }),
    { numRuns: RUNS },
  );
});
