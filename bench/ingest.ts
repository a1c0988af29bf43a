// Ingest throughput and latency, in one run: signed webhook batches of 100 events against
// POST /webhooks/centra (verify, parse, store in the inbox with group commit, acknowledge),
// compared with POST /bench/noop on the same server (parse and answer, nothing stored).
// The load generator runs in a child process so it does not share the server's event loop.
//   1. saturation: C keep-alive clients, closed loop, alternating noop / webhook rounds;
//   2. open loop: 500 batches/s (50,000 events/s) offered on a schedule; latency counted
//      from the scheduled send time (no coordinated omission).
// Prints as its last line: {"eventsPerSecond":E,"baselineEventsPerSecond":B,"ratio":E/B,"p99AckMs":p}
// Usage: node --import tsx bench/ingest.ts [--seconds S] [--clients C] [--rate BATCHES_PER_S] [--open-seconds S]
//          [--synchronous normal|full] [--store sqlite|postgres]
//   --store postgres: a throwaway schema of $BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { performance } from 'node:perf_hooks';
import { BENCH_DATABASE_URL, benchSchema, dropBenchSchema } from './postgres.ts';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const SECRET = 'bench-secret';
const STORE = arg('--store', 'sqlite');
const PG_SCHEMA = benchSchema('ingest');

if (process.argv.includes('--client')) await client();
else await server();

async function server(): Promise<void> {
  const { parseConfig } = await import('../src/config/load.ts');
  const { startService } = await import('../src/server/service.ts');
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-ingest-'));
  const config = parseConfig({
    stores: [{ id: 1, name: 'Showroom', kind: 'wholesale', plugins: [] }],
    // Every email falls back; the worker is off, so nothing is sent.
    smtp: { host: '127.0.0.1', port: 9 },
    storage:
      STORE === 'postgres'
        ? { kind: 'postgres', postgres: { url: BENCH_DATABASE_URL, schema: PG_SCHEMA } }
        : { sqlitePath: path.join(dir, 'bridge.sqlite'), synchronous: arg('--synchronous', 'normal') },
    server: { host: '127.0.0.1', port: 0, webhookSecrets: [SECRET], adminToken: 'bench-admin', maxBodyBytes: 1024 * 1024 },
    centra: { url: 'http://127.0.0.1:9/graphql', token: 'unused' },
  });
  // Ingest only: no processor (it would fetch from Centra) and no worker.
  const service = await startService(config, { benchNoopRoute: true, processor: false, worker: false, probeCentra: false, logLevel: 'warn' });
  const child = spawn(process.execPath, ['--import', 'tsx', new URL(import.meta.url).pathname, '--client', service.url, ...process.argv.slice(2)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let result: any;
  createInterface({ input: child.stdout! }).on('line', (line) => {
    if (line.startsWith('{')) result = JSON.parse(line);
    else process.stdout.write(`${line}\n`);
  });
  const code: number = await new Promise((resolve) => child.on('exit', (c) => resolve(c ?? 1)));
  await service.ingest.flush();
  const counts = await service.inbox.counts();
  const stored = counts.pending + counts.retry + counts.processed + counts.failed;
  const batches = service.ingest.calls;
  await service.close();
  rmSync(dir, { recursive: true, force: true });
  if (STORE === 'postgres') await dropBenchSchema(PG_SCHEMA);
  if (code !== 0 || !result) {
    process.stderr.write(`load generator failed (exit ${code})\n`);
    process.exit(1);
  }
  if (stored !== result.eventsAcked) {
    process.stderr.write(`inbox holds ${stored} events but ${result.eventsAcked} were acknowledged\n`);
    process.exit(1);
  }
  process.stdout.write(`stored ${stored} events in ${batches.commits} commits (${(batches.items / Math.max(1, batches.commits)).toFixed(1)} webhook calls a commit); open loop: ${result.openLoop.sent} batches offered at ${result.openLoop.rate}/s, p50 ${result.openLoop.p50.toFixed(2)} ms, p99 ${result.openLoop.p99.toFixed(2)} ms, max ${result.openLoop.max.toFixed(2)} ms, errors ${result.errors}\n`);
  const E = Math.round(result.eventsPerSecond);
  const B = Math.round(result.baselineEventsPerSecond);
  if (STORE !== 'sqlite') process.stdout.write(`store: ${STORE}\n`);
  process.stdout.write(`${JSON.stringify({ eventsPerSecond: E, baselineEventsPerSecond: B, ratio: Number((E / B).toFixed(3)), p99AckMs: Number(result.openLoop.p99.toFixed(2)) })}\n`);
}

async function client(): Promise<void> {
  const { Pool } = await import('undici');
  const { encodeWebhookBody, signWebhook } = await import('../src/centra/webhook.ts');
  const url = process.argv[process.argv.indexOf('--client') + 1];
  const seconds = Number(arg('--seconds', '3'));
  const clients = Number(arg('--clients', '8'));
  const rate = Number(arg('--rate', '500'));
  const openSeconds = Number(arg('--open-seconds', '6'));
  const pool = new Pool(url, { connections: 64, pipelining: 1, keepAliveTimeout: 30_000 });
  let nextId = 1;
  let errors = 0;
  let eventsAcked = 0;
  const batch = () => {
    const events = Array.from({ length: 100 }, (_, i) => ({ type: i % 3 === 0 ? 'shipment' : 'order', action: 'update', id: nextId++, date: '2024-03-04 10:00:00.000000' }));
    return encodeWebhookBody(events);
  };
  async function post(route: string, body: string, signature = signWebhook(body, SECRET)): Promise<boolean> {
    const headers = { 'content-type': 'application/x-www-form-urlencoded', 'x-centra-signature': signature };
    try {
      const res = await pool.request({ path: route, method: 'POST', headers, body });
      const text = await res.body.text();
      if (res.statusCode !== 200) {
        errors++;
        return false;
      }
      if (route === '/webhooks/centra') eventsAcked += JSON.parse(text).accepted;
      return true;
    } catch {
      errors++;
      return false;
    }
  }
  /** Waits until the server has expanded everything stored (so no round pays for the previous one). */
  async function settle(): Promise<void> {
    const res = await pool.request({ path: '/bench/settle', method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-centra-signature': signWebhook('', SECRET) }, body: '' });
    await res.body.text();
  }
  async function saturate(route: string, ms: number): Promise<number> {
    await settle();
    let events = 0;
    const until = performance.now() + ms;
    await Promise.all(
      Array.from({ length: clients }, async () => {
        while (performance.now() < until) if (await post(route, batch())) events += 100;
      }),
    );
    return (events * 1000) / ms;
  }
  // Warm up both routes (JIT, connections, the SQLite file).
  await saturate('/bench/noop', 500);
  await saturate('/webhooks/centra', 500);
  const noop: number[] = [];
  const hook: number[] = [];
  for (let round = 0; round < 2; round++) {
    noop.push(await saturate('/bench/noop', (seconds * 1000) / 2));
    hook.push(await saturate('/webhooks/centra', (seconds * 1000) / 2));
  }
  // The best round of each: a round that met a GC or a checkpoint does not decide the ratio either way.
  const best = (a: number[]) => Math.max(...a);
  process.stderr.write(`saturation (${clients} clients): noop ${noop.map((x) => x.toFixed(0)).join(', ')} events/s; webhook ${hook.map((x) => x.toFixed(0)).join(', ')} events/s\n`);

  // Open loop at `rate` batches a second, from a settled server.
  const total = Math.round(rate * openSeconds);
  // Bodies and signatures made beforehand: the client only sends, on schedule.
  const bodies = Array.from({ length: total }, batch);
  const signatures = bodies.map((b) => signWebhook(b, SECRET));
  const latencies: number[] = [];
  await settle();
  const start = performance.now() + 50;
  const pending: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const at = start + (i * 1000) / rate;
    const wait = at - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    pending.push(post('/webhooks/centra', bodies[i], signatures[i]).then(() => void latencies.push(performance.now() - at)));
  }
  await Promise.all(pending);
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];
  await pool.close();
  process.stdout.write(
    `${JSON.stringify({
      eventsPerSecond: best(hook),
      baselineEventsPerSecond: best(noop),
      eventsAcked,
      errors,
      openLoop: { rate, sent: total, p50: pct(0.5), p99: pct(0.99), max: latencies.at(-1) },
    })}\n`,
  );
}
