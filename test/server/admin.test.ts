// Admin API auth and listings, replay, direct events, manual sends, failed events, metrics;
// Centra down → events stay pending, retried, processed once it is back.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeWebhookBody, signWebhook } from '../../src/centra/webhook.ts';
import { api, ADMIN, OPERATOR, SECRET, startHarness, waitFor, type Harness } from './helpers.ts';

const operator = { authorization: `Bearer ${OPERATOR}` };

let h: Harness;
before(async () => {
  h = await startHarness({ orders: 30 });
});
after(async () => {
  await h?.close();
});

async function webhook(events: { type: string; action: string; id: number | string; date: string }[]) {
  const body = encodeWebhookBody(events);
  const res = await fetch(`${h.service.url}/webhooks/centra`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-centra-signature': signWebhook(body, SECRET) }, body });
  return { status: res.status, json: (await res.json()) as any };
}
/** A wholesale order (store 1 → the Klaviyo emulator) with at least one email on create. */
const wholesaleNumber = () => h.dataset.orders.find((o) => o.__typename === 'WholesaleOrder')!.number;

test('admin API: 401 without or with a wrong bearer token', async () => {
  for (const path of ['/api/deliveries', '/api/inbox', '/api/deliveries/x', '/api/events/x']) {
    assert.equal((await api(h, 'GET', path, undefined, {})).status, 401, path);
    assert.equal((await api(h, 'GET', path, undefined, { authorization: `Bearer ${ADMIN}x` })).status, 401, path);
    assert.equal((await api(h, 'GET', path, undefined, { authorization: ADMIN })).status, 401, path);
  }
  assert.equal((await api(h, 'POST', '/api/events', {}, {})).status, 401);
  assert.equal((await api(h, 'POST', '/api/deliveries/x/replay', undefined, {})).status, 401);
  assert.equal((await api(h, 'GET', '/api/deliveries?status=nope')).status, 400);
});

test('Centra down (5xx, then hanging): events stay pending, are retried, and are processed when it is back', async () => {
  const order = h.dataset.timeline.find((e) => e.type === 'order' && e.action === 'create')!;
  await fetch(`${h.centra.url}/__control/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ mode: '5xx', durationMs: 60_000 }) });
  const r = await webhook([order]);
  assert.equal(r.status, 200);
  const key = `${order.type}:${order.id}:${order.action}:${order.date}`;
  await waitFor(async () => ((await h.service.inbox.get(key))?.attempts ?? 0) >= 2, 'two failed attempts');
  let row = await h.service.inbox.get(key);
  assert.equal(row?.status, 'retry');
  assert.match(row!.lastError!, /HTTP 5\d\d/);
  await fetch(`${h.centra.url}/__control/reset`, { method: 'POST' });
  await fetch(`${h.centra.url}/__control/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ mode: 'hang', count: 1 }) });
  await waitFor(async () => (await h.service.inbox.get(key))?.status === 'processed', 'processed once Centra is back', 30_000);
  row = await h.service.inbox.get(key);
  assert.ok(row!.attempts >= 3);
  assert.ok(Array.isArray((row!.result as any).deliveries));
});

test('a snapshot query error → failed, with the error kept and visible in the admin API', async () => {
  const r = await webhook([{ type: 'order', action: 'update', id: '99999999999', date: '2024-03-04 10:00:00' }, { type: 'order', action: 'update', id: 987654, date: '2024-03-04 10:00:00' }]);
  assert.equal(r.status, 200);
  await waitFor(async () => (await h.service.inbox.counts()).failed >= 1 && (await h.service.inbox.get('order:987654:update:2024-03-04 10:00:00'))?.status === 'processed', 'failed and not-found events handled');
  const failed = await api(h, 'GET', '/api/inbox?status=failed');
  assert.equal(failed.status, 200);
  assert.ok(failed.json.events.some((e: any) => /integer/i.test(e.lastError)), JSON.stringify(failed.json.events));
  const notFound = await api(h, 'GET', `/api/events/${encodeURIComponent('order:987654:update:2024-03-04 10:00:00')}`);
  assert.equal(notFound.status, 200);
  assert.match(notFound.json.result.note, /not found/);
  assert.equal((await api(h, 'GET', '/api/events/nope')).status, 404);
});

test('direct events: 400 with the problems on bad input; 202 with the planned deliveries; a repeat is a duplicate', async () => {
  const bad = await api(h, 'POST', '/api/events', { type: 'order', id: 1 });
  assert.equal(bad.status, 400);
  assert.ok(Array.isArray(bad.json.problems) && bad.json.problems.length > 0);
  const notJson = await fetch(`${h.service.url}/api/events`, { method: 'POST', headers: { ...h.auth, 'content-type': 'application/json' }, body: '{nope' });
  assert.equal(notJson.status, 400);

  const object = await h.service.centra.fetchSnapshot({ type: 'order', id: wholesaleNumber() });
  assert.ok(object);
  const event = { type: 'order', action: 'create', id: object.number, date: '2030-01-01 00:00:00.000000', object, context: {} };
  const first = await api(h, 'POST', '/api/events', event);
  assert.equal(first.status, 202, first.text);
  assert.equal(first.json.status, 'processed');
  assert.ok(first.json.deliveries.length > 0);
  const again = await api(h, 'POST', '/api/events', event);
  assert.equal(again.status, 200);
  assert.equal(again.json.duplicate, true);
  assert.deepEqual(again.json.deliveries.map((d: any) => d.id), first.json.deliveries.map((d: any) => d.id));
});

test('deliveries: listing with filters, one with its attempts, replay; manual send', async () => {
  await waitFor(async () => (await h.service.bridge.outbox.listDeliveries({ status: 'delivered', esp: 'klaviyo', limit: 1 })).length > 0, 'a delivered klaviyo delivery');
  const list = await api(h, 'GET', '/api/deliveries?status=delivered&esp=klaviyo&limit=5');
  assert.equal(list.status, 200);
  assert.ok(list.json.deliveries.length > 0 && list.json.deliveries.every((d: any) => d.status === 'delivered' && d.esp === 'klaviyo'));
  const id = list.json.deliveries[0].id;
  const one = await api(h, 'GET', `/api/deliveries/${encodeURIComponent(id)}`);
  assert.equal(one.status, 200);
  assert.ok(one.json.attemptLog.length >= 1);
  assert.equal((await api(h, 'GET', '/api/deliveries/nope')).status, 404);
  // Replaying a delivered row sends the email again: the admin token may not, the operator token only with force.
  const path = `/api/deliveries/${encodeURIComponent(id)}/replay`;
  const asAdmin = await api(h, 'POST', path);
  assert.equal(asAdmin.status, 403, asAdmin.text);
  assert.match(asAdmin.json.error, /operator token/);
  const unforced = await api(h, 'POST', path, undefined, operator);
  assert.equal(unforced.status, 409, unforced.text);
  assert.match(unforced.json.error, /was delivered at .*a second time.*\?force=true/);
  assert.equal((await h.service.bridge.outbox.getDelivery(id))?.status, 'delivered', 'a refused replay changes nothing');
  const replay = await api(h, 'POST', `${path}?force=true`, undefined, operator);
  assert.equal(replay.status, 202, replay.text);
  assert.equal(replay.json.wasDelivered, true);
  await waitFor(async () => (await h.service.bridge.outbox.getDelivery(id))?.attemptLog.length === 2, 'replayed delivery sent again');
  assert.equal((await api(h, 'POST', '/api/deliveries/nope/replay', undefined, operator)).status, 404);

  const number = wholesaleNumber();
  const manual = await api(h, 'POST', '/api/emails', { type: 'order', id: number, emailType: 'order' });
  assert.equal(manual.status, 202, manual.text);
  assert.match(manual.json.requestId, /^[0-9a-f-]{36}$/);
  const twice = await api(h, 'POST', '/api/emails', { type: 'order', id: number, emailType: 'order' });
  assert.notDeepEqual(twice.json.deliveries.map((d: any) => d.id), manual.json.deliveries.map((d: any) => d.id), 'each manual send is its own email');
  assert.equal((await api(h, 'POST', '/api/emails', { type: 'order', id: 424242424, emailType: 'order' })).status, 404);
  assert.equal((await api(h, 'POST', '/api/emails', { type: 'basket', id: 1, emailType: 'order' })).status, 400);
});

test('metrics: Prometheus text with the service metric names', async () => {
  const res = await fetch(`${h.service.url}/metrics`);
  assert.equal(res.status, 200);
  const text = await res.text();
  for (const name of ['esp_bridge_events_received_total', 'esp_bridge_deliveries', 'esp_bridge_delivery_attempt_duration_seconds_bucket', 'esp_bridge_queue_depth', 'esp_bridge_oldest_pending_age_seconds', 'esp_bridge_inbox_pending']) {
    assert.match(text, new RegExp(`^${name}`, 'm'), name);
  }
  assert.match(text, /esp_bridge_events_received_total\{type="order",source="webhook"\} [1-9]/);
  assert.match(text, /esp_bridge_deliveries\{status="delivered",esp="klaviyo",plugin="klaviyo"\} [1-9]/);
});
