// Rule throttling at 2 and at 5 requests per second (the Rule emulator's sliding window per key),
// the bridge on its own Rule defaults (no limits configured): under 1 % of the requests answered
// 429, none dead, every email arrived once. Real HTTP, real time: about 20 s per case.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openBridge, orderEvents, sandboxConfig, startEmulators, submitAll } from '../helpers/sandbox.ts';

const EMAILS = 20;

for (const perSecond of [2, 5]) {
  test(`Rule throttling at ${perSecond} req/s: 429 share under 1 %, 0 dead, each email once`, { timeout: 120_000 }, async () => {
    const em = await startEmulators({ rule: { requestsPerSecond: perSecond } });
    // limits: {} drops the sandbox's "the emulator allows 50/s": the bridge uses Rule's module defaults.
    const bridge = openBridge(sandboxConfig(em, { limits: {}, retry: { baseMs: 1_000, factor: 2, capMs: 10_000 } }));
    try {
      const ids = await submitAll(bridge, orderEvents('rule-order.json', 3, EMAILS));
      const started = Date.now();
      await bridge.worker.drain({ timeoutMs: 100_000 });
      const seconds = (Date.now() - started) / 1000;
      const c = em.rule.state.counters;
      const share = c.status429 / c.requests;
      const numbers = em.rule.state.subscribers.map((s) => s.fields.find((f) => f.key === 'Order.Number')!.value);
      console.log(JSON.stringify({ rulePerSecond: perSecond, emails: ids.length, requests: c.requests, status429: c.status429, share, seconds, perSecondSent: Number((c.requests / seconds).toFixed(2)) }));
      assert.ok(share < 0.01, `429 share ${share} (${c.status429} of ${c.requests})`);
      assert.equal((await bridge.outbox.listDeliveries({ status: 'dead' })).length, 0);
      assert.equal(numbers.length, ids.length);
      assert.equal(new Set(numbers).size, ids.length, 'each email once');
    } finally {
      await bridge.close();
      await em.close();
    }
  });
}
