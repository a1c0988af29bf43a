// What a /metrics scrape costs with a large store: N stored deliveries (most delivered, some
// pending and dead, several lanes) in a fresh SQLite file; then the median time of a scrape as the
// service does it now (gauges kept from the store's events, the backlog read from partial indexes)
// against the full count a scrape used to run (GROUP BY status, esp over every row). Prints as its
// last line: {"rows":N,"scrapeMs":a,"fullCountMs":b,"ratio":b/a}
// Usage: node --import tsx bench/scrape.ts [--count N]   (default 1,000,000; about a minute)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { laneKey } from '../src/delivery/outbox.ts';
import { createMetrics } from '../src/server/metrics.ts';
import type { NewDelivery } from '../src/storage/deliveries.ts';
import { openSqliteStorage } from '../src/storage/sqlite/open.ts';

const i = process.argv.indexOf('--count');
const COUNT = Number(i >= 0 ? process.argv[i + 1] : 1_000_000);
const LANES = [
  ['klaviyo', 'eu'],
  ['klaviyo', 'us'],
  ['rule', 'nordics'],
  ['voyado', 'dtc'],
] as const;

const dir = mkdtempSync(join(tmpdir(), 'bench-scrape-'));
const storage = openSqliteStorage({ path: join(dir, 'bridge.sqlite') });
try {
  const now = Date.now();
  for (let from = 0; from < COUNT; from += 5000) {
    const rows: NewDelivery[] = [];
    for (let n = from; n < Math.min(COUNT, from + 5000); n++) {
      const [esp, plugin] = LANES[n % LANES.length]!;
      rows.push({ id: `d${n}`, eventId: `e${n >> 1}`, emailType: 'order', recipient: 'buyer', to: `b${n}@example.com`, plugin, esp, lane: laneKey(esp, plugin), request: { method: 'POST', url: 'https://esp.example', headers: {}, body: { n } }, createdAt: now - (COUNT - n) * 1000 });
    }
    await storage.deliveries.insertDeliveries(rows);
  }
  // Most rows delivered, 1 % dead, the newest 1 % still pending (as a store a year old looks).
  storage.db.prepare(`UPDATE deliveries SET status = 'delivered', delivered_at = created_at WHERE CAST(substr(id, 2) AS INTEGER) < ?`).run(Math.floor(COUNT * 0.98));
  storage.db.prepare(`UPDATE deliveries SET status = 'dead' WHERE CAST(substr(id, 2) AS INTEGER) % 100 = 7 AND status = 'delivered'`).run();
  storage.db.pragma('optimize');

  const metrics = createMetrics();
  const outbox = { oldestPendingAgeMs: async () => Math.max(0, Date.now() - ((await storage.deliveries.oldestActiveCreatedAt()) ?? Date.now())) };
  await metrics.bindSources({ outbox, inbox: storage.inbox, countDeliveries: () => storage.maintenance.countsByPlugin() });
  const median = async (fn: () => Promise<unknown>, times: number) => {
    const ms: number[] = [];
    for (let k = 0; k < times; k++) {
      const t = process.hrtime.bigint();
      await fn();
      ms.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    return ms.sort((a, b) => a - b)[Math.floor(times / 2)]!;
  };
  const scrapeMs = await median(() => metrics.registry.metrics(), 21);
  const fullCountMs = await median(() => storage.deliveries.countsByStateAndEsp(), 7);
  metrics.close();
  console.log(`${COUNT} rows: a scrape ${scrapeMs.toFixed(2)} ms (gauges kept from events), the full count a scrape used to run ${fullCountMs.toFixed(1)} ms`);
  console.log(JSON.stringify({ rows: COUNT, scrapeMs: Number(scrapeMs.toFixed(2)), fullCountMs: Number(fullCountMs.toFixed(1)), ratio: Number((fullCountMs / scrapeMs).toFixed(1)) }));
} finally {
  await storage.close();
  rmSync(dir, { recursive: true, force: true });
}
