// Rate limits per credential (src/delivery/rate-gate.ts): lanes whose plugins send with one key
// share that key's buckets, in one process; the key's id never holds the secret.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { credentialId, stricterRates } from '../../src/delivery/rate-gate.ts';
import { createWorker } from '../../src/delivery/worker.ts';
import { createTransports, laneCredentials, openBridge } from '../../src/app/bridge.ts';
import { parseConfig } from '../../src/config/load.ts';
import { deliveryDefaults } from '../../src/esp/modules.ts';
import { startKlaviyoEmulator } from '../../sandbox/index.ts';
import { orderEvents, submitAll, tempDir, waitFor } from '../helpers/sandbox.ts';

test('a credential id names the ESP and never holds the secret; one key, one id', () => {
  const secret = 'pk_live_abcdef0123456789';
  const id = credentialId('klaviyo', secret);
  assert.match(id, /^klaviyo:[0-9a-f]{16}$/);
  assert.ok(!id.includes(secret) && !id.includes('abcdef0123'));
  assert.equal(credentialId('klaviyo', secret), id);
  assert.notEqual(credentialId('klaviyo', `${secret}x`), id);
  assert.notEqual(credentialId('rule', secret), credentialId('klaviyo', secret).replace('klaviyo', 'rule'));
});

test('lanes of one key with different rates: every window either names, at the stricter limit', () => {
  const merged = stricterRates([
    [{ limit: 350, intervalMs: 1_000 }, { limit: 3_500, intervalMs: 60_000 }],
    [{ limit: 100, intervalMs: 1_000 }],
    [],
  ]);
  assert.deepEqual(merged, [{ limit: 100, intervalMs: 1_000 }, { limit: 3_500, intervalMs: 60_000 }]);
});

test('the lanes of a config: plugins with one key share a credential, another key has its own', () => {
  const plugin = (name: string, apiKey: string) => ({ name, esp: 'klaviyo', apiKey, baseUrl: 'http://127.0.0.1:9' });
  const config = parseConfig({
    stores: [
      { id: 1, name: 'A', kind: 'wholesale', plugins: [plugin('eu', 'key-one-123456')] },
      { id: 2, name: 'B', kind: 'wholesale', plugins: [plugin('us', 'key-one-123456'), plugin('other', 'key-two-123456')] },
    ],
  });
  const lanes = laneCredentials(config);
  const of = (lane: string) => lanes.find((l) => l.lane === lane)!.credential;
  assert.equal(of('klaviyo:eu'), of('klaviyo:us'));
  assert.notEqual(of('klaviyo:eu'), of('klaviyo:other'));
  assert.ok(!JSON.stringify(lanes).includes('key-one'));
});

/** Two Klaviyo plugins (stores 1 and 2) on one key, against an emulator allowing BURST a second. */
const BURST = 20;
function twoPluginsOneKey(klaviyoUrl: string, dir: string) {
  const base = { kind: 'wholesale', language: 'en', emails: { orderConfirmationTo: 'buyer' } };
  const plugin = (name: string) => ({ name, esp: 'klaviyo', apiKey: 'klaviyo-test-key', baseUrl: klaviyoUrl });
  return parseConfig({
    stores: [
      { id: 1, name: 'EU', ...base, plugins: [plugin('eu')] },
      { id: 2, name: 'US', ...base, plugins: [plugin('us')] },
    ],
    storage: { sqlitePath: path.join(dir, 'bridge.sqlite') },
    delivery: {
      timeoutMs: 2_000,
      retry: { baseMs: 50, factor: 2, capMs: 400 },
      pollMs: 20,
      limits: { esp: { klaviyo: { concurrency: 8, rates: [{ limit: BURST, intervalMs: 1_000 }] } } },
    },
  });
}

test('two Klaviyo plugins on one key in one worker never exceed the key\'s limit: 0 × 429, each delivery once', async () => {
  const klaviyo = await startKlaviyoEmulator({ burstPerSecond: BURST, steadyPerMinute: 100_000 });
  const tmp = tempDir();
  const bridge = openBridge(twoPluginsOneKey(klaviyo.url, tmp.dir));
  try {
    const ids = [...(await submitAll(bridge, orderEvents('klaviyo-order.json', 1, 30))), ...(await submitAll(bridge, orderEvents('klaviyo-order.json', 2, 30, 100)))];
    await bridge.worker.drain({ timeoutMs: 30_000 });
    assert.equal(klaviyo.state.counters.status429, 0, 'no request throttled');
    const seen = klaviyo.state.events.map((e) => e.uniqueId);
    assert.equal(seen.length, new Set(seen).size, 'no event twice');
    assert.equal(seen.length, ids.length, 'every delivery sent');
    const lanes = bridge.worker.stats();
    assert.deepEqual(lanes.map((l) => l.lane).sort(), ['klaviyo:eu', 'klaviyo:us']);
    assert.ok(lanes.every((l) => l.sent > 0), JSON.stringify(lanes));
  } finally {
    await bridge.close();
    await klaviyo.close();
    tmp.remove();
  }
});

test('control: the same two lanes with buckets of their own are throttled (the test above can fail)', async () => {
  const klaviyo = await startKlaviyoEmulator({ burstPerSecond: BURST, steadyPerMinute: 100_000 });
  const tmp = tempDir();
  const config = twoPluginsOneKey(klaviyo.url, tmp.dir);
  const bridge = openBridge(config);
  // A worker as the bridge had it before credentials: buckets per lane.
  const perLane = createWorker({ store: bridge.storage.deliveries, transports: createTransports(config), limits: config.delivery.limits, espLimits: deliveryDefaults().limits, pollMs: 20 });
  try {
    await submitAll(bridge, orderEvents('klaviyo-order.json', 1, 30));
    await submitAll(bridge, orderEvents('klaviyo-order.json', 2, 30, 100));
    perLane.start();
    await waitFor(() => klaviyo.state.counters.status429 > 0, 'a 429', 10_000);
  } finally {
    await perLane.stop();
    await bridge.close();
    await klaviyo.close();
    tmp.remove();
  }
});
