// Adaptive pacing on a fake clock: the pacer alone, then a lane's limiter + pacer sending to a
// simulated ESP that throttles below what the lane was told (the Rule emulator's own sliding window).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AdaptivePacer } from '../../src/delivery/adaptive-pacing.ts';
import { ManualClock } from '../../src/delivery/clock.ts';
import { RateLimiter } from '../../src/delivery/rate-limiter.ts';
import type { SendOutcome } from '../../src/delivery/types.ts';
import { SlidingWindowLimiter } from '../../sandbox/common/rate-limit.ts';

const ok: SendOutcome = { kind: 'delivered', status: 200 };
const throttled: SendOutcome = { kind: 'transient', status: 429, error: 'TooManyRequests', retryAfterMs: 1000 };

/** Moves the fake clock in 10 ms steps until `p` settles. */
async function settle(clock: ManualClock, p: Promise<void>): Promise<void> {
  let done = false;
  void p.then(() => (done = true));
  for (;;) {
    await new Promise((r) => setImmediate(r));
    if (done) return;
    clock.advance(10);
  }
}

test('pacer: lets everything through until a 429, then halves the rate it was sent at, holds, grows additively to 90 % of it', async () => {
  const clock = new ManualClock(0);
  const pacer = new AdaptivePacer(clock, { holdMs: 5_000, stepShare: 0.05, targetShare: 0.9, decreaseEveryMs: 1_000 });
  for (let i = 0; i < 10; i++) {
    await settle(clock, pacer.acquire());
    clock.advance(100);
  }
  assert.equal(pacer.perSecond, null, 'no pacing before a 429');
  pacer.record(throttled, clock.now());
  assert.ok(Math.abs(pacer.perSecond! - 5) < 0.01, `sent at 10/s → 5/s, got ${pacer.perSecond}`);
  pacer.record(throttled, clock.now() + 10);
  assert.ok(Math.abs(pacer.perSecond! - 5) < 0.01, 'a burst of 429s counts once');
  // Slots are 200 ms apart now.
  const start = clock.now();
  await settle(clock, pacer.acquire());
  await settle(clock, pacer.acquire());
  await settle(clock, pacer.acquire());
  assert.ok(clock.now() - start >= 390, `three slots took ${clock.now() - start} ms`);
  pacer.record(ok, clock.now());
  assert.ok(Math.abs(pacer.perSecond! - 5) < 0.01, 'no growth while holding');
  clock.advance(5_000);
  for (let i = 0; i < 100; i++) pacer.record(ok, clock.now());
  assert.ok(Math.abs(pacer.perSecond! - 9) < 0.01, `grows to 90 % of the ceiling seen, got ${pacer.perSecond}`);
  clock.advance(5 * 60_000);
  pacer.record(ok, clock.now());
  assert.ok(pacer.perSecond! > 9, 'after five quiet minutes it probes beyond, slowly');
  assert.ok(pacer.perSecond! < 9.1);
});

test('pacer: a 429 on the lane\'s first requests (too few to tell a rate) starts no pacing; the lane only waits out Retry-After', async () => {
  const clock = new ManualClock(0);
  const pacer = new AdaptivePacer(clock);
  await settle(clock, pacer.acquire());
  pacer.record(throttled, clock.now());
  assert.equal(pacer.perSecond, null, 'one send tells no rate: halving a guess would leave the lane crawling');
  for (let i = 0; i < 4; i++) {
    clock.advance(250);
    await settle(clock, pacer.acquire());
  }
  clock.advance(3_000);
  pacer.record(throttled, clock.now());
  assert.ok(pacer.perSecond !== null && pacer.perSecond < 4, `a 429 after a few sends is measured: ${pacer.perSecond}`);
});

test('pacer: an aborted wait rejects and frees nothing else', async () => {
  const clock = new ManualClock(0);
  const pacer = new AdaptivePacer(clock);
  for (let i = 0; i < 4; i++) {
    await settle(clock, pacer.acquire());
    clock.advance(100);
  }
  pacer.record(throttled, clock.now());
  assert.notEqual(pacer.perSecond, null);
  await settle(clock, pacer.acquire());
  const ctl = new AbortController();
  const waiting = pacer.acquire(ctl.signal);
  ctl.abort(new Error('stop'));
  await assert.rejects(waiting, /stop/);
});

for (const [told, allows] of [[10, 2], [10, 5]] as const) {
  test(`a lane told ${told}/s against an ESP that throttles at ${allows}/s: a handful of 429s to learn, then under 1 % over 30 minutes`, async () => {
    const clock = new ManualClock(0);
    const limiter = new RateLimiter([{ limit: told, intervalMs: 1000 }], clock);
    const pacer = new AdaptivePacer(clock);
    const esp = new SlidingWindowLimiter(allows, 1000);
    let sent = 0;
    let tooMany = 0;
    let tooManyAfterFirstMinute = 0;
    let sentAfterFirstMinute = 0;
    while (clock.now() < 30 * 60_000) {
      await settle(clock, limiter.acquire());
      await settle(clock, pacer.acquire());
      clock.advance(40); // on the way
      const answer = esp.tryAcquire('key', clock.now());
      sent++;
      if (clock.now() > 60_000) sentAfterFirstMinute++;
      if (answer.ok) {
        pacer.record(ok, clock.now());
        continue;
      }
      tooMany++;
      if (clock.now() > 60_000) tooManyAfterFirstMinute++;
      pacer.record(throttled, clock.now());
      clock.advance(Math.ceil(answer.retryAfterMs / 1000) * 1000); // the lane waits as Rule's Retry-After says
    }
    const share = tooMany / sent;
    const later = tooManyAfterFirstMinute / sentAfterFirstMinute;
    console.log(JSON.stringify({ told, allows, sent, tooMany, share: Number(share.toFixed(4)), shareAfterFirstMinute: Number(later.toFixed(4)), pace: pacer.perSecond }));
    assert.ok(share < 0.01, `429 share ${share}`);
    assert.ok(later < 0.005, `429 share after the first minute ${later}`);
    assert.ok(sent / 1800 > allows * 0.6, `throughput ${sent / 1800}/s of ${allows}/s`);
  });
}
