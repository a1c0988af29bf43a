// "Why was order N's sales-rep copy not sent?" answered in one call, for an order that came the
// way most do: Centra's signed webhook (ids only), the order fetched from Centra, decided, stored.
// GET /api/trace?order=N shows the sales-rep copy skipped with the stored reason, beside the
// buyer's copy and what was decided for it. (The same for a direct event: test/server/trail.test.ts.)
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createWebhookSender } from '../../sandbox/index.ts';
import { api, SECRET, startHarness, waitFor, type Harness } from './helpers.ts';

let h: Harness;
before(async () => {
  h = await startHarness({ orders: 40 });
});
after(async () => {
  await h?.close();
});

test("why was order N's sales-rep copy not sent? /api/trace answers with the reason stored for a webhook event", async () => {
  // A wholesale order (store 1 sends order confirmations to "both") whose account has no sales representative.
  const noRep = new Set(h.dataset.accounts.filter((a) => a.salesRepresentative === null).map((a) => a.id));
  const order = h.dataset.orders.find((o) => o.__typename === 'WholesaleOrder' && o.accountId !== undefined && noRep.has(o.accountId));
  assert.ok(order, 'the dataset has a wholesale order of an account without a sales rep');
  const created = h.dataset.timeline.find((e) => e.type === 'order' && e.action === 'create' && e.channel === 'webhook' && e.id === order!.number);
  assert.ok(created, `a webhook for order ${order!.number}`);

  const sender = createWebhookSender({ url: `${h.service.url}/webhooks/centra`, secret: SECRET, retryDelaysMs: [50] });
  await sender.send([created!]);
  const key = `order:${created!.id}:create:${created!.date}`;
  await waitFor(async () => (await h.service.inbox.get(key))?.status === 'processed', 'the webhook event processed');

  const trace = await api(h, 'GET', `/api/trace?order=${order!.number}`);
  assert.equal(trace.status, 200, trace.text);
  const ev = trace.json.events.find((e: { key: string }) => e.key === key);
  assert.ok(ev, 'the webhook event is in the trace');
  assert.equal(ev.source, 'webhook');
  const rep = ev.decisions.filter((d: { recipient: string; emailType: string }) => d.recipient === 'sales_rep' && d.emailType === 'order');
  assert.deepEqual(rep, [{ emailType: 'order', recipient: 'sales_rep', decision: 'skipped', reason: 'the account has no sales representative' }]);
  // The buyer's copy is decided too: sent (its delivery in the trace), or skipped with its own reason.
  const buyer = ev.decisions.find((d: { recipient: string; emailType: string }) => d.recipient === 'buyer' && d.emailType === 'order');
  assert.ok(buyer, "the buyer's copy is in the trace");
  if (buyer.decision === 'sent') assert.ok(ev.deliveries.some((d: { id: string }) => d.id === buyer.deliveryId));
  else assert.ok(typeof buyer.reason === 'string' && buyer.reason.length > 0);
});
