// Delivery rate against the ESP's allowed rate, in one run: a backlog of Klaviyo deliveries
// (default 10,500) drained into the Klaviyo emulator with Klaviyo's published limits for the
// Create Event endpoint — burst 350/s and steady 3,500/min (docs/delivery.md, "Default buckets") — with Rule and
// Voyado lanes working beside it. The allowed rate is the steady limit (S/60 per second): the
// default backlog is three minutes' worth, so the first minute's burst cannot carry the figure.
// boundSeconds is the least time the two windows allow if the ESP counted them as sliding windows
// (N ≤ S at B/s, each further S a minute later): how much a burst-exploiting sender could gain.
// Prints as its last line:
//   {"deliveries":N,"burstPerSecond":B,"steadyPerMinute":S,"allowedRate":S/60,"achievedRate":A,"ratio":A/(S/60),"seconds":s,"boundSeconds":b,"status429":n,"lost":0,"duplicates":0,"peakRssMB":m}
// Usage: node --import tsx bench/delivery.ts [--count N] [--burst B] [--steady S] [--store sqlite|postgres]
//   --store postgres: the outbox in a throwaway schema of $BENCH_DATABASE_URL
//   (default postgres://postgres@127.0.0.1:5432/test), dropped afterwards.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseConfig } from '../src/config/load.ts';
import { openBridge } from '../src/app/bridge.ts';
import Database from 'better-sqlite3';
import { receipts, startEspProcess, warmUpKlaviyo } from './sandbox.ts';
import { BENCH_DATABASE_URL, benchSchema, dropBenchSchema, queryBenchSchema } from './postgres.ts';
import { arg } from './args.ts';

const COUNT = Number(arg('--count') ?? 10_500);
const BURST = Number(arg('--burst') ?? 350);
const STEADY = Number(arg('--steady') ?? 3_500);
/** The least time both windows allow for n requests: ⌈n/STEADY⌉−1 full minutes, then the rest at BURST/s. */
const boundSeconds = (n: number) => Math.floor((n - 1) / STEADY) * 60 + (((n - 1) % STEADY) + 1) / BURST;
const SIDE = Math.ceil(COUNT / 10);
const STORE = arg('--store') ?? 'sqlite';
const PG_SCHEMA = benchSchema('delivery');

let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);

const dir = mkdtempSync(path.join(tmpdir(), 'bench-delivery-'));
const esps = await startEspProcess({ klaviyo: { burstPerSecond: BURST, steadyPerMinute: STEADY, recordBodies: false, apiKeys: ['klaviyo-test-key', 'bench-warmup-key'] }, rule: { requestsPerSecond: 100 }, voyado: { requestsPerSecond: 200 } });
const klaviyo = { url: esps.urls.klaviyo };
const rule = { url: esps.urls.rule };
const voyado = { url: esps.urls.voyado };
const summary = esps.summary;

const raw = {
  stores: [
    { id: 1, name: 'K', kind: 'wholesale', emails: { orderConfirmationTo: 'none' }, plugins: [{ name: 'klaviyo', esp: 'klaviyo', apiKey: 'klaviyo-test-key', baseUrl: klaviyo.url }] },
    { id: 3, name: 'R', kind: 'wholesale', emails: { orderConfirmationTo: 'none' }, plugins: [{ name: 'rule', esp: 'rule', apiKey: 'rule-test-key', baseUrl: rule.url }] },
    { id: 4, name: 'V', kind: 'wholesale', emails: { orderConfirmationTo: 'none' }, plugins: [{ name: 'voyado', esp: 'voyado', apiKey: 'voyado-test-key', baseUrl: voyado.url, storeExternalId: 'wholesale' }] },
  ],
  storage:
    STORE === 'postgres'
      ? { kind: 'postgres', postgres: { url: BENCH_DATABASE_URL, schema: PG_SCHEMA } }
      : { sqlitePath: path.join(dir, 'bridge.sqlite') },
  delivery: {
    timeoutMs: 10_000,
    pollMs: 50,
    // The bridge is told what the account allows: Klaviyo's published limits, Rule 100/s, Voyado 50/s.
    limits: {
      esp: {
        klaviyo: { concurrency: 32, rates: [{ limit: BURST, intervalMs: 1_000 }, { limit: STEADY, intervalMs: 60_000 }] },
        rule: { concurrency: 8, rates: [{ limit: 100, intervalMs: 1_000 }] },
        voyado: { concurrency: 8, rates: [{ limit: 50, intervalMs: 1_000 }] },
      },
    },
  },
};
const config = parseConfig(raw);
const bridge = openBridge(config);

/** Plans and stores `n` receipts in slices; keeps only their ids (the plans are the outbox's now). */
async function enqueueReceipts(file: string, storeId: number, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i += 1_000) {
    const slice = receipts(config, file, storeId, Math.min(1_000, n - i), i);
    await bridge.outbox.enqueue(slice, 'bench');
    for (const d of slice) ids.push(d.id);
  }
  return ids;
}
const k = await enqueueReceipts('klaviyo-order.json', 1, COUNT);
const r = await enqueueReceipts('rule-order.json', 3, SIDE);
const v = await enqueueReceipts('voyado-order.json', 4, Math.ceil(SIDE / 2));
await warmUpKlaviyo(klaviyo.url, receipts(config, 'klaviyo-order.json', 1, 1, COUNT)[0].request as { headers: Record<string, string>; body: unknown });
console.log(`queued ${k.length} Klaviyo, ${r.length} Rule, ${v.length} Voyado deliveries; draining…`);

const started = Date.now();
bridge.worker.start();
await bridge.worker.drain({ timeoutMs: 600_000 });
// The Klaviyo lane's time: from the worker's start to its last delivery, as the store recorded it
// (read on a connection of the bench's own, to the store it configured above).
const LAST_KLAVIYO = "SELECT max(delivered_at) AS t FROM deliveries WHERE esp = 'klaviyo'";
function lastDeliveredSqlite(): number {
  const db = new Database(path.join(dir, 'bridge.sqlite'), { readonly: true });
  try {
    return (db.prepare(LAST_KLAVIYO).get() as { t: number }).t;
  } finally {
    db.close();
  }
}
const lastDelivered = STORE === 'postgres' ? Number((await queryBenchSchema<{ t: string }>(PG_SCHEMA, LAST_KLAVIYO))[0].t) : lastDeliveredSqlite();
const seconds = (lastDelivered - started) / 1000;
clearInterval(sampler);
peakRss = Math.max(peakRss, process.memoryUsage().rss);

const [ks, rs, vs] = await Promise.all([summary(klaviyo.url), summary(rule.url), summary(voyado.url)]);
const ids = new Set(k);
const recorded = ks.uniqueIds as string[];
const unique = new Set(recorded);
const lost = [...ids].filter((id) => !unique.has(id)).length + Math.max(0, r.length - rs.subscribers) + Math.max(0, v.length - vs.orders);
const duplicates = recorded.length - unique.size + ks.counters.duplicates + Math.max(0, rs.subscribers - r.length) + Math.max(0, vs.orders - v.length);
const status429 = ks.counters.status429 + rs.counters.status429 + vs.counters.status429;
const achieved = k.length / seconds;
const allowed = STEADY / 60;
console.log(`Klaviyo: ${k.length} in ${seconds.toFixed(1)} s; Rule ${rs.subscribers}/${r.length}, Voyado ${vs.orders}/${v.length}; 429s: Klaviyo ${ks.counters.status429}, Rule ${rs.counters.status429}, Voyado ${vs.counters.status429}`);

await bridge.close();
if (STORE === 'postgres') await dropBenchSchema(PG_SCHEMA);
esps.stop();
rmSync(dir, { recursive: true, force: true });
console.log(
  JSON.stringify({
    store: STORE,
    deliveries: k.length,
    burstPerSecond: BURST,
    steadyPerMinute: STEADY,
    allowedRate: Math.round(allowed * 10) / 10,
    achievedRate: Math.round(achieved * 10) / 10,
    ratio: Math.round((achieved / allowed) * 1000) / 1000,
    seconds: Math.round(seconds * 10) / 10,
    boundSeconds: Math.round(boundSeconds(k.length) * 10) / 10,
    status429,
    lost,
    duplicates,
    peakRssMB: Math.round(peakRss / 1024 / 1024),
  }),
);
