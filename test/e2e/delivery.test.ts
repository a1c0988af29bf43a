// End to end: events through the pipeline into the outbox, the worker over real HTTP to the ESP
// emulators, and what the emulators accepted. Faults are injected over the emulators' control API.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openBridge, orderEvents, sandboxConfig, startEmulators, submitAll, waitFor } from '../helpers/sandbox.ts';
import { planEvent } from '../../src/pipeline/plan.ts';
import { parseEvent } from '../../src/centra/parse-event.ts';
import { rawEventAt } from '../helpers/golden.ts';

async function control(url: string, body: object) {
  const r = await fetch(`${url}/__control/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  assert.equal(r.status, 200, await r.text());
}

/** Every unique_id in the Klaviyo emulator exactly once, and exactly the expected ones. */
function assertKlaviyoExactlyOnce(events: { uniqueId?: string }[], ids: string[]) {
  const seen = events.map((e) => e.uniqueId!);
  assert.equal(seen.length, new Set(seen).size, 'an event was recorded twice');
  assert.deepEqual([...seen].sort(), [...ids].sort());
}

test('the golden events arrive at the emulators exactly as planned', async () => {
  const em = await startEmulators();
  const config = sandboxConfig(em);
  const bridge = openBridge(config);
  try {
    const planned: { esp: string; body: any }[] = [];
    for (const [file, store] of [
      ['klaviyo-order.json', 1],
      ['klaviyo-shipment.json', 1],
      ['klaviyo-invoice.json', 1],
      ['rule-order.json', 3],
      ['rule-cancel.json', 3],
      ['voyado-order.json', 4],
      ['voyado-buyer_created.json', 4],
    ] as const) {
      const raw = rawEventAt(`test/golden/events/${file}`);
      (raw.type === 'shipment' ? raw.object.order.store : raw.object.store).id = store;
      const event = parseEvent(raw);
      planned.push(...planEvent(event, config).deliveries.map((d) => ({ esp: d.esp, body: d.request.body })));
      await bridge.submit(event);
    }
    await bridge.worker.drain({ timeoutMs: 20_000 });
    const k = em.klaviyo.state.events;
    assert.equal(k.length, planned.filter((p) => p.esp === 'klaviyo').length);
    for (const p of planned.filter((x) => x.esp === 'klaviyo')) {
      const rec = k.find((e) => e.uniqueId === p.body.data.attributes.unique_id)!;
      assert.deepEqual(rec.properties, p.body.data.attributes.properties);
    }
    const r = em.rule.state.subscribers;
    assert.equal(r.length, 2);
    assert.deepEqual(r.map((s) => s.tags[0]).sort(), ['OrderCancelled', 'OrderCompleted']);
    const v = em.voyado.state;
    assert.equal(v.orders.length, 1);
    assert.deepEqual(v.orders[0].body, planned.find((p) => p.esp === 'voyado' && p.body.orderStatus)!.body);
    // The welcome trigger needed a contact: the transport created it, then triggered on its id.
    assert.equal(v.triggers.length, 1);
    assert.equal(v.triggers[0].triggerId, 'WELCOME_TO_SHOWROOM');
    assert.equal(v.createdContacts.length, 1);
    assert.equal(v.triggers[0].contactId, v.createdContacts[0].id);
    const counts = await bridge.outbox.countsByStateAndEsp();
    assert.ok(counts.every((c) => c.status === 'delivered'), JSON.stringify(counts));
    // No secret reached a stored record.
    for (const d of await bridge.outbox.listDeliveries({ limit: 1000 })) {
      const text = JSON.stringify(d);
      for (const key of ['klaviyo-test-key', 'rule-test-key', 'voyado-test-key']) assert.ok(!text.includes(key), `${d.id} stores ${key}`);
    }
  } finally {
    await bridge.close();
    await em.close();
  }
});

test('the same Centra event twice yields one email per (email, recipient)', async () => {
  const em = await startEmulators();
  const bridge = openBridge(sandboxConfig(em));
  try {
    const events = orderEvents('klaviyo-order.json', 1, 5);
    const first = await submitAll(bridge, events);
    const again = await Promise.all(events.map((e) => bridge.submit(e)));
    assert.equal(again.reduce((n, r) => n + r.duplicates, 0), first.length);
    assert.equal(again.reduce((n, r) => n + r.inserted, 0), 0);
    await bridge.worker.drain({ timeoutMs: 20_000 });
    await submitAll(bridge, events);
    await bridge.worker.drain({ timeoutMs: 20_000 });
    assertKlaviyoExactlyOnce(em.klaviyo.state.events, first);
    assert.equal(em.klaviyo.state.counters.requests, first.length);
  } finally {
    await bridge.close();
    await em.close();
  }
});

test('a burst of 5xx: every email arrives exactly once', async () => {
  const em = await startEmulators();
  const bridge = openBridge(sandboxConfig(em));
  try {
    await control(em.klaviyo.url, { mode: '5xx', count: 15, status: 503 });
    await control(em.rule.url, { mode: '5xx', count: 5, status: 500 });
    const k = await submitAll(bridge, orderEvents('klaviyo-order.json', 1, 10));
    await submitAll(bridge, orderEvents('rule-order.json', 3, 10));
    await bridge.worker.drain({ timeoutMs: 30_000 });
    assertKlaviyoExactlyOnce(em.klaviyo.state.events, k);
    assert.equal(em.klaviyo.state.counters.faultsInjected, 15);
    const emails = em.rule.state.subscribers.map((s) => (s.fields.find((f) => f.key === 'Order.Number')!.value as number));
    assert.equal(emails.length, 10);
    assert.equal(new Set(emails).size, 10);
    const retried = (await bridge.outbox.listDeliveries({ limit: 100 })).filter((d) => d.attempts > 1);
    assert.ok(retried.length > 0);
    assert.ok((await bridge.outbox.countsByStateAndEsp()).every((c) => c.status === 'delivered'));
  } finally {
    await bridge.close();
    await em.close();
  }
});

test('a 429 storm with Retry-After: waits as told, then every email arrives exactly once', async () => {
  const em = await startEmulators();
  const bridge = openBridge(sandboxConfig(em));
  try {
    await control(em.klaviyo.url, { mode: '429', count: 12, retryAfter: '1' });
    const ids = await submitAll(bridge, orderEvents('klaviyo-order.json', 1, 8));
    await bridge.worker.drain({ timeoutMs: 30_000 });
    assertKlaviyoExactlyOnce(em.klaviyo.state.events, ids);
    assert.equal(em.klaviyo.state.counters.status429, 12);
    for (const id of ids) {
      const d = (await bridge.outbox.getDelivery(id))!;
      const log = d.attemptLog;
      for (let i = 1; i < log.length; i++) {
        if (log[i - 1].status === 429) assert.ok(log[i].startedAt - log[i - 1].finishedAt >= 950, `${id} retried ${log[i].startedAt - log[i - 1].finishedAt} ms after a 429 with Retry-After: 1`);
      }
    }
  } finally {
    await bridge.close();
    await em.close();
  }
});

test('a hanging ESP: timeouts are retried where a repeat is harmless (Klaviyo), dead letters where it is not (Rule)', async () => {
  const em = await startEmulators();
  const bridge = openBridge(sandboxConfig(em, { timeoutMs: 300 }));
  try {
    // Klaviyo acts on the request and never answers: the bridge cannot know; unique_id makes the repeat a no-op.
    await control(em.klaviyo.url, { mode: 'hang', count: 4, afterProcessing: true });
    await control(em.rule.url, { mode: 'hang', count: 1 });
    const k = await submitAll(bridge, orderEvents('klaviyo-order.json', 1, 4));
    const r = await submitAll(bridge, orderEvents('rule-order.json', 3, 3));
    await bridge.worker.drain({ timeoutMs: 30_000 });
    assertKlaviyoExactlyOnce(em.klaviyo.state.events, k);
    assert.ok(em.klaviyo.state.counters.duplicates >= 1, 'the retried hung requests were recognised as repeats');
    const dead = await bridge.outbox.listDeliveries({ status: 'dead' });
    assert.equal(dead.length, 1);
    assert.match(dead[0].lastError!, /ambiguous: may have been delivered/);
    assert.ok(r.includes(dead[0].id));
    assert.equal(em.rule.state.subscribers.length, 2);
    // The operator checks Rule (the hung request was not processed) and replays it: it arrives once.
    assert.equal(await bridge.outbox.replay(dead[0].id), true);
    await bridge.worker.drain({ timeoutMs: 20_000 });
    const numbers = em.rule.state.subscribers.map((s) => s.fields.find((f) => f.key === 'Order.Number')!.value);
    assert.equal(numbers.length, 3);
    assert.equal(new Set(numbers).size, 3);
  } finally {
    await bridge.close();
    await em.close();
  }
});

test('Klaviyo down for a while: Rule keeps its pace, Klaviyo catches up, nothing lost or doubled', async () => {
  const em = await startEmulators();
  const bridge = openBridge(sandboxConfig(em, { timeoutMs: 500, retry: { baseMs: 100, factor: 2, capMs: 400 } }));
  try {
    await control(em.klaviyo.url, { mode: 'hang', durationMs: 3_000 });
    const started = Date.now();
    const k = await submitAll(bridge, orderEvents('klaviyo-order.json', 1, 20));
    await submitAll(bridge, orderEvents('rule-order.json', 3, 40));
    bridge.worker.start();
    await waitFor(() => em.rule.state.subscribers.length === 40, 'all Rule emails', 10_000);
    const ruleDone = Date.now() - started;
    assert.ok(ruleDone < 2_500, `Rule took ${ruleDone} ms while Klaviyo hung`);
    assert.equal(em.klaviyo.state.events.length, 0, 'Klaviyo was still down when Rule finished');
    await bridge.worker.drain({ timeoutMs: 30_000 });
    assertKlaviyoExactlyOnce(em.klaviyo.state.events, k);
    assert.equal(new Set(em.rule.state.subscribers.map((s) => s.fields.find((f) => f.key === 'Order.Number')!.value)).size, 40);
  } finally {
    await bridge.close();
    await em.close();
  }
});
