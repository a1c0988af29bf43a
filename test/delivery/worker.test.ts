import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createOutbox } from '../../src/delivery/outbox.ts';
import { createWorker } from '../../src/delivery/worker.ts';
import { deliveryDefaults } from '../../src/esp/modules.ts';
import { AMBIGUOUS_DEAD_REASON } from '../../src/delivery/retry-policy.ts';
import { FakeTransport, planned, tempStore, waitFor } from './helpers.ts';

const fastPolicy = { baseMs: 20, capMs: 50 };

test('delivers everything once and records each attempt', async () => {
  const t = tempStore();
  const transport = new FakeTransport('klaviyo');
  const worker = createWorker({ store: t.store, transports: [transport], policy: fastPolicy, pollMs: 50 });
  try {
    const outbox = createOutbox(t.store);
    outbox.onWork(() => worker.notify());
    await outbox.enqueue(Array.from({ length: 40 }, (_, i) => planned(`d${i}`)), 'ev');
    await worker.drain({ timeoutMs: 10_000 });
    assert.equal(transport.calls.length, 40);
    const d = await outbox.getDelivery('d7');
    assert.equal(d?.status, 'delivered');
    assert.equal(d?.attempts, 1);
    assert.equal(d?.attemptLog.length, 1);
    assert.equal(d?.attemptLog[0]?.outcome, 'delivered');
    assert.equal(d?.lastStatus, 202);
    assert.equal(await outbox.queueDepth(), 0);
  } finally {
    await worker.stop();
    await t.cleanup();
  }
});

test('transient → retry_scheduled with backoff, then delivered', async () => {
  const t = tempStore();
  const transport = new FakeTransport('klaviyo', (_d, call) => (call < 3 ? { kind: 'transient', status: 503, error: 'busy' } : { kind: 'delivered', status: 202 }));
  const worker = createWorker({ store: t.store, transports: [transport], policy: { baseMs: 200, capMs: 200 }, pollMs: 20, random: () => 0.999 });
  try {
    await createOutbox(t.store).enqueue([planned('a')], 'ev');
    worker.start();
    await waitFor(() => transport.calls.length === 1, 5000, 'first send');
    await waitFor(async () => (await t.store.getDelivery('a'))?.status === 'retry_scheduled', 5000, 'retry_scheduled');
    const row = await t.store.getDelivery('a');
    assert.equal(row?.lastError, 'transient (HTTP 503): busy');
    assert.equal(row?.lastStatus, 503);
    await worker.drain({ timeoutMs: 5000 });
    assert.equal(transport.calls.length, 3);
    // random 0.999 → each wait is ~199 ms: the retries were not early.
    assert.ok(transport.calls[1]!.at - transport.calls[0]!.at >= 190);
    assert.ok(transport.calls[2]!.at - transport.calls[1]!.at >= 190);
    const log = await t.store.listAttempts('a');
    assert.deepEqual(log.map((a) => a.outcome), ['transient', 'transient', 'delivered']);
    assert.deepEqual(log.map((a) => a.attempt), [1, 2, 3]);
  } finally {
    await worker.stop();
    await t.cleanup();
  }
});

test('a 429 with Retry-After pauses that lane only, and is never undercut', async () => {
  const t = tempStore();
  let throttled = false;
  const klaviyo = new FakeTransport('klaviyo', () => {
    if (!throttled) {
      throttled = true;
      return { kind: 'transient', status: 429, error: 'throttled', retryAfterMs: 400 };
    }
    return { kind: 'delivered', status: 202 };
  });
  const voyado = new FakeTransport('voyado');
  const worker = createWorker({ store: t.store, transports: [klaviyo, voyado], policy: { baseMs: 1, capMs: 1 }, pollMs: 20, limits: { default: { concurrency: 1 } } });
  try {
    const outbox = createOutbox(t.store);
    await outbox.enqueue([planned('k1'), planned('k2'), planned('k3'), ...Array.from({ length: 5 }, (_, i) => planned(`v${i}`, 'voyado', 'v'))], 'ev');
    const started = Date.now();
    worker.start();
    await waitFor(() => voyado.calls.length === 5, 5000, 'voyado drained');
    assert.ok(klaviyo.calls.length <= 1, 'klaviyo lane paused while voyado ran');
    await worker.drain({ timeoutMs: 5000 });
    const first = klaviyo.calls[0]!.at;
    for (const c of klaviyo.calls.slice(1)) assert.ok(c.at - first >= 390, `klaviyo resumed after ${c.at - first} ms`);
    assert.ok(voyado.calls.every((c) => c.at - started < 390), 'voyado not held back by the pause');
    assert.equal((await outbox.getDelivery('k1'))?.attemptLog[0]?.status, 429);
  } finally {
    await worker.stop();
    await t.cleanup();
  }
});

test('permanent → dead at once with the ESP error kept; replay brings it back', async () => {
  const t = tempStore();
  let fixed = false;
  const transport = new FakeTransport('rule', () =>
    fixed ? { kind: 'delivered', status: 200 } : { kind: 'permanent', status: 422, error: '{"error":"invalid email"}' },
  );
  const worker = createWorker({ store: t.store, transports: [transport], pollMs: 20 });
  try {
    const outbox = createOutbox(t.store);
    outbox.onWork(() => worker.notify());
    await outbox.enqueue([planned('p1', 'rule', 'r'), planned('p2', 'rule', 'r')], 'ev');
    await worker.drain({ timeoutMs: 5000 });
    assert.equal(transport.calls.length, 2);
    const dead = await outbox.listDeliveries({ status: 'dead' });
    assert.equal(dead.length, 2);
    assert.equal(dead[0]?.lastError, 'permanent (HTTP 422): {"error":"invalid email"}');
    assert.equal(dead[0]?.lastStatus, 422);
    fixed = true;
    assert.equal(await outbox.replay('p1'), true);
    await worker.drain({ timeoutMs: 5000 });
    const p1 = await outbox.getDelivery('p1');
    assert.equal(p1?.status, 'delivered');
    assert.equal(p1?.attempts, 1, 'attempts reset by replay');
    assert.equal(p1?.attemptLog.length, 2, 'history kept');
    assert.equal((await outbox.getDelivery('p2'))?.status, 'dead');
    assert.equal(await outbox.replayAllDead(), 1);
    await worker.drain({ timeoutMs: 5000 });
    assert.deepEqual(await outbox.countsByStateAndEsp(), [{ status: 'delivered', esp: 'rule', count: 2 }]);
    assert.equal(await outbox.replay('nope'), false);
  } finally {
    await worker.stop();
    await t.cleanup();
  }
});

test('max attempts → dead', async () => {
  const t = tempStore();
  const transport = new FakeTransport('klaviyo', () => ({ kind: 'transient', status: 500, error: 'boom' }));
  const worker = createWorker({ store: t.store, transports: [transport], policy: { baseMs: 1, capMs: 5, maxAttempts: 4 }, pollMs: 10 });
  try {
    await createOutbox(t.store).enqueue([planned('m')], 'ev');
    await worker.drain({ timeoutMs: 5000 });
    const row = await t.store.getDelivery('m');
    assert.equal(row?.status, 'dead');
    assert.equal(row?.attempts, 4);
    assert.match(row?.lastError ?? '', /gave up after 4 attempts \(HTTP 500\): boom/);
    assert.equal(transport.calls.length, 4);
  } finally {
    await worker.stop();
    await t.cleanup();
  }
});

test('ambiguous failures: Klaviyo retried, Voyado dead with the ambiguity reason', async () => {
  const t = tempStore();
  const amb = (_d: unknown, call: number) => (call === 1 ? { kind: 'transient', error: 'socket hang up', ambiguous: true } as const : { kind: 'delivered', status: 202 } as const);
  const klaviyo = new FakeTransport('klaviyo', amb);
  const voyado = new FakeTransport('voyado', amb);
  // The ESP modules' retry defaults, as the bridge hands them to the worker.
  const worker = createWorker({ store: t.store, transports: [klaviyo, voyado], policy: { ...fastPolicy, esps: deliveryDefaults().retry }, pollMs: 10 });
  try {
    await createOutbox(t.store).enqueue([planned('k'), planned('v', 'voyado', 'v')], 'ev');
    await worker.drain({ timeoutMs: 5000 });
    assert.equal((await t.store.getDelivery('k'))?.status, 'delivered');
    const v = await t.store.getDelivery('v');
    assert.equal(v?.status, 'dead');
    assert.ok(v?.lastError?.startsWith(AMBIGUOUS_DEAD_REASON));
    assert.equal(voyado.calls.length, 1, 'never blindly re-sent');
    assert.equal((await t.store.listAttempts('v'))[0]?.outcome, 'ambiguous');
  } finally {
    await worker.stop();
    await t.cleanup();
  }
});

test('lane isolation: a lane hanging until timeout does not slow another lane', async () => {
  const t = tempStore();
  const hanging = new FakeTransport('rule', (_d, _n, signal) => new Promise((resolve) => {
    signal.addEventListener('abort', () => resolve({ kind: 'transient', error: 'timeout (fake)', ambiguous: false }));
  }));
  const fine = new FakeTransport('klaviyo');
  const worker = createWorker({
    store: t.store,
    transports: [hanging, fine],
    policy: fastPolicy,
    pollMs: 20,
    limits: { esp: { rule: { attemptTimeoutMs: 6_000, concurrency: 2 }, klaviyo: { rates: [] } } },
  });
  try {
    await createOutbox(t.store).enqueue([
      ...Array.from({ length: 6 }, (_, i) => planned(`r${i}`, 'rule', 'slow')),
      ...Array.from({ length: 200 }, (_, i) => planned(`k${i}`)),
    ], 'ev');
    worker.start();
    await waitFor(() => fine.calls.length === 200, 5_000, 'klaviyo lane drained while rule hangs');
    assert.equal(hanging.calls.length, 2, 'rule lane stuck at its own concurrency');
    const pending = (await t.store.listDeliveries({ esp: 'rule' })).filter((r) => r.status !== 'delivered');
    assert.equal(pending.length, 6);
    // The sends are done; their outcomes are written with the next group commit.
    await waitFor(async () => (await t.store.listDeliveries({ esp: 'klaviyo', status: 'delivered', limit: 1000 })).length === 200, 5_000, 'klaviyo outcomes recorded');
  } finally {
    await worker.stop();
    await t.cleanup();
  }
});

test('stop() is graceful: the send in flight finishes and is recorded', async () => {
  const t = tempStore();
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const transport = new FakeTransport('klaviyo', async () => {
    await gate;
    return { kind: 'delivered', status: 202 };
  });
  const worker = createWorker({ store: t.store, transports: [transport], pollMs: 20, limits: { default: { concurrency: 1 } } });
  try {
    await createOutbox(t.store).enqueue([planned('g1'), planned('g2')], 'ev');
    worker.start();
    await waitFor(() => transport.calls.length === 1, 5000, 'in flight');
    const stopping = worker.stop();
    release();
    await stopping;
    assert.equal((await t.store.getDelivery('g1'))?.status, 'delivered');
    const g2 = await t.store.getDelivery('g2');
    assert.equal(g2?.status, 'pending', 'nothing claimed after stop');
    assert.equal(g2?.leaseOwner, null);
    assert.equal(transport.calls.length, 1);
  } finally {
    await worker.stop();
    await t.cleanup();
  }
});
