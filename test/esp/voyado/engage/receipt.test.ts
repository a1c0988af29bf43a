// Receipt bodies: totals agree with the items (decimal sums), returns have negative quantities and
// positive row prices, and every body passes the emulator's receipt validation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Decimal } from '../../../../src/domain/money.ts';
import type { CentraEvent } from '../../../../src/centra/event-schema.ts';
import { toCommerceEvent } from '../../../../src/centra/to-commerce-event.ts';
import type { StoreConfig } from '../../../../src/config/schema.ts';
import { planSync } from '../../../../src/pipeline/plan.ts';
import { signedTotal } from '../../../../src/esp/voyado/engage/receipt.ts';
import { receiptProblem } from '../../../../sandbox/voyado/server.ts';
import { toOrder } from '../../../../src/centra/to-domain.ts';
import { parseEvent } from '../../../../src/centra/parse-event.ts';
import { orderEventArb } from '../../../helpers/arbitrary-order.ts';
import { dtcConfig, orderEvent, returnEvent, rawOrder } from './fixtures.ts';

/** The sync a Centra event causes, converted to the domain as the pipeline does. */
const syncOf = (e: CentraEvent, s: StoreConfig) => planSync(toCommerceEvent(e), s);

const store = dtcConfig('https://tenant.voyado.com', { syncContacts: 'all' }).stores[0];
const customer = { id: 1, email: 'member@example.com' };

function bodyOf(plan: ReturnType<typeof planSync>): any {
  assert.equal(plan.length, 1);
  return plan[0].request.body;
}

function assertConsistent(body: any) {
  assert.equal(receiptProblem(body), undefined);
  const total = new Decimal(body.totalGrossPrice);
  assert.ok(total.equals(signedTotal(body.items)), `total ${body.totalGrossPrice} ≠ Σ items`);
  assert.ok(total.equals(new Decimal(body.paymentMethods[0].value)), 'the payment is the total');
  const taxItems = body.items.reduce((s: Decimal, i: any) => s.plus(i.taxAmount), new Decimal(0));
  const taxDetails = body.taxDetails.reduce((s: Decimal, t: any) => s.plus(t.value), new Decimal(0));
  assert.ok(taxDetails.abs().equals(taxItems), `tax details ${taxDetails} vs items ${taxItems}`);
}

test('purchase receipt of the golden order: PURCHASE rows, shipping as an adjustment, totals agree', () => {
  const event = orderEvent({ number: 11593, customer, promotionId: 'promo-inst-1' });
  const body = bodyOf(syncOf(event, store));
  assertConsistent(body);
  const order = toOrder((event as any).object);
  assert.match(body.createdDate, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/);
  assert.equal(body.receiptNumber, '11593');
  assert.equal(body.currency, order.currency);
  assert.deepEqual(body.usedPromotions, [{ promotionId: 'promo-inst-1' }]);
  const goods = body.items.filter((i: any) => i.type === 'PURCHASE');
  assert.equal(goods.length, order.lines.length);
  for (const i of body.items) {
    assert.ok(i.quantity > 0);
    assert.ok(new Decimal(i.grossPaidPrice).greaterThanOrEqualTo(0));
  }
  // Goods + shipping + handling = what the order cost.
  const expected = order.lines.reduce((s, l) => s.plus(l.unitPrice.times(l.quantity).toDecimalPlaces(2)), new Decimal(0)).plus(order.shipping).plus(order.handling);
  assert.equal(body.totalGrossPrice, Number(expected.toFixed(2)));
});

test('return receipt: quantities negative, prices positive, total and payment negative; shipping refund included', () => {
  const body = bodyOf(syncOf(returnEvent({ number: 11593, customer }, 91, { quantity: 3, shipping: 10 }), store));
  assertConsistent(body);
  assert.equal(body.uniqueReceiptId, 'centra-2-return-91');
  assert.equal(body.receiptNumber, '11593-R91');
  assert.equal(body.createdDate, '2024-07-12T12:00:00+02:00');
  assert.equal(body.usedPromotions, undefined);
  const goods = body.items.filter((i: any) => i.type === 'RETURN');
  assert.equal(goods.length, 1);
  assert.equal(goods[0].quantity, -3);
  for (const i of body.items) {
    assert.ok(i.quantity < 0, 'every return row has a negative quantity');
    assert.ok(new Decimal(i.grossPaidPrice).greaterThan(0), 'row prices stay positive');
    assert.ok(new Decimal(i.taxAmount).greaterThanOrEqualTo(0));
  }
  assert.ok(new Decimal(body.totalGrossPrice).lessThan(0));
  assert.ok(body.items.some((i: any) => i.type === 'ADJUSTMENT' && i.articleName === 'Shipping' && i.grossPaidPrice === 10));
});

test('property: for any order, the purchase receipt and a full return mirror each other exactly', () => {
  fc.assert(
    fc.property(orderEventArb, (g) => {
      const o = rawOrder({ number: 777, customer });
      const generated = g.event.object;
      Object.assign(o, { lines: generated.lines, totals: generated.totals, currencyBaseRate: generated.currencyBaseRate, grandTotal: generated.grandTotal });
      o.totals = { ...(o.totals ?? {}), handling: { value: 0 } };
      const purchase = bodyOf(syncOf(parseEvent({ type: 'order', action: 'update', id: 777, date: '2024-07-09 09:44:36', object: o }), store));
      assertConsistent(purchase);
      const ret = bodyOf(
        syncOf(
          parseEvent({
            type: 'return',
            action: 'update',
            id: 5,
            date: '2024-07-12 10:00:00',
            object: { id: 5, createdAt: '2024-07-12T12:00:00+02:00', lines: o.lines.map((l: any) => ({ orderLine: { id: l.id }, quantity: l.quantity })), shippingValue: o.totals?.shipping ?? null, refundPaymentHistory: [{ entryType: 'REFUND', status: 'SUCCESS' }], order: o },
          }),
          store,
        ),
      );
      assertConsistent(ret);
      assert.equal(-ret.totalGrossPrice, purchase.totalGrossPrice);
      assert.deepEqual(
        ret.items.map((i: any) => [i.sku, -i.quantity, i.grossPaidPrice]),
        purchase.items.map((i: any) => [i.sku, i.quantity, i.grossPaidPrice]),
      );
    }),
    { numRuns: 150 },
  );
});
