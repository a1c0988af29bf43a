// The readiness rules (src/app/health.ts) on their own: which state each finding gives.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { circuitOf, createCentraWatch, createLaneWatch, readiness, type ReadinessDeps } from '../../src/app/health.ts';
import { readinessSchema } from '../../src/config/server.ts';
import type { LaneStats } from '../../src/delivery/worker.ts';

const NOW = 1_800_000_000_000;
const rules = readinessSchema.parse({ laneFailingAfter: 2, deadLettersMax: 2 });
const row = { lane: 'rule:main', esp: 'rule', plugin: 'main' };
const attempt = (outcome: 'delivered' | 'transient' | 'permanent', status: number) => ({ deliveryId: 'x', attempt: 1, workerId: 'w', startedAt: NOW, finishedAt: NOW, outcome, status, error: outcome === 'delivered' ? null : 'nope', durationMs: 1 });

function deps(extra: Partial<ReadinessDeps> = {}): ReadinessDeps {
  return { probeWrite: async () => {}, oldestPendingAgeMs: async () => 0, workerStats: () => [], lanes: createLaneWatch({ windowMs: () => 15 * 60_000, now: () => NOW }), rules, now: () => NOW, ...extra };
}

test('nothing wrong: ok', async () => {
  const r = await readiness(deps());
  assert.equal(r.status, 'ok');
  assert.deepEqual(r.reasons, []);
});

test('a store that takes no writes: failing (the only 503)', async () => {
  const r = await readiness(deps({ probeWrite: async () => { throw new Error('SQLITE_FULL: database or disk is full'); } }));
  assert.equal(r.status, 'failing');
  assert.match(r.reasons[0]!, /store takes no writes: SQLITE_FULL/);
});

test('failed attempts in a row make a lane failing; one delivered attempt clears it; dead letters over the threshold degrade', async () => {
  const lanes = createLaneWatch({ windowMs: () => 15 * 60_000, now: () => NOW });
  const d = deps({ lanes });
  lanes.observe({ type: 'attempted', row, attempt: attempt('transient', 503), next: { status: 'retry_scheduled', nextAttemptAt: NOW, reason: 'x' }, moved: true, at: NOW });
  assert.equal((await readiness(d)).status, 'ok', 'one failure is not yet failing');
  lanes.observe({ type: 'attempted', row, attempt: attempt('transient', 503), next: { status: 'dead', reason: 'x' }, moved: true, at: NOW });
  const bad = await readiness(d);
  assert.equal(bad.status, 'degraded');
  assert.equal(bad.checks.lanes[0]!.status, 'failing');
  assert.match(bad.reasons.join('\n'), /lane rule:main failing: 2 failed attempts in a row \(last: 503 nope\)/);
  lanes.observe({ type: 'attempted', row, attempt: attempt('delivered', 202), next: { status: 'delivered', at: NOW }, moved: true, at: NOW });
  assert.equal((await readiness(d)).checks.lanes[0]!.status, 'ok');
  lanes.observe({ type: 'attempted', row, attempt: attempt('permanent', 400), next: { status: 'dead', reason: 'x' }, moved: true, at: NOW });
  const dead = await readiness(d);
  assert.equal(dead.status, 'degraded');
  assert.equal(dead.checks.deadLetters.recent, 2);
  assert.match(dead.reasons.join('\n'), /2 dead letters in the last 15 min/);
});

test('failures long ago do not hold a quiet lane failing', async () => {
  const lanes = createLaneWatch({ windowMs: () => 15 * 60_000, now: () => NOW });
  const old = NOW - 60 * 60_000;
  for (let i = 0; i < 3; i++) lanes.observe({ type: 'attempted', row, attempt: attempt('transient', 503), next: { status: 'retry_scheduled', nextAttemptAt: NOW, reason: 'x' }, moved: true, at: old });
  assert.equal((await readiness(deps({ lanes }))).checks.lanes[0]!.status, 'ok');
});

test("a worker's open circuit breaker makes its lane failing, under any of the names it may report it", async () => {
  const stats = (extra: object) => [{ lane: 'klaviyo:k', esp: 'klaviyo', inFlight: 0, pausedUntil: null, sent: 3, ...extra } as LaneStats];
  for (const extra of [{ circuit: 'open' }, { breaker: { state: 'open' } }, { circuitState: 'open' }]) {
    const r = await readiness(deps({ workerStats: () => stats(extra) }));
    assert.equal(r.checks.lanes[0]!.status, 'failing', JSON.stringify(extra));
    assert.equal(r.status, 'degraded');
  }
  assert.equal(circuitOf(stats({})[0]), null);
  const paused = await readiness(deps({ workerStats: () => stats({ pausedUntil: NOW + 5000 }) }));
  assert.equal(paused.checks.lanes[0]!.status, 'paused');
  assert.equal(paused.status, 'ok', "a lane paused by the ESP's Retry-After is throttled, not failing");
});

test('Centra: its last answer a failure → degraded; an answer since → ok; the backlog over its limit → degraded', async () => {
  let t = NOW;
  const centra = createCentraWatch(() => t);
  assert.equal((await readiness(deps({ centra }))).checks.centra.status, 'unknown');
  centra.answered({ ok: false, error: 'Centra answered 503' });
  const r = await readiness(deps({ centra }));
  assert.equal(r.status, 'degraded');
  assert.match(r.reasons[0]!, /Centra unreachable since .*: Centra answered 503/);
  t += 1000;
  centra.answered({ ok: true });
  assert.equal((await readiness(deps({ centra }))).status, 'ok');
  const slow = await readiness(deps({ oldestPendingAgeMs: async () => (rules.backlogMaxSec + 1) * 1000 }));
  assert.equal(slow.status, 'degraded');
  assert.equal(slow.checks.backlog.status, 'degraded');
});
