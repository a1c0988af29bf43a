// The duplicate window after SIGKILL, measured on both engines. A backlog of Klaviyo deliveries is
// worked by `esp-bridge worker` processes against the Klaviyo emulator (in this process); each is
// killed with SIGKILL in the middle of its work, the next one started, and so on; a last one drains.
// The emulator counts a repeat when an event's unique_id arrives a second time: each repeat is a
// send whose answer came back but whose outcome the killed process had not committed.
// Per kill it reports the rows the dead process held (leased to it: sending, or claimed and waiting
// for a rate-limit token) and how many of those reached the ESP twice; a repeat of any other row
// (unexplainedRepeats) would be a bug. The target: repeats ≤ the sends actually in flight ≤ concurrency.
// Prints as its last line:
//   {"kills":K,"concurrency":C,"engines":{"sqlite":{"repeatsPerKill":[…],"inFlightAtKill":[…],"delivered":N,"lost":0},"postgres":{…}}}
// Usage: node --import tsx bench/kill.ts [--count N] [--kills K] [--rate R] [--engines sqlite,postgres]
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { openBridge } from '../src/app/bridge.ts';
import { parseEvent } from '../src/centra/parse-event.ts';
import { parseConfig } from '../src/config/load.ts';
import { planEvent } from '../src/pipeline/plan.ts';
import { startKlaviyoEmulator } from '../sandbox/index.ts';
import { BENCH_DATABASE_URL, benchSchema, dropBenchSchema } from './postgres.ts';
import { arg } from './args.ts';

const COUNT = Number(arg('--count') ?? 1_500);
const KILLS = Number(arg('--kills') ?? 6);
// Klaviyo's published steady limit (3,500/min): how busy a real Klaviyo lane is.
const RATE = Number(arg('--rate') ?? 58);
const CONCURRENCY = 16;
const LEASE_MS = 2_000;
const ENGINES = (arg('--engines') ?? 'sqlite,postgres').split(',');
const ROOT = new URL('..', import.meta.url).pathname;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function measure(engine: string) {
  const klaviyo = await startKlaviyoEmulator({ recordBodies: false, burstPerSecond: 10_000, steadyPerMinute: 1_000_000 });
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-kill-'));
  const schema = benchSchema(`kill_${engine}`);
  const raw = {
    stores: [{ id: 1, name: 'K', kind: 'wholesale', emails: { orderConfirmationTo: 'none' }, plugins: [{ name: 'klaviyo', esp: 'klaviyo', apiKey: 'klaviyo-test-key', baseUrl: klaviyo.url, emails: { refund: false } }] }],
    storage: engine === 'postgres' ? { kind: 'postgres', postgres: { url: BENCH_DATABASE_URL, schema } } : { sqlitePath: path.join(dir, 'bridge.sqlite') },
    // Short leases, so the next process takes the dead one's rows over quickly.
    delivery: { timeoutMs: 1_000, leaseMs: LEASE_MS, pollMs: 20, limits: { default: { attemptTimeoutMs: 900, concurrency: CONCURRENCY }, esp: { klaviyo: { rates: [{ limit: RATE, intervalMs: 1_000 }] } } } },
  };
  const configFile = path.join(dir, 'config.yaml');
  writeFileSync(configFile, stringify(raw));
  const config = parseConfig(raw);
  const bridge = openBridge(config);
  const template = JSON.parse(readFileSync(path.join(ROOT, 'test/golden/events/klaviyo-order.json'), 'utf8'));
  for (let i = 0; i < COUNT; i += 500) {
    const slice = [];
    for (let k = i; k < Math.min(COUNT, i + 500); k++) {
      template.object.number = 2_000_000 + k;
      template.object.id = `k${k}`;
      slice.push(...planEvent(parseEvent(template), config).deliveries);
    }
    await bridge.outbox.enqueue(slice, 'bench');
  }
  /** The rows a dead process still holds: leased to it (its worker id carries its pid). */
  const heldBy = async (pid: number) =>
    (await bridge.outbox.listDeliveries({ status: 'in_flight', limit: 10_000 })).filter((d) => d.leaseOwner?.split(':')[1] === String(pid)).map((d) => d.id);
  const start = (untilIdle: boolean): ChildProcess =>
    spawn(process.execPath, [path.join(ROOT, 'bin/esp-bridge.js'), 'worker', '--config', configFile, ...(untilIdle ? ['--until-idle'] : [])], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });

  const held: string[][] = [];
  for (let k = 0; k < KILLS; k++) {
    const child = start(false);
    let exited = false;
    child.once('exit', () => (exited = true));
    const target = klaviyo.state.events.length + Math.floor(RATE * (0.3 + Math.random() * 0.7));
    while (klaviyo.state.events.length < target) {
      if (exited) throw new Error('the worker exited before it was killed (its stderr is above)');
      await sleep(5);
    }
    child.kill('SIGKILL');
    while (!exited) await sleep(5);
    held.push(await heldBy(child.pid!));
  }
  const last = start(true);
  await new Promise((r) => last.once('exit', r));
  // A repeat is a row a killed process held, had sent, and had not recorded as sent.
  const repeated = new Set(klaviyo.state.repeatedIds);
  const repeatsPerKill = held.map((ids) => ids.filter((id) => repeated.has(id)).length);
  const inFlightAtKill = held.map((ids) => ids.length);
  const unexplained = klaviyo.state.repeatedIds.filter((id) => !held.some((ids) => ids.includes(id))).length;
  const counts = await bridge.outbox.countsByStateAndEsp();
  const delivered = counts.filter((c) => c.status === 'delivered').reduce((n, c) => n + c.count, 0);
  await bridge.close();
  await klaviyo.close();
  rmSync(dir, { recursive: true, force: true });
  if (engine === 'postgres') await dropBenchSchema(schema);
  return { repeatsPerKill, inFlightAtKill, unexplainedRepeats: unexplained, delivered, lost: COUNT - delivered, distinctArrived: new Set(klaviyo.state.events.map((e) => e.uniqueId)).size };
}

const engines: Record<string, unknown> = {};
for (const engine of ENGINES) {
  const r = await measure(engine);
  console.log(`${engine}: ${KILLS} kills, repeats per kill ${r.repeatsPerKill.join(',')}, in flight at each kill ${r.inFlightAtKill.join(',')}; ${r.delivered} of ${COUNT} delivered`);
  engines[engine] = r;
}
console.log(JSON.stringify({ kills: KILLS, concurrency: CONCURRENCY, engines }));
