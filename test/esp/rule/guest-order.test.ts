// A guest order (no customer account, no buyer) has no Customer.Number. Rule requires a value on
// every field and refuses the whole request for a null one, so the field is left out and the
// confirmation goes through: checked against the Rule emulator, which refuses nulls as Rule does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startRuleEmulator } from '../../../sandbox/index.ts';
import type { EmailIntent } from '../../../src/emails/intent.ts';
import type { RuleField } from '../../../src/esp/rule/payload.ts';
import { buildRequest, ruleSettingsSchema } from '../../../src/esp/rule/plugin.ts';
import { createRuleTransport } from '../../../src/esp/rule/transport.ts';
import { order } from '../../helpers/domain-fixtures.ts';

const settings = ruleSettingsSchema.parse({ esp: 'rule', name: 'rule', apiKey: 'k' });
const ctx = { store: { id: 2, name: 'S', kind: 'dtc' as const, language: 'sv', sender: { name: 'S', email: 's@example.com' }, urls: {}, trackingUrl: '' }, language: 'sv' };
const guest = { ...order, customer: null, buyer: null };
const intent = {
  key: 'g1', emailType: 'order', recipient: 'customer', to: 'guest@example.com', storeId: 2, storeKind: 'dtc',
  subject: { kind: 'order', order: guest }, event: { date: '2026-11-25 09:00:00.000000' }, message: '', link: '', routing: {},
} as unknown as EmailIntent;

test('a guest order leaves Customer.Number out (Rule refuses a null value) and Rule accepts it', async () => {
  const rule = await startRuleEmulator();
  try {
    const request = buildRequest(intent, { ...settings, baseUrl: rule.url }, ctx);
    const fields = (request.body as { subscribers: { fields: RuleField[] } }).subscribers.fields;
    assert.equal(fields.some((f) => f.key === 'Customer.Number'), false);
    assert.equal(fields.some((f) => f.value === null || f.value === undefined), false, 'no field without a value');
    assert.equal(fields.find((f) => f.key === 'Order.Number')?.value, 91001, 'the rest is there');
    const transport = createRuleTransport({ credentials: () => ({ apiKey: 'rule-test-key' }) });
    const sent = await transport.send({ id: 'g1', emailType: 'order', recipient: 'customer', to: 'guest@example.com', plugin: 'rule', esp: 'rule', request }, new AbortController().signal);
    assert.equal(sent.kind, 'delivered', JSON.stringify(sent));

    // The emulator holds Rule's rule: the same request with the null put back is refused.
    const withNull = { ...(request.body as object), apikey: undefined, subscribers: { ...(request.body as any).subscribers, fields: [...fields, { key: 'Customer.Number', value: null }] } };
    const r = await fetch(`${rule.url}/api/v2/subscribers`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer rule-test-key' }, body: JSON.stringify(withNull) });
    assert.equal(r.status, 400);
  } finally {
    await rule.close();
  }
});
