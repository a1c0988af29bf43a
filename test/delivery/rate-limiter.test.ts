import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../src/delivery/clock.ts';
import { RateLimiter, limitsForLane } from '../../src/delivery/rate-limiter.ts';
import { deliveryDefaults } from '../../src/esp/modules.ts';
import { maxInWindow } from './helpers.ts';

/** Grants over `ms` of fake time with `waiters` always queued; returns grant times. */
async function run(limiter: RateLimiter, clock: ManualClock, ms: number, waiters: number): Promise<number[]> {
  const grants: number[] = [];
  let active = 0;
  const spawn = () => {
    active++;
    void limiter.acquire().then(() => {
      grants.push(clock.now());
      active--;
    });
  };
  for (let i = 0; i < waiters; i++) spawn();
  for (let t = 0; t < ms; t++) {
    clock.advance(1);
    await Promise.resolve();
    await Promise.resolve();
    while (active < waiters) spawn();
  }
  return grants;
}

test('Voyado 50/s: never more than 50 in any 1 s window, ≥ 95 % of the rate', async () => {
  const clock = new ManualClock();
  const limiter = new RateLimiter([{ limit: 50, intervalMs: 1000 }], clock);
  const grants = await run(limiter, clock, 10_000, 8);
  assert.ok(maxInWindow(grants, 1000) <= 50, `max ${maxInWindow(grants, 1000)}`);
  assert.ok(grants.length >= 0.95 * 500, `granted ${grants.length} of 500`);
});

test('Klaviyo 350/s and 3500/min together: no burst, steady ≥ 95 %', async () => {
  const clock = new ManualClock();
  const limiter = new RateLimiter([{ limit: 350, intervalMs: 1000 }, { limit: 3500, intervalMs: 60_000 }], clock);
  const grants = await run(limiter, clock, 120_000, 16);
  assert.ok(maxInWindow(grants, 60_000) <= 3500, `max/min ${maxInWindow(grants, 60_000)}`);
  assert.ok(maxInWindow(grants, 1000) <= 350);
  // No burst: the first second holds only the small headroom plus the steady trickle.
  assert.ok(grants.filter((t) => t <= 1000).length <= 70 + 60, `first second ${grants.filter((t) => t <= 1000).length}`);
  assert.ok(grants.length >= 0.95 * 7000, `granted ${grants.length} of 7000`);
});

test('acquire waits on a timer, not a loop, and honours abort', async () => {
  const clock = new ManualClock();
  const limiter = new RateLimiter([{ limit: 1, intervalMs: 1000, burst: 1 }], clock);
  assert.equal(limiter.tryAcquire(), true);
  assert.equal(limiter.tryAcquire(), false);
  let granted = false;
  void limiter.acquire().then(() => (granted = true));
  assert.equal(clock.pendingTimers(), 1, 'one timer scheduled');
  const ctl = new AbortController();
  const aborted = limiter.acquire(ctl.signal);
  ctl.abort(new Error('stop'));
  await assert.rejects(aborted, /stop/);
  // limit 1 with a bucket of 1 refills at half the limit (headroom rule): one token per 2 s.
  clock.advance(1999);
  await Promise.resolve();
  assert.equal(granted, false);
  clock.advance(1);
  await Promise.resolve();
  assert.equal(granted, true);
});

test('lane limits: each ESP module defaults, overridable per ESP and lane', () => {
  const esps = deliveryDefaults().limits;
  assert.equal(limitsForLane(undefined, 'klaviyo', 'klaviyo:a', esps).rates.length, 2);
  assert.equal(limitsForLane(undefined, 'klaviyo', 'klaviyo:a', esps).concurrency, 16);
  assert.deepEqual(limitsForLane(undefined, 'voyado', 'voyado:a', esps).rates, [{ limit: 50, intervalMs: 1000 }]);
  assert.equal(limitsForLane(undefined, 'smtp', 'smtp:fallback', esps).concurrency, 4);
  assert.deepEqual(limitsForLane(undefined, 'klaviyo', 'klaviyo:a').rates, [], 'without module defaults: unlimited');
  const cfg = { esp: { rule: { rates: [{ limit: 10, intervalMs: 1000 }] } }, lanes: { 'rule:b': { concurrency: 2 } } };
  assert.equal(limitsForLane(cfg, 'rule', 'rule:b', esps).concurrency, 2);
  assert.equal(limitsForLane(cfg, 'rule', 'rule:b', esps).rates[0]?.limit, 10);
});
