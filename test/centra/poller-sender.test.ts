import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createCentraClient } from '../../src/centra/graphql-client.ts';
import { createEventsPoller, type PolledEvent } from '../../src/centra/events-poller.ts';
import { parseWebhookBody, verifySignature } from '../../src/centra/webhook.ts';
import { CentraState, DEFAULT_CENTRA_TOKEN, startCentraEmulator } from '../../sandbox/centra/server.ts';
import { datasetEvents, generateDataset } from '../../sandbox/centra/data.ts';
import { createWebhookSender } from '../../sandbox/centra/webhook-sender.ts';
import type { EmulatorHandle } from '../../sandbox/common/server.ts';
import { control } from '../sandbox/helpers.ts';

const dataset = generateDataset({ seed: 3, orders: 60 });
let emu: EmulatorHandle<CentraState>;
before(async () => {
  emu = await startCentraEmulator({ dataset });
});
after(async () => {
  await emu.close();
});

test('events poller: sets listeners once, hands events oldest first, confirms only handled ids', async () => {
  const client = createCentraClient({ url: `${emu.url}/graphql`, token: DEFAULT_CENTRA_TOKEN });
  const seen: PolledEvent[][] = [];
  let refuse = new Set<number>();
  const poller = createEventsPoller({
    execute: client.execute,
    types: ['order', 'shipment'],
    onEvents: async (events) => {
      seen.push(events);
      return events.filter((e) => !refuse.has(e.id)).map((e) => e.eventId);
    },
  });
  assert.deepEqual(await poller.pollOnce(), { received: 0, confirmed: 0 });
  const listeners = (emu.state.records() as any).listeners.map((l: any) => l.objectType).sort();
  assert.deepEqual(listeners, ['Order', 'Shipment']);

  const firstOrders = dataset.timeline.filter((e) => e.type === 'order' && e.action === 'create').slice(0, 3);
  const shipment = dataset.timeline.find((e) => e.type === 'shipment')!;
  const customer = dataset.timeline.find((e) => e.type === 'customer')!;
  const r = await control(emu.url, 'events', { events: [...firstOrders, shipment, customer] });
  assert.equal(r.json.queued, 4, 'customer events are not listened to');

  refuse = new Set([firstOrders[1].id]);
  assert.deepEqual(await poller.pollOnce(), { received: 4, confirmed: 3 });
  const batch = seen.at(-1)!;
  assert.deepEqual(batch.map((e) => [e.type, e.action, e.id]), [...firstOrders.map((e) => ['order', 'create', e.id]), ['shipment', 'create', shipment.id]]);
  assert.match(batch[0].date, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}$/);
  assert.equal(batch[0].date, firstOrders[0].date);
  // The unhandled one stays queued and comes back.
  assert.deepEqual(emu.state.queue.map((e) => e.objectReference), [firstOrders[1].id]);
  refuse = new Set();
  assert.deepEqual(await poller.pollOnce(), { received: 1, confirmed: 1 });
  assert.equal(seen.at(-1)![0].id, firstOrders[1].id);
  assert.equal(emu.state.queue.length, 0);
  assert.equal(emu.state.confirmed.length, 4);
  const setCalls = emu.state.calls.filter((c) => c.operationName === 'SetEventListeners').length;
  assert.equal(setCalls, 1);
});

test('events poller: start/stop polls on an interval and reports errors', async () => {
  const client = createCentraClient({ url: `${emu.url}/graphql`, token: DEFAULT_CENTRA_TOKEN, timeoutMs: 500 });
  await control(emu.url, 'events', { until: dataset.timeline[20].date });
  const handled: number[] = [];
  const errors: unknown[] = [];
  await control(emu.url, 'faults', { mode: '5xx', count: 1 });
  const poller = createEventsPoller({
    execute: client.execute,
    intervalMs: 20,
    types: ['order', 'shipment', 'customer', 'buyer', 'return', 'invoice'],
    onEvents: async (events) => {
      handled.push(...events.map((e) => e.eventId));
      return events.map((e) => e.eventId);
    },
    onError: (e) => errors.push(e),
  });
  poller.start();
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline && (errors.length === 0 || emu.state.queue.length > 0 || handled.length === 0)) {
    await new Promise((r) => setTimeout(r, 10));
    if (errors.length && !handled.length) await control(emu.url, 'events', { until: dataset.timeline[20].date });
  }
  await poller.stop();
  assert.equal(poller.running, false);
  assert.ok(errors.length >= 1, 'the 5xx was reported');
  assert.ok(handled.length > 0);
  assert.equal(emu.state.queue.length, 0);
});

interface Sink {
  url: string;
  bodies: { body: string; signature: string | undefined }[];
  close(): Promise<void>;
}
async function sink(answer: (n: number) => number | 'hang'): Promise<Sink> {
  const bodies: Sink['bodies'] = [];
  let n = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      bodies.push({ body: Buffer.concat(chunks).toString('utf8'), signature: req.headers['x-centra-signature'] as string | undefined });
      const a = answer(n++);
      if (a === 'hang') return;
      res.writeHead(a).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/centra`,
    bodies,
    close: () => new Promise<void>((r) => {
      server.close(() => r());
      server.closeAllConnections();
    }),
  };
}

test('webhook sender: batches of 100, form-encoded and signed', async () => {
  const s = await sink(() => 200);
  try {
    const events = datasetEvents(dataset).slice(0, 250);
    const sender = createWebhookSender({ url: s.url, secret: 'shh' });
    const stats = await sender.send(events);
    assert.deepEqual(stats, { batches: 3, delivered: 3, retried: 0, dropped: 0, droppedEvents: 0, attempts: 3 });
    assert.equal(s.bodies.length, 3);
    const ids: number[] = [];
    for (const b of s.bodies) {
      assert.deepEqual(verifySignature(b.body, b.signature, ['shh'], Date.now()), { ok: true });
      const parsed = parseWebhookBody(b.body);
      assert.ok(parsed.ok);
      if (parsed.ok) ids.push(...parsed.events.map((e) => e.id));
    }
    assert.deepEqual(ids, events.map((e) => e.id));
  } finally {
    await s.close();
  }
});

test('webhook sender: retries with increasing delays, then drops the batch and reports it', async () => {
  const flaky = await sink((n) => (n < 2 ? 500 : 200));
  const down = await sink((n) => (n === 1 ? 'hang' : 503));
  try {
    const events = datasetEvents(dataset).slice(0, 5);
    const ok = await createWebhookSender({ url: flaky.url, secret: 'x', retryDelaysMs: [10, 20, 30] }).send(events);
    assert.deepEqual(ok, { batches: 1, delivered: 1, retried: 2, dropped: 0, droppedEvents: 0, attempts: 3 });

    const dropped: string[] = [];
    const t0 = Date.now();
    const sender = createWebhookSender({ url: down.url, secret: 'x', timeoutMs: 200, retryDelaysMs: [10, 40, 80], onDrop: (b, err) => dropped.push(`${b.length}:${err}`) });
    const bad = await sender.send(events);
    assert.deepEqual(bad, { batches: 1, delivered: 0, retried: 3, dropped: 1, droppedEvents: 5, attempts: 4 });
    assert.equal(down.bodies.length, 4, 'one try and 3 retries, no more');
    assert.ok(Date.now() - t0 >= 10 + 40 + 80 + 200, 'waited the delays and the timeout');
    assert.deepEqual(dropped, ['5:HTTP 503']);
    assert.deepEqual(sender.stats, bad);
  } finally {
    await flaky.close();
    await down.close();
  }
});
