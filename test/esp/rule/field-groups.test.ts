// Rule's limits on one request (docs/rule.md): a field group under 65 KiB, automations only for
// fewer than 20 subscribers. 25 attribute-rich lines put well over 65 KiB into Order.Products: the
// mapper trims them in its documented order, the Rule emulator takes the result and refuses the
// untrimmed one; what no trimming can fit is a dead letter with the reason, never sent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startRuleEmulator } from '../../../sandbox/index.ts';
import { orderFigures } from '../../../src/domain/amounts.ts';
import type { Line, Order } from '../../../src/domain/types.ts';
import type { EmailIntent } from '../../../src/emails/intent.ts';
import { groupBytes, ruleBodyProblem, RULE_GROUP_LIMIT_BYTES } from '../../../src/esp/rule/field-groups.ts';
import * as R from '../../../src/esp/rule/payload.ts';
import { buildRequest, ruleSettingsSchema } from '../../../src/esp/rule/plugin.ts';
import { createRuleTransport } from '../../../src/esp/rule/transport.ts';
import { line, order } from '../../helpers/domain-fixtures.ts';

/** A line as a fashion catalogue has them: a long excerpt and 30 attributes of descriptive text. */
function attributeRich(id: number, text = 'Organic cotton twill, garment dyed; relaxed fit with dropped shoulders. ', comment = ''): Line {
  const base = line(id, 1, '499.00');
  const attributes = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`attribute${i}`, `${text.repeat(1)}#${i}`]));
  return { ...base, comment, productName: `Overshirt ${id}`, product: { ...base.product, excerpt: text.repeat(4), attributes } };
}

// A customer's order (Rule refuses a null Customer.Number, which a party-less order would carry).
const orderOf = (lines: Line[]): Order => ({ ...order, lines, customer: { id: 7 } as Order['customer'] });
const products = { shortProductName: false, imageSize: 'standard', include: [], exclude: [] };
const orderGroup = (fields: R.RuleField[]) => groupBytes(fields).get('Order')!;
const productsOf = (fields: R.RuleField[]) => JSON.parse(fields.find((f) => f.key === 'Order.Products')!.value as string) as Record<string, unknown>[];
const settings = ruleSettingsSchema.parse({ esp: 'rule', name: 'rule', apiKey: 'k' });
const ctx = { store: { id: 2, name: 'S', kind: 'dtc' as const, language: 'en', sender: { name: 'S', email: 's@example.com' }, urls: {}, trackingUrl: '' }, language: 'en' };
const intentFor = (o: Order) =>
  ({ key: 'k', emailType: 'order', recipient: 'customer', to: 'ada@example.com', storeId: 2, storeKind: 'dtc', subject: { kind: 'order', order: o }, event: { date: '' }, message: '', link: '', routing: {} }) as unknown as EmailIntent;

test('25 attribute-rich lines: over 65 KiB as Centra lays them out; trimmed (excerpt, then attributes) under it, what the email shows kept', () => {
  const lines = Array.from({ length: 25 }, (_, i) => attributeRich(i + 1));
  const untrimmed = R.productEntry(lines[0]!, 'SEK', products);
  assert.ok('excerpt' in untrimmed && 'attribute7' in untrimmed);
  const full = JSON.stringify(lines.map((l) => R.productEntry(l, 'SEK', products)));
  assert.ok(full.length > RULE_GROUP_LIMIT_BYTES, `untrimmed Order.Products ${full.length} bytes`);

  const fields = R.orderFields(orderOf(lines), orderFigures(orderOf(lines)), { ...products, language: 'en', billing: true });
  assert.ok(orderGroup(fields) < RULE_GROUP_LIMIT_BYTES, `Order group ${orderGroup(fields)} bytes`);
  const entries = productsOf(fields);
  assert.equal(entries.length, 25, 'every line is still there');
  for (const e of entries) {
    assert.equal('excerpt' in e, false, 'the excerpt goes first');
    assert.equal(Object.keys(e).some((k) => k.startsWith('attribute')), false, 'then the product attributes');
    for (const k of ['name', 'image', 'price', 'qty', 'subtotal', 'sku', 'size', 'taxPercent', 'brand']) assert.ok(k in e, `${k} kept`);
    assert.ok('categoryUri' in e, 'the catalogue metadata only goes when the first two steps are not enough');
  }
  assert.equal(ruleBodyProblem({ subscribers: { email: 'a@example.com', fields } }), null);
});

test('a small order is left as it is', () => {
  const lines = [attributeRich(1), attributeRich(2)];
  const fields = R.orderFields(orderOf(lines), orderFigures(orderOf(lines)), { ...products, language: 'en', billing: true });
  assert.ok('excerpt' in productsOf(fields)[0]! && 'attribute29' in productsOf(fields)[0]!);
});

test('the Rule emulator takes the trimmed request (automation fired: one subscriber per request) and refuses the untrimmed one with 400', async () => {
  const rule = await startRuleEmulator();
  try {
    const lines = Array.from({ length: 25 }, (_, i) => attributeRich(i + 1));
    const request = buildRequest(intentFor(orderOf(lines)), { ...settings, baseUrl: rule.url }, ctx);
    const body = request.body as { subscribers: { fields: R.RuleField[] } };
    assert.equal(Array.isArray(body.subscribers), false, 'one subscriber per request: under Rule’s 20');
    const transport = createRuleTransport({ credentials: () => ({ apiKey: 'rule-test-key' }) });
    const sent = await transport.send({ id: 'd1', emailType: 'order', recipient: 'customer', to: 'ada@example.com', plugin: 'rule', esp: 'rule', request }, new AbortController().signal);
    assert.equal(sent.kind, 'delivered', JSON.stringify(sent));
    assert.equal(rule.state.subscribers[0]!.automationFired, true);

    const untrimmed = body.subscribers.fields.map((f) => (f.key === 'Order.Products' ? { ...f, value: JSON.stringify(lines.map((l) => R.productEntry(l, 'SEK', products))) } : f));
    const r = await fetch(`${rule.url}/api/v2/subscribers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer rule-test-key' },
      body: JSON.stringify({ ...body, apikey: undefined, subscribers: { ...body.subscribers, fields: untrimmed } }),
    });
    assert.equal(r.status, 400);
    assert.match(JSON.stringify(await r.json()), /field group Order holds \d+ bytes; a group must stay under 65 KiB/);
  } finally {
    await rule.close();
  }
});

test('what no trimming fits (200 lines with long comments) is refused before sending: a dead letter with the reason', async () => {
  const rule = await startRuleEmulator();
  try {
    const lines = Array.from({ length: 200 }, (_, i) => attributeRich(i + 1, 'x', 'Please gift wrap, and write a card for my aunt who lives far away. '.repeat(3)));
    const request = buildRequest(intentFor(orderOf(lines)), { ...settings, baseUrl: rule.url }, ctx);
    const transport = createRuleTransport({ credentials: () => ({ apiKey: 'rule-test-key' }) });
    const sent = await transport.send({ id: 'd2', emailType: 'order', recipient: 'customer', to: 'ada@example.com', plugin: 'rule', esp: 'rule', request }, new AbortController().signal);
    assert.equal(sent.kind, 'permanent');
    assert.match((sent as { error: string }).error, /^refused before sending: field group Order holds \d+ bytes, over Rule's limit of 65 KiB/);
    assert.equal(rule.state.counters.requests, 0, 'never sent');
  } finally {
    await rule.close();
  }
});

test('a batch of 20 or more tagged subscribers fires no automation in Rule unless sync_subscribers: refused', () => {
  const subs = (n: number) => Array.from({ length: n }, (_, i) => ({ email: `s${i}@example.com` }));
  assert.equal(ruleBodyProblem({ tags: ['OrderCompleted'], subscribers: subs(19) }), null);
  assert.match(ruleBodyProblem({ tags: ['OrderCompleted'], subscribers: subs(20) })!, /fewer than 20/);
  assert.equal(ruleBodyProblem({ tags: ['OrderCompleted'], subscribers: subs(20), sync_subscribers: true }), null);
  assert.equal(ruleBodyProblem({ tags: [], subscribers: subs(50) }), null, 'no tag, no automation to lose');
});
