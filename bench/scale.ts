// Scale-out against one credential: 1, 2 and 4 worker processes on one PostgreSQL schema drain a
// backlog of Klaviyo deliveries, all on one private key, into the Klaviyo emulator with Klaviyo's
// published Create Event limits (burst 350/s, steady 3,500/min: docs/delivery.md, "Default buckets").
// The phases run one after the other on one key and one schema, so the emulator's 60 s sliding
// window spans the changes of process count, as it would during a scale-out: the processes share
// the key's buckets through the store (docs/delivery.md, "Sharing on PostgreSQL"), so whatever
// the number of processes the aggregate should stay just under the allowed rate (steady/60 per
// second) without a 429. Each phase's rate is measured from the store's delivered_at, from one
// second after its processes are ready (the start-up's and the first full bucket's second left out)
// to its end. After the last phase the backlog is drained and checked: each delivery reached
// Klaviyo exactly once.
//
// Prints as its last line:
//   {"workers":[1,2,4],"aggregateRate":[…],"allowedRate":R,"ratio":[…],"status429":k,"lost":0,"duplicates":0,…}
// With --high the ESP allows far more (the emulator 1,000,000/s, the bridge told 100,000/s): how
// the throughput grows with the number of processes until the store (or the machine) saturates.
// Usage: node --import tsx bench/scale.ts [--seconds S (per phase; default 30, --high 10)] [--workers 1,2,4] [--high]
//   The schema is a throwaway one of $BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test).
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseConfig } from '../src/config/load.ts';
import { openBridge } from '../src/app/bridge.ts';
import { BENCH_DATABASE_URL, benchSchema, dropBenchSchema, queryBenchSchema } from './postgres.ts';
import { receipts, startEspProcess, warmUpKlaviyo } from './sandbox.ts';
import { arg } from './args.ts';

const HIGH = process.argv.includes('--high');
const SECONDS = Number(arg('--seconds') ?? (HIGH ? 10 : 30));
const WORKERS = (arg('--workers') ?? '1,2,4').split(',').map(Number);
const BURST = HIGH ? 1_000_000 : 350;
const STEADY = HIGH ? 100_000_000 : 3_500;
/** What the bridge is told the key allows. */
const RATES = HIGH ? [{ limit: 100_000, intervalMs: 1_000 }] : [{ limit: BURST, intervalMs: 1_000 }, { limit: STEADY, intervalMs: 60_000 }];
const ALLOWED = HIGH ? 100_000 : STEADY / 60;
const SCHEMA = benchSchema(HIGH ? 'scale_high' : 'scale');
const child = fileURLToPath(new URL('../test/fixtures/bridge-worker.ts', import.meta.url));

const esps = await startEspProcess({ klaviyo: { burstPerSecond: BURST, steadyPerMinute: STEADY, recordBodies: false, apiKeys: ['klaviyo-test-key', 'bench-warmup-key'] } });
const raw = {
  stores: [{ id: 1, name: 'K', kind: 'wholesale', emails: { orderConfirmationTo: 'none' }, plugins: [{ name: 'klaviyo', esp: 'klaviyo', apiKey: 'klaviyo-test-key', baseUrl: esps.urls.klaviyo }] }],
  storage: { kind: 'postgres', postgres: { url: BENCH_DATABASE_URL, schema: SCHEMA, maxConnections: 4 } },
  delivery: { timeoutMs: 10_000, pollMs: 50, limits: { esp: { klaviyo: { concurrency: 32, rates: RATES } } } },
};
const config = parseConfig(raw);
const enqueuer = openBridge(config, { workerId: 'enqueuer' });

// Enough for every phase at the allowed rate (real limits), or for what the machine can do (--high).
const COUNT = Number(arg('--count') ?? (HIGH ? 40_000 : Math.ceil(ALLOWED * SECONDS * WORKERS.length * 1.05) + 200));
const ids: string[] = [];
for (let i = 0; i < COUNT; i += 1_000) {
  const slice = receipts(config, 'klaviyo-order.json', 1, Math.min(1_000, COUNT - i), i);
  await enqueuer.outbox.enqueue(slice, 'bench');
  for (const d of slice) ids.push(d.id);
}
await warmUpKlaviyo(esps.urls.klaviyo, receipts(config, 'klaviyo-order.json', 1, 1, COUNT)[0]!.request as { headers: Record<string, string>; body: unknown });
console.log(`queued ${ids.length} Klaviyo deliveries on one key; phases of ${SECONDS} s with ${WORKERS.join(', ')} worker processes${HIGH ? ' (high ESP limit)' : ''}`);

async function startWorkers(n: number, phase: number): Promise<ChildProcess[]> {
  return Promise.all(
    Array.from({ length: n }, (_, i) => {
      const proc = spawn(process.execPath, ['--import', 'tsx', child, JSON.stringify(raw), `p${phase}-w${i}`], { stdio: ['pipe', 'pipe', 'inherit'] });
      return new Promise<ChildProcess>((resolve, reject) => {
        createInterface({ input: proc.stdout! }).once('line', () => resolve(proc));
        proc.once('exit', (code) => reject(new Error(`worker exited with ${code}`)));
      });
    }),
  );
}
async function stopWorkers(procs: ChildProcess[]): Promise<void> {
  await Promise.all(procs.map((p) => new Promise<void>((resolve) => {
    p.removeAllListeners('exit');
    p.once('exit', () => resolve());
    p.stdin!.end();
  })));
}
const deliveredBetween = async (from: number, to: number) =>
  Number((await queryBenchSchema<{ n: string }>(SCHEMA, `SELECT count(*) AS n FROM deliveries WHERE delivered_at >= ${from} AND delivered_at < ${to}`))[0]!.n);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const rates: number[] = [];
let procs: ChildProcess[] = [];
for (const [phase, n] of WORKERS.entries()) {
  procs = await startWorkers(n, phase);
  const from = Date.now() + 1_000;
  await sleep(SECONDS * 1_000);
  const to = Date.now();
  const last = phase === WORKERS.length - 1;
  if (!last) await stopWorkers(procs);
  const rate = (await deliveredBetween(from, to)) / ((to - from) / 1000);
  rates.push(Math.round(rate * 10) / 10);
  console.log(`${n} worker process${n > 1 ? 'es' : ''}: ${rate.toFixed(1)}/s (allowed ${ALLOWED.toFixed(1)}/s, ratio ${(rate / ALLOWED).toFixed(3)})`);
}
// The rest of the backlog, to check that everything arrives once.
const drainStart = Date.now();
while ((await enqueuer.outbox.queueDepth()) > 0 && Date.now() - drainStart < 120_000) await sleep(200);
await stopWorkers(procs);

const ks = await esps.summary(esps.urls.klaviyo);
const recorded = ks.uniqueIds as string[];
const unique = new Set(recorded);
const lost = ids.filter((id) => !unique.has(id)).length;
const duplicates = recorded.length - unique.size + ks.counters.duplicates;
const leases = Number((await queryBenchSchema<{ n: string }>(SCHEMA, "SELECT n_tup_upd AS n FROM pg_stat_user_tables WHERE relname = 'rate_buckets' AND schemaname = current_schema()"))[0]?.n ?? 0);
await enqueuer.close();
await dropBenchSchema(SCHEMA);
esps.stop();
console.log(
  JSON.stringify({
    workers: WORKERS,
    aggregateRate: rates,
    allowedRate: Math.round(ALLOWED * 10) / 10,
    ratio: rates.map((r) => Math.round((r / ALLOWED) * 1000) / 1000),
    status429: ks.counters.status429,
    lost,
    duplicates,
    deliveries: ids.length,
    secondsPerPhase: SECONDS,
    bucketRowUpdates: leases,
    ...(HIGH ? { espLimit: 'emulator 1,000,000/s; bridge told 100,000/s' } : { burstPerSecond: BURST, steadyPerMinute: STEADY }),
  }),
);
