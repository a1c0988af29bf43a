// The lane's circuit breaker: the pure state machine over outcomes and times, then a worker whose
// ESP goes unreachable and comes back (a scripted transport, a real SQLite file).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CircuitBreaker, isConnectionFailure } from '../../src/delivery/circuit-breaker.ts';
import { createOutbox } from '../../src/delivery/outbox.ts';
import { createWorker } from '../../src/delivery/worker.ts';
import type { SendOutcome } from '../../src/delivery/types.ts';
import { FakeTransport, planned, tempStore, waitFor } from './helpers.ts';

const refused: SendOutcome = { kind: 'transient', error: 'ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:9' };
const delivered: SendOutcome = { kind: 'delivered', status: 202 };

test('connection failures are no answer at all or a gateway 502/503/504; any other answer proves the ESP is there', () => {
  assert.equal(isConnectionFailure(refused), true);
  assert.equal(isConnectionFailure({ kind: 'transient', error: 'timeout after 10 ms', ambiguous: true }), true);
  for (const status of [502, 503, 504]) assert.equal(isConnectionFailure({ kind: 'transient', status, error: 'x' }), true, String(status));
  for (const status of [429, 500]) assert.equal(isConnectionFailure({ kind: 'transient', status, error: 'x' }), false, String(status));
  assert.equal(isConnectionFailure({ kind: 'permanent', status: 400, error: 'x' }), false);
  assert.equal(isConnectionFailure(delivered), false);
});

test('breaker: opens after N failures in a row, probes one at a time at a growing, capped interval, closes on an answer', () => {
  const b = new CircuitBreaker({ failureThreshold: 3, probeBaseMs: 1000, probeFactor: 2, probeCapMs: 5000 });
  assert.equal(b.state, 'closed');
  b.record(refused, 100);
  b.record(refused, 110);
  assert.equal(b.record({ kind: 'transient', status: 500, error: 'x' }, 120), null, 'an answer breaks the run');
  b.record(refused, 200);
  b.record(refused, 210);
  assert.deepEqual(b.record(refused, 220), { kind: 'opened', since: 200 });
  assert.equal(b.state, 'open');
  assert.deepEqual(b.gate(500), { kind: 'wait', ms: 720 });
  // Each failed probe doubles the wait, up to the cap: 1 s, 2 s, 4 s, 5 s, 5 s.
  let t = 1220;
  const waits: number[] = [];
  for (let i = 0; i < 5; i++) {
    assert.deepEqual(b.gate(t), { kind: 'probe' });
    assert.equal(b.state, 'half-open');
    assert.equal(b.gate(t).kind, 'wait', 'one probe at a time');
    b.record(refused, t, true);
    const next = b.probeAt!;
    waits.push(next - t);
    t = next;
  }
  assert.deepEqual(waits, [2000, 4000, 5000, 5000, 5000]);
  assert.equal(b.gate(t).kind, 'probe');
  assert.deepEqual(b.record(delivered, t + 5, true), { kind: 'closed', since: 200, probes: 6 });
  assert.equal(b.state, 'closed');
  assert.deepEqual(b.gate(t + 6), { kind: 'send' });
  // Opened again later, it starts from the base interval.
  for (let i = 0; i < 3; i++) b.record(refused, 100_000 + i);
  assert.equal(b.probeAt, 100_002 + 1000);
});

test('breaker: a probe not sent goes back to open; a late answer of a send from before the opening closes it', () => {
  const b = new CircuitBreaker({ failureThreshold: 1, probeBaseMs: 100 });
  b.record(refused, 0);
  assert.equal(b.gate(100).kind, 'probe');
  b.probeNotSent(100);
  assert.equal(b.state, 'open');
  assert.equal(b.probeAt, 200);
  assert.equal(b.record(delivered, 150)?.kind, 'closed');
});

test('an unreachable ESP: the lane probes one request at a time, and when the ESP is back every waiting row is delivered at once, exactly once, none dead', async () => {
  const t = tempStore();
  let down = true;
  let inFlight = 0;
  let maxInFlightWhileDown = 0;
  let maxInFlight = 0;
  const deliveredIds: string[] = [];
  const transport = new FakeTransport('klaviyo', async (d) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    if (down) maxInFlightWhileDown = Math.max(maxInFlightWhileDown, inFlight);
    await new Promise((r) => setTimeout(r, 5));
    inFlight--;
    if (down) return refused;
    deliveredIds.push(d.id);
    return delivered;
  });
  // The default backoff (10 s, ×6, full jitter at its top): without the breaker the rows would wait 10 s to 6 min.
  const worker = createWorker({
    store: t.store,
    transports: [transport],
    pollMs: 20,
    random: () => 0.999,
    limits: { default: { concurrency: 4, rates: [{ limit: 200, intervalMs: 1000 }] } },
    breaker: { failureThreshold: 3, probeBaseMs: 50, probeFactor: 2, probeCapMs: 200 },
  });
  try {
    const outbox = createOutbox(t.store);
    outbox.onWork(() => worker.notify());
    const ids = Array.from({ length: 40 }, (_, i) => `o${i}`);
    await outbox.enqueue(ids.map((id) => planned(id)), 'ev');
    worker.start();
    await waitFor(() => worker.stats()[0]?.breaker !== undefined && worker.stats()[0]!.breaker !== 'closed', 5000, 'breaker open');
    const callsAtOpen = transport.calls.length;
    await new Promise((r) => setTimeout(r, 1500));
    const probes = transport.calls.length - callsAtOpen;
    // 1.5 s at 50, 100, 200, 200… ms between probes: about 8; never a flood.
    assert.ok(probes >= 3 && probes <= 12, `${probes} probes in 1.5 s`);
    assert.ok(worker.stats()[0]!.nextProbeAt !== null || worker.stats()[0]!.breaker === 'half-open');
    assert.equal(maxInFlightWhileDown <= 4, true);
    const backoffs = (await outbox.listDeliveries({ status: 'retry_scheduled', limit: 100 })).filter((r) => r.nextAttemptAt > Date.now() + 5000);
    assert.ok(backoffs.length >= 1, 'the failures before the opening were backed off for seconds');
    inFlight = 0;
    maxInFlight = 0;
    down = false;
    const back = Date.now();
    await worker.drain({ timeoutMs: 10_000 });
    const tookMs = Date.now() - back;
    assert.ok(tookMs < 3000, `everything delivered ${tookMs} ms after the ESP came back`);
    assert.deepEqual([...deliveredIds].sort(), [...ids].sort(), 'each row delivered exactly once');
    assert.equal((await outbox.listDeliveries({ status: 'dead' })).length, 0);
    assert.ok(maxInFlight <= 4, `concurrency held after the return: ${maxInFlight}`);
    assert.equal(worker.stats()[0]!.breaker, 'closed');
    // A failed probe costs its row no attempt: no row used more than the sends before the opening plus one.
    for (const id of ids) assert.ok(((await outbox.getDelivery(id))?.attempts ?? 0) <= 3, id);
  } finally {
    await worker.stop();
    await t.cleanup();
  }
});
