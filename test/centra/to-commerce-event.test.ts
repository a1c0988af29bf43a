// The one conversion from a Centra event to the domain: Centra's vocabulary (actions, isShipped,
// refundPaymentHistory, the customer object's market) becomes the facts decisions read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseEvent } from '../../src/centra/parse-event.ts';
import { toCommerceEvent } from '../../src/centra/to-commerce-event.ts';
import { customerEvent, returnEvent, shipmentEvent } from '../esp/voyado/engage/fixtures.ts';
import { rawEventAt } from '../helpers/golden.ts';

const withAction = (file: string, action: string) => parseEvent({ ...rawEventAt(file), action });

test('Centra actions become a change; the verbatim action stays in the source', () => {
  const cases: [string, string][] = [
    ['create', 'created'],
    ['insert', 'created'],
    ['password_reset', 'password_reset'],
    ['update', 'updated'],
    ['good_to_go', 'updated'],
  ];
  for (const [action, change] of cases) {
    const e = toCommerceEvent(withAction('test/golden/events/klaviyo-order.json', action));
    assert.equal(e.change, change, action);
    assert.equal(e.source.action, action);
  }
});

test('a shipment: shipped and good to go from isShipped / isGoodToGo, store and routing from its order', () => {
  const order = { number: 4100, customer: { id: 5, email: 'c@example.com' } };
  for (const isShipped of [true, false])
    for (const isGoodToGo of [true, false]) {
      const e = toCommerceEvent(shipmentEvent(order, 5200, { isShipped, isGoodToGo }));
      assert.equal(e.subject.kind, 'shipment');
      if (e.subject.kind !== 'shipment') continue;
      assert.deepEqual([e.subject.shipped, e.subject.goodToGo], [isShipped, isGoodToGo]);
      assert.equal(e.subjectRef, 'shipment-5200');
      assert.deepEqual(e.store, { id: 2, kind: 'dtc' });
      assert.deepEqual(e.routing.market, { id: 7, name: 'Nordic Market' });
      assert.equal(e.subject.shipment.order.number, 4100);
    }
  const raw = rawEventAt('test/golden/events/klaviyo-shipment.json');
  delete raw.object.isGoodToGo;
  const e = toCommerceEvent(parseEvent(raw));
  assert.ok(e.subject.kind === 'shipment' && e.subject.goodToGo === false, 'absent isGoodToGo is not good to go');
});

test('a return is refunded only with a SUCCESS refund payment', () => {
  const order = { number: 4101, customer: { id: 6, email: 'd@example.com' } };
  const paid = toCommerceEvent(returnEvent(order, 90));
  const unpaid = toCommerceEvent(returnEvent(order, 91, { refunded: false }));
  assert.ok(paid.subject.kind === 'refund' && paid.subject.refunded);
  assert.ok(unpaid.subject.kind === 'refund' && !unpaid.subject.refunded);
  assert.equal(unpaid.subjectRef, 'return-91');
  const failed = rawEventAt('examples/refund.json');
  failed.object.refundPaymentHistory = [{ entryType: 'REFUND', status: 'FAILED' }];
  const e = toCommerceEvent(parseEvent(failed));
  assert.ok(e.subject.kind === 'refund' && !e.subject.refunded);
});

test("a customer: the customer object's market and pricelist are the subject's and routing's", () => {
  const e = toCommerceEvent(customerEvent({ id: 9, email: 'e@example.com' }));
  assert.ok(e.subject.kind === 'customer');
  if (e.subject.kind !== 'customer') return;
  assert.deepEqual(e.subject.market, { id: 7, name: 'Nordic Market' });
  assert.equal(e.subject.pricelist, null);
  assert.deepEqual(e.routing, { pricelist: null, market: { id: 7, name: 'Nordic Market' }, deliveryCountry: 'SE', siteLanguage: null });
  assert.deepEqual(e.store, { id: 2, kind: 'dtc' });
  assert.equal(e.subjectRef, 'customer-9');
});

test('a buyer is wholesale, with the routing facts of its account', () => {
  const raw = rawEventAt('examples/buyer_created.json');
  const e = toCommerceEvent(parseEvent(raw));
  assert.equal(e.store.kind, 'wholesale');
  assert.equal(e.store.id, raw.object.store.id);
  assert.equal(e.subjectRef, `buyer-${raw.object.id}`);
  assert.deepEqual(e.routing.market, raw.object.account.market ?? null);
  assert.equal(e.source.id, String(raw.id));
});
