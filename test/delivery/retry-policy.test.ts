import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AMBIGUOUS_DEAD_REASON, backoffMs, decideNext, resolveRetryPolicy } from '../../src/delivery/retry-policy.ts';
import { deliveryDefaults } from '../../src/esp/modules.ts';

// The ESP modules' own retry defaults, as the bridge hands them to the worker.
const esps = deliveryDefaults().retry;
const policy = resolveRetryPolicy({ baseMs: 1000, factor: 2, capMs: 60_000, esps });
const ctx = (attempt: number, esp: 'klaviyo' | 'rule' | 'voyado' = 'klaviyo') => ({ esp, attempt, createdAt: 0, now: 10_000 });

test('backoff is full jitter under an exponential, capped ceiling', () => {
  assert.equal(backoffMs(1, policy, 0.999999), 999);
  assert.equal(backoffMs(3, policy, 0.5), 2000);
  assert.equal(backoffMs(30, policy, 0.999999), 59_999);
  assert.equal(backoffMs(5, policy, 0), 0);
});

test('transient → retry_scheduled with backoff', () => {
  const next = decideNext({ kind: 'transient', status: 503, error: 'unavailable' }, ctx(2), policy, 0.5);
  assert.deepEqual(next, { status: 'retry_scheduled', nextAttemptAt: 11_000, reason: 'transient (HTTP 503): unavailable' });
});

test('Retry-After is never undercut, jitter only adds', () => {
  const a = decideNext({ kind: 'transient', status: 429, error: 'slow down', retryAfterMs: 30_000 }, ctx(1), policy, 0.99);
  assert.equal(a.status === 'retry_scheduled' && a.nextAttemptAt, 40_000);
  const b = decideNext({ kind: 'transient', status: 429, error: 'slow down', retryAfterMs: 10 }, ctx(6), policy, 0.5);
  assert.equal(b.status === 'retry_scheduled' && b.nextAttemptAt, 10_000 + 16_000);
});

test('permanent → dead at once, the ESP error kept', () => {
  const next = decideNext({ kind: 'permanent', status: 400, error: '{"errors":[{"detail":"bad email"}]}' }, ctx(1), policy, 0.5);
  assert.equal(next.status, 'dead');
  assert.match(next.status === 'dead' ? next.reason : '', /HTTP 400.*bad email/);
});

test('max attempts and max age → dead', () => {
  const t = { kind: 'transient', status: 500, error: 'boom' } as const;
  assert.equal(decideNext(t, ctx(7), policy, 0.5).status, 'retry_scheduled');
  const dead = decideNext(t, ctx(8), policy, 0.5);
  assert.equal(dead.status, 'dead');
  assert.match(dead.status === 'dead' ? dead.reason : '', /gave up after 8 attempts/);
  const old = decideNext(t, { esp: 'klaviyo', attempt: 2, createdAt: 0, now: policy.maxAgeMs - 100 }, policy, 0.5);
  assert.equal(old.status, 'dead');
});

test('ambiguous: idempotent Klaviyo retries; Rule and Voyado go dead unless configured to retry', () => {
  const amb = { kind: 'transient', error: 'socket hang up', ambiguous: true } as const;
  assert.equal(decideNext(amb, ctx(1, 'klaviyo'), policy, 0.5).status, 'retry_scheduled');
  for (const esp of ['rule', 'voyado'] as const) {
    const d = decideNext(amb, ctx(1, esp), policy, 0.5);
    assert.equal(d.status, 'dead');
    assert.ok(d.status === 'dead' && d.reason.startsWith(AMBIGUOUS_DEAD_REASON));
  }
  const lenient = resolveRetryPolicy({ esps: { ...esps, rule: { idempotent: false, onAmbiguous: 'retry' } } });
  assert.equal(decideNext(amb, ctx(1, 'rule'), lenient, 0.5).status, 'retry_scheduled');
  assert.equal(decideNext(amb, ctx(1, 'voyado'), lenient, 0.5).status, 'dead');
  // Not ambiguous (e.g. connection refused, 503): retried for everyone.
  assert.equal(decideNext({ kind: 'transient', status: 503, error: 'x' }, ctx(1, 'voyado'), policy, 0.5).status, 'retry_scheduled');
});
