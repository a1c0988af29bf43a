import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { centraEventSchema } from '../../src/centra/event-schema.ts';
import { CentraQueryError, CentraUnavailableError, createCentraClient, mapAccountObject, mapBuyerObject, mapCustomerObject, mapInvoice, mapOrder, mapReturn, mapShipment } from '../../src/centra/graphql-client.ts';
import { ACCOUNT_QUERY, BUYER_QUERY, CUSTOMER_QUERY, INVOICE_QUERY, mediaSizeVariables, ORDER_QUERY, RETURN_QUERY, SHIPMENT_QUERY, snapshotVariables, type SnapshotKind } from '../../src/centra/queries.ts';
import { parseConfig } from '../../src/config/load.ts';
import { planEvent } from '../../src/pipeline/plan.ts';
import { CentraState, DEFAULT_CENTRA_TOKEN, executeCentra, startCentraEmulator } from '../../sandbox/centra/server.ts';
import { generateDataset, type Dataset } from '../../sandbox/centra/data.ts';
import type { EmulatorHandle } from '../../sandbox/common/server.ts';
import { control } from '../sandbox/helpers.ts';

const dataset: Dataset = generateDataset({ seed: 7, orders: 220 });
let emu: EmulatorHandle<CentraState>;

before(async () => {
  emu = await startCentraEmulator({ dataset });
});
after(async () => {
  await emu.close();
});

const client = () => createCentraClient({ url: `${emu.url}/graphql`, token: DEFAULT_CENTRA_TOKEN, timeoutMs: 2000 });
const event = (type: string, object: unknown, context: Record<string, unknown> = {}) => ({ type, action: 'update', id: 1, date: '2024-03-04 08:00:00.000000', object, context });

function validate(type: string, object: unknown): void {
  const r = centraEventSchema.safeParse(event(type, object));
  if (!r.success) assert.fail(`${type} snapshot does not validate: ${JSON.stringify(r.error.issues.slice(0, 3))}`);
}

test('dataset: deterministic from the seed, with the expected mix', () => {
  const again = generateDataset({ seed: 7, orders: 220 });
  assert.deepEqual(again.timeline, dataset.timeline);
  assert.notDeepEqual(generateDataset({ seed: 8, orders: 220 }).orders[0].id, dataset.orders[0].id);
  const statuses = new Set(dataset.orders.map((o) => o.status));
  for (const s of ['PENDING', 'CONFIRMED', 'PROCESSING', 'SHIPPED', 'CANCELLED']) assert.ok(statuses.has(s), s);
  assert.ok(dataset.orders.some((o) => o.store.type === 'WHOLESALE') && dataset.orders.some((o) => o.store.type === 'DIRECT_TO_CONSUMER'));
  assert.ok(dataset.orders.some((o) => o.lines.some((l) => l.unitOriginalPrice.value > l.unitPrice.value)));
  const taxes = new Set(dataset.orders.flatMap((o) => o.lines.map((l) => l.taxPercent)));
  for (const t of [25, 12, 19, 0]) assert.ok(taxes.has(t), `tax ${t}`);
  assert.deepEqual(new Set(dataset.orders.map((o) => o.grandTotal.currency.code)), new Set(['SEK', 'EUR', 'DKK', 'USD']));
  assert.ok(dataset.orders.some((o) => o.attributes.some((a) => a.type.name === 'voyado_promotion_id')));
  assert.ok(dataset.orders.some((o) => o.paymentHistory.some((p) => p.entryType === 'CAPTURE_FAILED')));
  assert.ok(dataset.invoices.some((i) => i.type === 'creditnote'));
  assert.ok(dataset.accounts.some((a) => a.salesRepresentative) && dataset.accounts.some((a) => !a.salesRepresentative));
  assert.ok(dataset.customers.some((c) => c.isRegistered) && dataset.customers.some((c) => !c.isRegistered));
  const orderCounts = new Map<number, number>();
  for (const s of dataset.shipments) orderCounts.set(s.orderNumber, (orderCounts.get(s.orderNumber) ?? 0) + 1);
  assert.ok([...orderCounts.values()].some((n) => n > 1), 'some orders ship in two parts');
  // Money has at most 2 decimals everywhere.
  const moneyValues: number[] = [];
  JSON.stringify(dataset, (k, v) => {
    if (k === 'value' && typeof v === 'number') moneyValues.push(v);
    return v;
  });
  assert.ok(moneyValues.length > 1000);
  for (const v of moneyValues) assert.equal(Math.round(v * 100) / 100, v);
  // Timeline is ordered and carries context on direct events only.
  for (let i = 1; i < dataset.timeline.length; i++) assert.ok(dataset.timeline[i - 1].at <= dataset.timeline[i].at);
  assert.ok(dataset.timeline.every((e) => (e.channel === 'direct') === (e.context !== undefined)));
});

test('every generated object, fetched with the client queries, validates against the snapshot schema', async () => {
  const state = new CentraState(dataset);
  // Each object asked for by its key, as the client does (a run that ignored its key would pass on the first object).
  const run = async (kind: SnapshotKind, q: string, key: number, root: string) => {
    const v = snapshotVariables(kind);
    const r = await executeCentra(state, q, { [v.keys]: [key], [v.limit]: 1, ...mediaSizeVariables(['standard']) });
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    const list = (r.data as any)[root];
    assert.equal(list.length, 1, `${kind} ${key}`);
    return list[0];
  };
  for (const o of dataset.orders) {
    const order = mapOrder(await run('order', ORDER_QUERY, o.number, 'orders'));
    assert.equal(order.number, o.number);
    validate('order', order);
    // The product's first image in the size asked for (Product.media source(sizeName:)).
    assert.match(order.lines[0].media?.[0]?.sources.standard ?? '', /^https:\/\/cdn\.brand\.example\/standard\//);
  }
  for (const s of dataset.shipments) validate('shipment', mapShipment(await run('shipment', SHIPMENT_QUERY, s.id, 'shipments')));
  for (const r of dataset.returns) validate('return', mapReturn(await run('return', RETURN_QUERY, r.id, 'returns')));
  for (const c of dataset.customers) validate('customer', mapCustomerObject(await run('customer', CUSTOMER_QUERY, c.id, 'customers')));
  // Centra has no buyers query: the buyer comes through the account that has it (accounts(where: { buyerId })).
  for (const b of dataset.buyers) {
    const account = await run('buyer', BUYER_QUERY, b.id, 'buyerAccounts');
    const raw = account.buyers.find((x: { id: number }) => x.id === b.id);
    assert.ok(raw, `buyer ${b.id} among its account's buyers`);
    validate('buyer', mapBuyerObject(raw));
  }
  for (const i of dataset.invoices) validate('invoice', mapInvoice(await run('invoice', INVOICE_QUERY, i.id, 'invoices')));
  const acc = mapAccountObject(await run('account', ACCOUNT_QUERY, dataset.accounts[0].id, 'accounts'));
  assert.deepEqual(acc.buyers.map((b) => b.id), dataset.accounts[0].buyerIds);
});

const config = parseConfig({
  stores: [
    {
      id: 1, name: 'Showroom', kind: 'wholesale', language: 'en',
      urls: { showroom: 'https://showroom.brand.example', company: 'https://www.brand.example' },
      emails: { welcomeEmail: 'yes', orderConfirmationTo: 'both', shipmentConfirmationTo: 'both' },
      plugins: [{ name: 'klaviyo', esp: 'klaviyo', apiKey: { env: 'KLAVIYO_API_KEY' } }],
    },
    {
      id: 2, name: 'Webshop', kind: 'dtc', language: 'en',
      plugins: [{ name: 'klaviyo-dtc', esp: 'klaviyo', apiKey: { env: 'KLAVIYO_API_KEY' } }],
    },
  ],
});

test('client over HTTP: every type fetches a valid snapshot that plans deliveries', async () => {
  const c = client();
  const wOrder = dataset.orders.find((o) => o.store.type === 'WHOLESALE' && o.status === 'SHIPPED')!;
  const dOrder = dataset.orders.find((o) => o.store.type === 'DIRECT_TO_CONSUMER' && o.status === 'SHIPPED' && o.attributes.length)!;
  const shipment = dataset.shipments.find((s) => s.orderNumber === wOrder.number)!;
  const ret = dataset.returns.find((r) => dataset.orders.find((o) => o.number === r.orderNumber)!.store.type === 'DIRECT_TO_CONSUMER')!;
  const customer = dataset.customers.find((x) => x.isRegistered)!;
  const buyer = dataset.buyers[0];
  const invoice = dataset.invoices.find((i) => i.type === 'invoice')!;
  const cases: [string, number, string, Record<string, unknown>][] = [
    ['order', wOrder.number, 'create', {}],
    ['order', dOrder.number, 'create', {}],
    ['shipment', shipment.id, 'update', {}],
    ['return', ret.id, 'update', {}],
    ['customer', customer.id, 'create', {}],
    ['buyer', buyer.id, 'create', { createdIn: 'showroom', link: 'https://showroom.brand.example/welcome?id=1' }],
    ['invoice', invoice.id, 'create', { sendEmailInvoice: true }],
  ];
  for (const [type, id, action, context] of cases) {
    const object = await c.fetchSnapshot({ type: type as any, id });
    assert.ok(object, `${type} ${id} exists`);
    const parsed = centraEventSchema.parse({ type, action, id, date: '2024-03-04 08:00:00.000000', object, context });
    const plan = planEvent(parsed, config);
    assert.ok(plan.deliveries.length > 0, `${type} ${action} plans deliveries: ${JSON.stringify(plan.skipped)}`);
    assert.ok(plan.deliveries.every((d) => d.esp === 'klaviyo'));
  }
  const order = await c.fetchSnapshot({ type: 'order', id: dOrder.number });
  assert.equal(order!.number, dOrder.number);
  assert.equal(order!.store.type, 'DIRECT_TO_CONSUMER');
  assert.ok(order!.customer?.email);
  assert.equal(typeof Object.values(order!.attributes ?? {})[0], 'string');
  const account = await c.fetchSnapshot({ type: 'account', id: dataset.accounts[0].id });
  assert.equal(account!.name, dataset.accounts[0].name);
});

test('client: missing objects are null; bad token and bad query are CentraQueryError', async () => {
  const c = client();
  assert.equal(await c.fetchSnapshot({ type: 'order', id: 1 }), null);
  assert.equal(await c.fetchSnapshot({ type: 'shipment', id: '999999' }), null);
  assert.equal(await c.fetchSnapshot({ type: 'invoice', id: 424242 }), null);
  const bad = createCentraClient({ url: `${emu.url}/graphql`, token: 'wrong' });
  await assert.rejects(bad.fetchSnapshot({ type: 'order', id: dataset.orders[0].number }), (e: unknown) => e instanceof CentraQueryError && e.status === 401);
  await assert.rejects(c.execute('{ nope }'), (e: unknown) => e instanceof CentraQueryError && /nope/.test(e.message));
  await assert.rejects(c.fetchSnapshot({ type: 'order', id: 'abc' }), CentraQueryError);
});

test('client: 5xx, 429 with Retry-After, hang and connection refused are CentraUnavailableError', async () => {
  let c = createCentraClient({ url: `${emu.url}/graphql`, token: DEFAULT_CENTRA_TOKEN, timeoutMs: 300 });
  const n = dataset.orders[0].number;
  await control(emu.url, 'faults', { mode: '5xx', count: 1 });
  await assert.rejects(c.fetchSnapshot({ type: 'order', id: n }), (e: unknown) => e instanceof CentraUnavailableError && e.status === 503);
  await control(emu.url, 'faults', { mode: '429', count: 1, retryAfter: '7' });
  await assert.rejects(c.fetchSnapshot({ type: 'order', id: n }), (e: unknown) => e instanceof CentraUnavailableError && e.status === 429 && e.retryAfterMs === 7000);
  // That client now waits out the 7 s before its next request (test/centra/quota.test.ts): go on with another.
  c = createCentraClient({ url: `${emu.url}/graphql`, token: DEFAULT_CENTRA_TOKEN, timeoutMs: 300 });
  await control(emu.url, 'faults', { mode: 'hang', count: 1 });
  const t0 = Date.now();
  await assert.rejects(c.fetchSnapshot({ type: 'order', id: n }), (e: unknown) => e instanceof CentraUnavailableError && /within 300 ms/.test(e.message));
  assert.ok(Date.now() - t0 < 2000);
  // After the faults, the same call works.
  assert.equal((await c.fetchSnapshot({ type: 'order', id: n }))!.number, n);
  const refused = createCentraClient({ url: 'http://127.0.0.1:1/graphql', token: 'x', timeoutMs: 500 });
  await assert.rejects(refused.fetchSnapshot({ type: 'order', id: n }), CentraUnavailableError);
  const records = (await fetch(`${emu.url}/__control/records`).then((r) => r.json())) as any;
  assert.ok(records.counters.faultsInjected >= 3);
  assert.ok(records.calls.some((x: any) => x.operationName === 'OrderSnapshot'));
});

test('emulator clock: objects are served as they were at that time', async () => {
  const c = client();
  const s = dataset.shipments[0];
  const order = dataset.orders.find((o) => o.number === s.orderNumber)!;
  try {
    await control(emu.url, 'clock', { at: s.goodToGoAt });
    const before = await c.fetchSnapshot({ type: 'shipment', id: s.id });
    assert.equal(before!.isShipped, false);
    assert.equal(before!.isGoodToGo, true);
    await control(emu.url, 'clock', { at: s.shippedAtMs });
    assert.equal((await c.fetchSnapshot({ type: 'shipment', id: s.id }))!.isShipped, true);
    await control(emu.url, 'clock', { at: order.visibleAt });
    assert.equal((await c.fetchSnapshot({ type: 'order', id: order.number }))!.status, 'PENDING');
    await control(emu.url, 'clock', { at: order.visibleAt - 1 });
    assert.equal(await c.fetchSnapshot({ type: 'order', id: order.number }), null);
  } finally {
    await control(emu.url, 'clock', { at: null });
  }
  assert.equal((await c.fetchSnapshot({ type: 'order', id: order.number }))!.status, order.status);
});
