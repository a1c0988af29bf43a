// Every Klaviyo request body the bridge builds validates against Klaviyo's own OpenAPI
// (../shared/vendor/klaviyo/create_event.json, EventCreateQueryV2), read at test time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { klaviyoEventValidator } from '../../sandbox/klaviyo/server.ts';
import { parseEvent } from '../../src/centra/parse-event.ts';
import { parseConfig } from '../../src/config/load.ts';
import { planEvent } from '../../src/pipeline/plan.ts';
import { asEmail, configFor, orderEventArb } from '../helpers/arbitrary-order.ts';
import { configAt, eventAt, readManifest } from '../helpers/golden.ts';

const validate = klaviyoEventValidator();

function assertValid(body: unknown, what: string) {
  const ok = validate(body);
  assert.ok(ok, `${what}: ${JSON.stringify(validate.errors)}`);
}

test('the validator rejects a body that breaks the contract', () => {
  assert.equal(validate({ data: { type: 'event', attributes: { properties: {}, metric: { data: { type: 'metric', attributes: {} } } } } }), false);
  assert.equal(validate({ data: { type: 'event', attributes: { properties: {}, metric: { data: { type: 'metric', attributes: { name: 'x' } } }, profile: { data: { type: 'profile', attributes: {} } }, time: 'yesterday' } } }), false);
});

test('every Klaviyo request of the golden events validates', () => {
  let n = 0;
  for (const entry of readManifest().filter((e) => e.golden.startsWith('klaviyo/'))) {
    for (const d of planEvent(eventAt(entry.event), configAt(entry.config)).deliveries) {
      assertValid(d.request.body, `${entry.event} ${d.emailType}/${d.recipient}`);
      n++;
    }
  }
  assert.ok(n >= 10);
});

test('every Klaviyo request of generated orders validates', () => {
  const config = parseConfig(configFor('klaviyo'));
  fc.assert(
    fc.property(orderEventArb, fc.constantFrom('order' as const, 'order_conf' as const, 'cancel' as const), (g, email) => {
      for (const d of planEvent(parseEvent(asEmail(g.event, email)), config).deliveries) assertValid(d.request.body, `${email}/${d.recipient}`);
    }),
    { numRuns: 100 },
  );
});
