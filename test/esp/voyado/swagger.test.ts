// Voyado calls against the v2 Swagger's models (facts in test/fixtures/voyado-swagger-receipt.json,
// read from the liblaber SDK generated from it): receipts of generated orders (not golden data) have
// every field of the type the Swagger gives, match keys from its enum, and the emulator answers an
// order with a StatusCodeResult whose statusCode is the enum's name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { toCommerceEvent } from '../../../src/centra/to-commerce-event.ts';
import { parseEvent } from '../../../src/centra/parse-event.ts';
import { planSync } from '../../../src/pipeline/plan.ts';
import { handleVoyado, VoyadoState } from '../../../sandbox/voyado/server.ts';
import { orderEventArb } from '../../helpers/arbitrary-order.ts';
import { dtcConfig, rawOrder } from './engage/fixtures.ts';
import { swaggerProblems } from '../../helpers/voyado-swagger.ts';

const swagger = JSON.parse(readFileSync(new URL('../../fixtures/voyado-swagger-receipt.json', import.meta.url), 'utf8'));
const problems = (model: string, value: unknown, at: string) => swaggerProblems(swagger, model, value, at);

const store = dtcConfig('https://tenant.voyado.com', { syncContacts: 'all' }).stores[0];

test('receipts of generated orders match the Swagger Receipt model: money as numbers, PascalCase match keys', () => {
  let checked = 0;
  fc.assert(
    fc.property(orderEventArb, fc.boolean(), (g, known) => {
      const o = rawOrder({ number: 4242, customer: { id: 3, email: 'gen@example.com', engageContactId: known ? 'c-1' : null } });
      Object.assign(o, { lines: g.event.object.lines, totals: g.event.object.totals, currencyBaseRate: g.event.object.currencyBaseRate, grandTotal: g.event.object.grandTotal });
      const plan = planSync(toCommerceEvent(parseEvent({ type: 'order', action: 'update', id: 4242, date: '2026-11-20 09:00:00', object: o })), store);
      for (const step of plan) {
        if (step.request.method !== 'POST' || !/\/receipts$/.test(step.request.url)) continue;
        assert.deepEqual(problems('receipt', step.request.body, 'receipt'), []);
        checked++;
      }
    }),
    { numRuns: 60 },
  );
  assert.ok(checked > 0, 'some receipts were planned');
});

test('the checker fails a receipt typed as before (money as strings, lower-case match key)', () => {
  const before = {
    contact: { matchKey: 'c-1', matchKeyType: 'contactId' }, uniqueReceiptId: 'u', receiptNumber: '1', createdDate: '2026-11-20T09:00:00+01:00',
    storeExternalId: 's', currency: 'SEK', totalGrossPrice: '10.00', paymentMethods: [{ type: 'card', value: '10.00' }],
    items: [{ type: 'PURCHASE', sku: 'S', articleNumber: 'A', articleName: 'N', quantity: 1, grossPaidPrice: '10.00', taxAmount: '2.00', taxPercent: '25.00' }],
  };
  const found = problems('receipt', before, 'receipt');
  assert.ok(found.some((p) => p.includes('matchKeyType')));
  assert.ok(found.some((p) => p.includes('totalGrossPrice: string')));
  assert.ok(found.some((p) => p.includes('grossPaidPrice: string')));
});

test("the emulator answers an order with StatusCodeResult { statusCode: 'Accepted' }", () => {
  const state = new VoyadoState({ apiKeys: ['k'] });
  const order = { contact: { matchKey: 'o@example.com', matchKeyType: 'email' }, orderNumber: '1', orderStatus: 'ORDER_CREATED', paymentStatus: 'SUCCESS', createdDate: '2026-11-20T09:00:00+01:00', storeId: 's', currency: 'SEK', totalGrossPrice: '10.00', items: [] };
  const req = { method: 'POST', url: new URL('http://voyado.test/api/v2/orders'), headers: { apikey: 'k', 'user-agent': 'test/1.0', 'content-type': 'application/json' }, rawBody: Buffer.from(JSON.stringify(order)) };
  const res = handleVoyado(state, req);
  assert.equal(res.status, 202, JSON.stringify(res.body));
  assert.deepEqual(res.body, { statusCode: 'Accepted', request: null });
});
