// The shared gate's argument, on a fake clock: several processes leasing from one set of buckets,
// with leases answered late (even later than a token may wait), never use more than the ESP's
// limit in any window, and use most of it. The store here is an in-memory double of
// src/storage/postgres/quotas.ts (the same refill, on the store's one clock); the real one is
// tested in test/delivery/postgres-quotas.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../src/delivery/clock.ts';
import { silentLogger } from '../../src/delivery/attempt.ts';
import { SharedRateGate } from '../../src/delivery/shared-rate-gate.ts';
import type { RateSpec } from '../../src/delivery/rate-limiter.ts';
import type { QuotaBucket, QuotaStore } from '../../src/storage/quotas.ts';
import { maxInWindow } from './helpers.ts';

/** The store's buckets on the fake clock: a lease is granted at the moment it reaches the store. */
function memoryQuotas(clock: ManualClock): QuotaStore {
  const rows = new Map<number, QuotaBucket & { tokens: number; at: number }>();
  return {
    async declare(_credential, buckets) {
      for (const b of buckets) if (!rows.has(b.intervalMs)) rows.set(b.intervalMs, { ...b, tokens: b.capacity, at: clock.now() });
    },
    async lease(_credential, intervals, want) {
      const now = clock.now();
      const cur = intervals.map((i) => rows.get(i)!);
      for (const b of cur) {
        b.tokens = Math.min(b.capacity, b.tokens + (now - b.at) * b.perMs);
        b.at = now;
      }
      const granted = Math.max(0, Math.min(want, Math.floor(Math.min(...cur.map((b) => b.tokens)) + 1e-9)));
      for (const b of cur) b.tokens -= granted;
      return { granted, left: cur.map((b) => ({ intervalMs: b.intervalMs, tokens: b.tokens, perMs: b.perMs })) };
    },
    charge: () => Promise.reject(new Error('the shared rate gate never charges')),
  };
}

/**
 * `processes` gates on one store, `senders` sends always waiting at each, for `ms` of fake time;
 * process g's leases take up to latency(g) = [there, back] ms each way. Returns when tokens were used.
 */
async function run(specs: RateSpec[], processes: number, senders: number, ms: number, latency: (g: number) => [number, number]): Promise<{ used: number[]; holdMs: number }> {
  const clock = new ManualClock();
  let seed = 7;
  const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  const delay = (max: number) => new Promise<void>((r) => clock.setTimeout(r, Math.floor(max * random())));
  const store = memoryQuotas(clock);
  const gates = Array.from({ length: processes }, (_, g) => {
    const [there, back] = latency(g);
    const viaNetwork: QuotaStore = {
      declare: (c, b) => store.declare(c, b),
      charge: (...a) => store.charge(...a),
      async lease(c, i, w) {
        await delay(there);
        const lease = await store.lease(c, i, w);
        await delay(back);
        return lease;
      },
    };
    return new SharedRateGate(viaNetwork, 'klaviyo:test', specs, { clock, log: silentLogger, random });
  });
  const used: number[] = [];
  let stop = false;
  for (const gate of gates) {
    for (let s = 0; s < senders; s++) {
      void (async () => {
        while (!stop) {
          await gate.acquire();
          used.push(clock.now());
        }
      })();
    }
  }
  for (let t = 0; t < ms; t++) {
    clock.advance(1);
    for (let i = 0; i < 8; i++) await Promise.resolve();
  }
  stop = true;
  return { used, holdMs: gates[0]!.holdMs };
}

test('Klaviyo 350/s and 3,500/min over four processes, leases answered within a token\'s wait: never over either limit, ≥ 93 % of the steady rate', async () => {
  const specs = [{ limit: 350, intervalMs: 1_000 }, { limit: 3_500, intervalMs: 60_000 }];
  const { used, holdMs } = await run(specs, 4, 8, 130_000, () => [20, 20]);
  assert.equal(holdMs, 1_000);
  assert.ok(maxInWindow(used, 1_000) <= 350, `max per second ${maxInWindow(used, 1_000)}`);
  assert.ok(maxInWindow(used, 60_000) <= 3_500, `max per minute ${maxInWindow(used, 60_000)}`);
  assert.ok(used.length >= 0.93 * 3_500 * 130 / 60, `used ${used.length} of ${Math.round(3_500 * 130 / 60)}`);
});

test('50/s over three processes, one of them answered later than a token may wait: still never over the limit', async () => {
  const specs = [{ limit: 50, intervalMs: 1_000 }];
  // Process 2's leases come back up to 200 ms late, beyond the 50 ms a token may wait: they lapse unused.
  const { used, holdMs } = await run(specs, 3, 4, 20_000, (g) => (g === 2 ? [100, 100] : [5, 5]));
  assert.equal(holdMs, 50);
  assert.ok(maxInWindow(used, 1_000) <= 50, `max per second ${maxInWindow(used, 1_000)}`);
  assert.ok(used.length >= 0.8 * 50 * 20, `used ${used.length} of ${50 * 20}`);
});
