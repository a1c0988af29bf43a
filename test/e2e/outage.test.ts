// After an outage: the Klaviyo emulator is shut down for 60 s (connection refused) with the default
// retry policy, then started again on the same port. The lane's circuit breaker notices the return
// and everything waiting is delivered within 30 s of it, exactly once, none dead. Real HTTP, real
// time (one minute): the breaker's state machine is covered with a fake clock in
// test/delivery/circuit-breaker.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startKlaviyoEmulator } from '../../sandbox/index.ts';
import type { Transport } from '../../src/delivery/types.ts';
import { openBridge, orderEvents, sandboxConfig, startEmulators, submitAll, waitFor } from '../helpers/sandbox.ts';

const OUTAGE_MS = 60_000;
const DEFAULT_RETRY = { baseMs: 10_000, factor: 6, capMs: 6 * 60 * 60_000, maxAttempts: 8 };

test('a 60 s Klaviyo outage: everything waiting arrives within 30 s of its return, once, none dead', { timeout: 180_000 }, async () => {
  const em = await startEmulators();
  const port = em.klaviyo.port;
  let klaviyo = em.klaviyo;
  let sends = 0;
  const counting = (t: Transport): Transport => ({ esp: t.esp, send: (d, s) => (t.esp === 'klaviyo' && sends++, t.send(d, s)) });
  const bridge = openBridge(sandboxConfig(em, { timeoutMs: 2_000, retry: DEFAULT_RETRY, breaker: {} }), { wrapTransport: counting });
  try {
    bridge.worker.start();
    const before = await submitAll(bridge, orderEvents('klaviyo-order.json', 1, 5));
    await waitFor(() => klaviyo.state.events.length === before.length, 'the first emails before the outage');

    await klaviyo.close();
    const downAt = Date.now();
    const during = await submitAll(bridge, orderEvents('klaviyo-order.json', 1, 60, 100));
    await waitFor(() => bridge.worker.stats().some((l) => l.esp === 'klaviyo' && l.breaker !== 'closed'), 'the breaker opens', 10_000);
    await new Promise((r) => setTimeout(r, OUTAGE_MS / 2));
    // Arrivals while the lane is open wait with the rest.
    const late = await submitAll(bridge, orderEvents('klaviyo-order.json', 1, 20, 200));
    await new Promise((r) => setTimeout(r, Math.max(0, downAt + OUTAGE_MS - Date.now())));
    const backedOff = (await bridge.outbox.listDeliveries({ status: 'retry_scheduled', limit: 1000 })).map((d) => d.nextAttemptAt - Date.now());
    const sendsDuringOutage = sends - before.length;

    klaviyo = await startKlaviyoEmulator({ port });
    const backAt = Date.now();
    const waiting = [...during, ...late];
    await waitFor(() => klaviyo.state.events.length >= waiting.length, 'every waiting email after the return', 30_000);
    const tookMs = Date.now() - backAt;
    await bridge.worker.drain({ timeoutMs: 10_000 });

    const ids = klaviyo.state.events.map((e) => e.uniqueId!);
    assert.deepEqual([...ids].sort(), [...waiting].sort(), 'each waiting email exactly once');
    assert.equal(klaviyo.state.counters.duplicates, 0);
    assert.equal((await bridge.outbox.listDeliveries({ status: 'dead' })).length, 0);
    assert.ok(tookMs < 30_000, `delivered ${tookMs} ms after the return`);
    // One request at a time while down: at most the sends before the opening plus ~1 per probe interval.
    assert.ok(sendsDuringOutage < 40, `${sendsDuringOutage} sends during the outage`);
    console.log(JSON.stringify({ outageMs: OUTAGE_MS, waiting: waiting.length, deliveredAfterReturnMs: tookMs, sendsDuringOutage, longestBackoffAtReturnS: Math.round(Math.max(0, ...backedOff) / 1000), duplicates: klaviyo.state.counters.duplicates, dead: 0 }));
  } finally {
    await bridge.close();
    await Promise.all([klaviyo.close(), em.rule.close(), em.voyado.close()]);
  }
});
