// The trail an operator searches: each delivery row names its order and the object its event came
// from; GET /api/deliveries filters by order, email and time with a total; the processed event keeps
// every skipped email with its reason and its order.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { readEventFile } from '../../src/centra/parse-event.ts';
import { ROOT } from '../helpers/golden.ts';
import { api, startHarness, type Harness } from './helpers.ts';

let h: Harness;
before(async () => {
  h = await startHarness({ orders: 3 });
});
after(async () => {
  await h?.close();
});

test('deliveries carry order and object; search by order / email / time with paging and a total; the event keeps its skip reasons', async () => {
  const event = readEventFile(path.join(ROOT, 'examples/order.json'));
  const res = await api(h, 'POST', '/api/events', event);
  assert.equal(res.status, 202, res.text);
  const ids: string[] = res.json.deliveries.map((d: { id: string }) => d.id);
  assert.ok(ids.length > 0);

  const all = await api(h, 'GET', '/api/deliveries?order=11592');
  assert.equal(all.status, 200, all.text);
  assert.equal(all.json.total, ids.length);
  assert.deepEqual(all.json.deliveries.map((d: { id: string }) => d.id).sort(), [...ids].sort());
  for (const d of all.json.deliveries) {
    assert.equal(d.orderNumber, '11592');
    assert.equal(d.object, 'order-11592');
    assert.equal(typeof d.createdAt, 'number');
  }
  const page = await api(h, 'GET', '/api/deliveries?order=11592&limit=1&offset=0');
  assert.equal(page.json.deliveries.length, 1);
  assert.equal(page.json.total, ids.length, 'the total is of all matches, not of the page');

  const to: string = all.json.deliveries[0].to;
  const byEmail = await api(h, 'GET', `/api/deliveries?email=${encodeURIComponent(to.toUpperCase())}`);
  assert.ok(byEmail.json.total >= 1 && byEmail.json.deliveries.every((d: { to: string }) => d.to.toLowerCase() === to.toLowerCase()));
  assert.equal((await api(h, 'GET', '/api/deliveries?order=11592&since=2100-01-01T00:00:00Z')).json.total, 0);
  assert.equal((await api(h, 'GET', `/api/deliveries?order=11592&until=${Date.now() + 60_000}`)).json.total, ids.length);
  assert.equal((await api(h, 'GET', '/api/deliveries?order=99999999')).json.total, 0);

  const bad = await api(h, 'GET', '/api/deliveries?since=yesterday');
  assert.equal(bad.status, 400);
  assert.match(bad.text, /not a time/);
  assert.equal((await api(h, 'GET', '/api/deliveries?order=abc')).status, 400);

  const stored = await api(h, 'GET', `/api/events/${encodeURIComponent(res.json.eventKey)}`);
  assert.equal(stored.status, 200, stored.text);
  const result = stored.json.result ?? stored.json.event?.result;
  assert.equal(result.orderNumber, '11592');
  assert.equal(result.object, 'order-11592');
  assert.ok(Array.isArray(result.skipped));
  for (const s of result.skipped) assert.ok(typeof s.reason === 'string' && s.reason.length > 0, 'each skipped email has its reason');
});

test('why was order N\'s sales-rep copy not sent? /api/trace answers with the stored reason; the found copies show their attempts', async () => {
  const event = readEventFile(path.join(ROOT, 'examples/order.json')) as any;
  event.object.number = 70431;
  event.id = 70431;
  delete event.object.account.salesRepresentative;
  const res = await api(h, 'POST', '/api/events', event);
  assert.equal(res.status, 202, res.text);
  const ids: string[] = res.json.deliveries.map((d: { id: string }) => d.id);

  const trace = await api(h, 'GET', '/api/trace?order=70431');
  assert.equal(trace.status, 200, trace.text);
  assert.equal(trace.json.events.length, 1);
  const ev = trace.json.events[0];
  assert.equal(ev.key, res.json.eventKey);
  assert.equal(ev.status, 'processed');
  const rep = ev.decisions.filter((d: { recipient: string }) => d.recipient === 'sales_rep');
  assert.deepEqual(rep, [{ emailType: 'order', recipient: 'sales_rep', decision: 'skipped', reason: 'the account has no sales representative' }]);
  const sent = ev.decisions.filter((d: { decision: string }) => d.decision === 'sent').map((d: { deliveryId: string }) => d.deliveryId);
  assert.deepEqual(sent.sort(), [...ids].sort());
  assert.deepEqual(ev.deliveries.map((d: { id: string }) => d.id).sort(), [...ids].sort());
  assert.ok(ev.deliveries.every((d: { request?: unknown; attemptLog: unknown[] }) => d.request === undefined && Array.isArray(d.attemptLog)), 'no request bodies in a trace');

  // By email: the buyer's address finds the same deliveries.
  const to = ev.deliveries[0].to as string;
  const byEmail = await api(h, 'GET', `/api/trace?email=${encodeURIComponent(to)}`);
  assert.equal(byEmail.status, 200);
  assert.ok(byEmail.json.events.some((e: { key: string }) => e.key === res.json.eventKey));

  assert.equal((await api(h, 'GET', '/api/trace?order=70431&email=a@b.c')).status, 400);
  assert.equal((await api(h, 'GET', '/api/trace')).status, 400);
  assert.equal((await api(h, 'GET', '/api/trace?order=12ab')).status, 400);
  assert.equal((await api(h, 'GET', '/api/trace?order=1', undefined, {})).status, 401);
  assert.deepEqual((await api(h, 'GET', '/api/trace?order=5550001')).json.events, []);
});
