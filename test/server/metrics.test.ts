// The metrics' gauges are kept from the store's events, not counted per scrape: the full count runs
// at start and again only after a change the events do not describe (at most every 10 s).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createMetrics } from '../../src/server/metrics.ts';
import type { PluginCount } from '../../src/storage/maintenance.ts';

const row = { esp: 'rule', plugin: 'nordics', lane: 'rule:nordics' };

test('scrapes never count the table; events move the gauges; an undescribed change is recounted, throttled', async () => {
  let t = 1_000_000;
  let counts = 0;
  let stored: PluginCount[] = [{ status: 'delivered', esp: 'rule', plugin: 'nordics', count: 40 }];
  const metrics = createMetrics({ now: () => t });
  await metrics.bindSources({
    outbox: { oldestPendingAgeMs: async () => 0 },
    inbox: { pendingCount: async () => 0, counts: async () => ({ pending: 0, retry: 0, processed: 5, failed: 0 }) },
    countDeliveries: async () => (counts++, stored),
  });
  const gauge = async (status: string) => Number(new RegExp(`^esp_bridge_deliveries\\{status="${status}",esp="rule",plugin="nordics"\\} (\\d+)$`, 'm').exec(await metrics.registry.metrics())?.[1] ?? 0);
  for (let i = 0; i < 5; i++) await metrics.registry.metrics();
  assert.equal(counts, 1, 'counted once, at start');

  metrics.observeDelivery({ type: 'stored', rows: [{ ...row, status: 'pending' }, { ...row, status: 'pending' }] });
  metrics.observeDelivery({ type: 'claimed', row, from: 'pending' });
  const attempt = { deliveryId: 'x', attempt: 1, workerId: 'w', startedAt: t, finishedAt: t, outcome: 'permanent' as const, status: 429, error: 'slow down', durationMs: 12 };
  metrics.observeDelivery({ type: 'attempted', row, attempt, next: { status: 'dead', reason: 'x' }, moved: true, at: t });
  assert.equal(await gauge('pending'), 1);
  assert.equal(await gauge('in_flight'), 0);
  assert.equal(await gauge('dead'), 1);
  assert.equal(await gauge('delivered'), 40);
  const text = await metrics.registry.metrics();
  assert.match(text, /^esp_bridge_dead_letters_total\{esp="rule",plugin="nordics"\} 1$/m);
  assert.match(text, /^esp_bridge_rate_limited_total\{esp="rule",plugin="nordics"\} 1$/m);
  assert.match(text, /^esp_bridge_queue_depth 1$/m);
  assert.equal(counts, 1, 'still not counted');

  stored = [{ status: 'pending', esp: 'rule', plugin: 'nordics', count: 41 }];
  metrics.observeDelivery({ type: 'changed' });
  await metrics.registry.metrics();
  assert.equal(counts, 1, 'a change right after a count waits (10 s)');
  t += 10_000;
  assert.equal(await gauge('pending'), 41, 'recounted');
  assert.equal(await gauge('delivered'), 0);
  await metrics.registry.metrics();
  assert.equal(counts, 2, 'once');
  metrics.close();
});
