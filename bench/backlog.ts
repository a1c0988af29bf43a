// Memory with a large backlog: insert N pending deliveries (~1.5 KB requests, several lanes)
// into a fresh SQLite file, then drain the first 10,000 through the worker with a transport
// that answers at once. Prints as its last line:
//   {"pending":N,"drained":10000,"peakRssMB":m,"seconds":s}
// Usage: node --import tsx bench/backlog.ts [--count N]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { laneKey } from '../src/delivery/outbox.ts';
import { createWorker } from '../src/delivery/worker.ts';
import type { PlannedDelivery, SendOutcome, Transport } from '../src/delivery/types.ts';

import type { NewDelivery } from '../src/storage/deliveries.ts';
import { openSqliteStorage } from '../src/storage/sqlite/open.ts';
import { arg } from './args.ts';

const COUNT = Number(arg('--count') ?? 1_000_000);
const DRAIN = Math.min(10_000, COUNT);
// Small transactions keep each batch's garbage in V8's young generation (cheap to collect).
const BATCH = 1_000;

let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 50);

const LANES: Array<{ esp: string; plugin: string }> = [
  { esp: 'klaviyo', plugin: 'eu' },
  { esp: 'klaviyo', plugin: 'us' },
  { esp: 'rule', plugin: 'nordics' },
  { esp: 'voyado', plugin: 'dtc' },
  { esp: 'smtp', plugin: 'fallback' },
];

function requestFor(i: number, esp: string) {
  const lines = Array.from({ length: 4 }, (_, l) => ({
    sku: `SKU-${(i * 7 + l) % 99991}`,
    name: `Wool overshirt, colour ${l}, size ${['S', 'M', 'L', 'XL'][l]}`,
    quantity: 1 + (l % 3),
    price: `${(129 + l * 10).toFixed(2)}`,
    image: `https://cdn.example.com/products/${(i + l) % 5000}/large.jpg`,
  }));
  return {
    method: 'POST' as const,
    url: `https://api.example.com/${esp}/events`,
    headers: { 'content-type': 'application/json', revision: '2024-10-15' },
    body: {
      event: 'Placed Order',
      unique_id: `order-${i}`,
      email: `buyer${i}@example.com`,
      properties: {
        order_number: `${100000 + i}`,
        currency: 'SEK',
        total: '1299.00',
        shipping_address: { name: 'Anna Svensson', street: 'Götgatan 12', zip: '11646', city: 'Stockholm', country: 'SE' },
        lines,
        note: 'x'.repeat(420),
      },
    },
  };
}

function makeRow(i: number, createdAt: number): NewDelivery {
  const lane = LANES[i % LANES.length]!;
  return {
    id: `bench-${i}`,
    eventId: `event-${Math.floor(i / 2)}`,
    emailType: 'order',
    recipient: 'buyer',
    to: `buyer${i}@example.com`,
    plugin: lane.plugin,
    esp: lane.esp,
    lane: laneKey(lane.esp, lane.plugin),
    request: requestFor(i, lane.esp),
    createdAt,
  };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-backlog-'));
  const storage = openSqliteStorage({ path: join(dir, 'backlog.sqlite') });
  const store = storage.deliveries;
  try {
    const t0 = performance.now();
    const base = Date.now() - 60_000;
    let bytes = 0;
    for (let start = 0; start < COUNT; start += BATCH) {
      const rows: NewDelivery[] = [];
      for (let i = start; i < Math.min(COUNT, start + BATCH); i++) rows.push(makeRow(i, base + Math.floor(i / 100)));
      if (start === 0) bytes = JSON.stringify(rows[0]!.request).length;
      await store.insertDeliveries(rows);
      if ((start / BATCH) % 20 === 0) await new Promise((r) => setImmediate(r));
    }
    const insertSeconds = (performance.now() - t0) / 1000;
    const pending = await store.queueDepth();
    console.log(`inserted ${pending} pending deliveries (request ~${bytes} B) in ${insertSeconds.toFixed(1)} s; rss ${Math.round(process.memoryUsage().rss / 1048576)} MB`);

    let delivered = 0;
    let reachedResolve!: () => void;
    const reached = new Promise<void>((r) => (reachedResolve = r));
    const transports: Transport[] = (['klaviyo', 'rule', 'voyado', 'smtp'] as const).map((esp) => ({
      esp,
      async send(_d: PlannedDelivery): Promise<SendOutcome> {
        if (delivered >= DRAIN) return { kind: 'transient', error: 'bench: enough drained', retryAfterMs: 3_600_000 };
        delivered++;
        if (delivered === DRAIN) reachedResolve();
        return { kind: 'delivered', status: 202 };
      },
    }));
    const worker = createWorker({
      store,
      transports,
      workerId: 'bench',
      batchSize: 64,
      limits: { default: { concurrency: 16, rates: [] }, esp: { klaviyo: { rates: [] }, voyado: { rates: [] }, smtp: { rates: [] } } },
    });
    const t1 = performance.now();
    worker.start();
    await reached;
    const seconds = (performance.now() - t1) / 1000;
    await worker.stop();
    const counts = await store.countsByStateAndEsp();
    const deliveredRows = counts.filter((c) => c.status === 'delivered').reduce((a, c) => a + c.count, 0);
    if (deliveredRows !== DRAIN) throw new Error(`expected ${DRAIN} delivered rows, found ${deliveredRows}`);
    clearInterval(sampler);
    peakRss = Math.max(peakRss, process.memoryUsage().rss, process.resourceUsage().maxRSS * 1024);
    console.log(JSON.stringify({ pending, drained: deliveredRows, peakRssMB: Math.round(peakRss / 1048576), seconds: Number(seconds.toFixed(2)) }));
  } finally {
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
