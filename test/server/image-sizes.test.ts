// Two plugins naming different product image sizes each get their own: the service asks Centra for
// every configured size (app/image-sizes.ts), over real HTTP from signed webhook to ESP emulator.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createWebhookSender } from '../../sandbox/index.ts';
import { espBacklog, SECRET, startHarness, waitFor, type Harness } from './helpers.ts';

let h: Harness;
before(async () => {
  h = await startHarness({
    orders: 30,
    // Store 1's Klaviyo plugin asks for "full"; store 2's Rule plugin keeps the default "standard".
    configure: (config) => Object.assign(config.stores[0].plugins[0], { imageSize: 'full' }),
  });
});
after(async () => {
  await h?.close();
});

/** The size part of the emulator's image URLs (https://cdn.brand.example/<size>/…), each distinct one once. */
const sizesIn = (urls: unknown[]): string[] => [...new Set(urls.filter((u): u is string => typeof u === 'string' && u !== '').map((u) => new URL(u).pathname.split('/')[1]))];

test('the Klaviyo plugin sends the "full" image and the Rule plugin the "standard" one, from one fetch per batch', async () => {
  const events = h.dataset.timeline.filter((e) => e.channel === 'webhook' && e.type === 'order');
  const stats = await createWebhookSender({ url: `${h.service.url}/webhooks/centra`, secret: SECRET, retryDelaysMs: [50, 100] }).send(events);
  assert.equal(stats.dropped, 0);
  await waitFor(async () => (await h.service.inbox.pendingCount()) === 0 && (await espBacklog(h)) === 0, 'inbox and ESP deliveries drained', 60_000);

  // Klaviyo: each item's ImageURL; Rule: each product's `image` in the Order.Products JSON field.
  const klaviyo = h.klaviyo.state.events.flatMap((e) => ((e.properties.Items as { ImageURL?: string }[] | undefined) ?? []).map((i) => i.ImageURL));
  const rule = h.rule.state.subscribers.flatMap((s) => s.fields.filter((f) => f.key === 'Order.Products').flatMap((f) => (JSON.parse(String(f.value)) as { image?: string }[]).map((p) => p.image)));
  assert.ok(klaviyo.length > 0 && rule.length > 0, `klaviyo ${klaviyo.length}, rule ${rule.length} items`);
  assert.deepEqual(sizesIn(klaviyo), ['full']);
  assert.deepEqual(sizesIn(rule), ['standard']);
  // Both sizes came in the same requests: one aliased source(sizeName:) per size.
  const withOrders = h.centra.state.calls.filter((c) => 'orderKeys' in c.variables);
  assert.ok(withOrders.length > 0);
  for (const c of withOrders) assert.deepEqual([c.variables.mediaSize, c.variables.mediaSize_1], ['standard', 'full']);
});
