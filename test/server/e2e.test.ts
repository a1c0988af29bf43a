// The whole service over real HTTP: signed webhooks from the Centra sender, snapshots from the
// Centra emulator, deliveries into the Klaviyo (wholesale) and Rule (DTC) emulators.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createWebhookSender } from '../../sandbox/index.ts';
import { api, assertSentOnce, espBacklog, inboxRows, SECRET, OLD_SECRET, startHarness, waitFor, type Harness } from './helpers.ts';

let h: Harness;
before(async () => {
  h = await startHarness({ orders: 40 });
});
after(async () => {
  await h?.close();
});

test('signed webhooks in, snapshots fetched, deliveries out to the ESP emulators; a resend is deduplicated', async () => {
  const events = h.dataset.timeline.filter((e) => e.channel === 'webhook');
  assert.ok(events.length > 100, `${events.length} webhook events`);
  const sender = createWebhookSender({ url: `${h.service.url}/webhooks/centra`, secret: SECRET, retryDelaysMs: [50, 100, 200] });
  const stats = await sender.send(events);
  assert.equal(stats.dropped, 0);
  assert.equal(stats.delivered, Math.ceil(events.length / 100), 'every batch acknowledged');
  const distinct = new Set(events.map((e) => `${e.type}:${e.id}:${e.action}:${e.date}`)).size;
  await h.service.ingest.flush();
  assert.equal(await inboxRows(h), distinct, 'every distinct event stored once');

  await waitFor(async () => (await h.service.inbox.pendingCount()) === 0 && (await espBacklog(h)) === 0, 'inbox and ESP deliveries drained', 60_000);
  const counts = await h.service.inbox.counts();
  assert.equal(counts.failed, 0, JSON.stringify((await h.service.inbox.list({ status: 'failed', limit: 3 })).map((e) => e.lastError)));
  assert.equal(counts.processed, distinct);

  const delivered = await h.service.bridge.outbox.listDeliveries({ status: 'delivered', limit: 10_000 });
  const byEsp = (esp: string) => delivered.filter((d) => d.esp === esp).length;
  assert.ok(byEsp('klaviyo') > 0 && byEsp('rule') > 0, `klaviyo ${byEsp('klaviyo')}, rule ${byEsp('rule')}`);
  await assertSentOnce(h, 'klaviyo', h.klaviyo.state.counters.byStatus);
  await assertSentOnce(h, 'rule', h.rule.state.counters.byStatus);
  // Fetched from Centra in batches (docs/centra.md §2): at least ⌈objects / 100⌉ requests, far fewer than events.
  const objects = new Set(events.filter((e) => e.type !== 'account').map((e) => `${e.type}:${e.id}`)).size;
  const requests = h.centra.state.calls.length;
  assert.ok(requests >= Math.ceil(objects / 100) && requests <= distinct / 10, `${requests} Centra requests for ${distinct} events about ${objects} objects`);

  // Centra retries a webhook: nothing is stored or sent twice. The old secret still works (rotation).
  const again = await createWebhookSender({ url: `${h.service.url}/webhooks/centra`, secret: OLD_SECRET }).send(events.slice(0, 150));
  assert.equal(again.delivered, 2);
  await h.service.ingest.flush();
  assert.equal(await inboxRows(h), distinct);
  assert.equal((await h.service.inbox.pendingCount()), 0);

  const health = await api(h, 'GET', '/healthz', undefined, {});
  assert.equal(health.status, 200);
  assert.equal(health.json.status, 'ok');
  assert.equal(health.json.inboxPending, 0);
  assert.equal(health.json.queueDepth, await h.service.bridge.outbox.queueDepth());
});
