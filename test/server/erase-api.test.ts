// POST /api/erase: a person's data out of the store, behind the admin token; the log line names a
// digest of the address, never the address; the metrics' gauges follow (an erase is recounted).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { personRef } from '../../src/app/erase.ts';
import { api, OPERATOR, startHarness, waitFor, type Harness } from './helpers.ts';

let h: Harness;
before(async () => {
  h = await startHarness({ orders: 20 });
});
after(async () => {
  await h?.close();
});

test('POST /api/erase removes the deliveries to an address and logs a digest; 401 without the token, 400 without an address', async () => {
  const order = h.dataset.orders.find((o) => o.__typename === 'WholesaleOrder')!;
  const sent = await api(h, 'POST', '/api/emails', { type: 'order', id: order.number, emailType: 'order' });
  assert.equal(sent.status, 202, sent.text);
  const ids: string[] = sent.json.deliveries.map((d: any) => d.id);
  await waitFor(async () => (await Promise.all(ids.map((id) => h.service.bridge.outbox.getDelivery(id)))).every((d) => d?.status === 'delivered'), 'delivered', 20_000);
  const email = (await h.service.bridge.outbox.getDelivery(ids[0]!))!.to;

  assert.equal((await api(h, 'POST', '/api/erase', { email }, {})).status, 401);
  assert.equal((await api(h, 'POST', '/api/erase', { email: 'nope' })).status, 400);
  const r = await api(h, 'POST', '/api/erase', { email: email.toUpperCase() });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.person, personRef(email));
  assert.ok(r.json.deliveries >= 1);
  assert.equal((await api(h, 'GET', `/api/deliveries?email=${encodeURIComponent(email)}`)).json.total, 0);
  const line = h.logs.lines.find((l) => l.msg === 'personal data erased on request');
  assert.equal(line?.person, personRef(email));
  assert.ok(!h.logs.lines.some((l) => l.msg === 'personal data erased on request' && JSON.stringify(l).toLowerCase().includes(email.toLowerCase())), 'no address in the audit line');
  const replay = await api(h, 'POST', `/api/deliveries/${encodeURIComponent(ids[0]!)}/replay?force=true`, undefined, { authorization: `Bearer ${OPERATOR}` });
  assert.equal(replay.status, 409, 'an erased delivery cannot be replayed, even forced');
  assert.match(replay.json.error, /request was removed/);
});
