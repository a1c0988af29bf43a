// Shared quotas on PostgreSQL: a credential's buckets live in the store (table rate_buckets), and
// every process of the schema leases its tokens there (src/delivery/shared-rate-gate.ts), so the
// aggregate of all processes stays under the ESP's limit in any window.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { startKlaviyoEmulator } from '../../sandbox/index.ts';
import { systemClock } from '../../src/delivery/clock.ts';
import { silentLogger } from '../../src/delivery/attempt.ts';
import { SharedRateGate } from '../../src/delivery/shared-rate-gate.ts';
import { openBridge } from '../../src/app/bridge.ts';
import { parseConfig } from '../../src/config/load.ts';
import { openPostgresStorage } from '../../src/storage/postgres/open.ts';
import { tempSchema } from '../helpers/postgres.ts';
import { orderEvents, submitAll, waitFor } from '../helpers/sandbox.ts';
import { maxInWindow } from './helpers.ts';

const child = fileURLToPath(new URL('../fixtures/bridge-worker.ts', import.meta.url));

test('two pools leasing one credential at once: never more than the limit in any window, most of it used', async () => {
  const pg = await tempSchema('quota');
  const storages = ['a', 'b'].map((n) => openPostgresStorage({ url: `${pg.url}?application_name=${n}`, schema: pg.schema, maxConnections: 2 }));
  const spec = { limit: 40, intervalMs: 1_000 };
  const grants: number[] = [];
  const runFor = 3_000;
  try {
    await Promise.all(storages.map((s) => s.handle.ready));
    const gates = storages.map((s) => new SharedRateGate(s.quotas, 'klaviyo:0123456789abcdef', [spec], { clock: systemClock, log: silentLogger }));
    const end = Date.now() + runFor;
    // Eight senders per process, each taking a token and "sending" at once.
    await Promise.all(
      gates.flatMap((gate) =>
        Array.from({ length: 8 }, async () => {
          while (Date.now() < end) {
            await gate.acquire();
            grants.push(Date.now());
          }
        }),
      ),
    );
    const worst = maxInWindow(grants, spec.intervalMs);
    assert.ok(worst <= spec.limit, `at most ${spec.limit} in any second across both processes: ${worst}`);
    // A full bucket (1) at the start, then the refill: (40 − 1 − 1)/(1 s + 50 ms hold) ≈ 36/s.
    const perSecond = grants.length / (runFor / 1000);
    assert.ok(perSecond >= 0.8 * spec.limit, `${perSecond.toFixed(1)}/s of ${spec.limit}/s`);
    const [row] = await pg.query<{ credential: string }>('SELECT credential FROM rate_buckets');
    assert.equal(row!.credential, 'klaviyo:0123456789abcdef');
  } finally {
    await Promise.all(storages.map((s) => s.close()));
    await pg.drop();
  }
});

const BURST = 20;

test('two worker processes on one PostgreSQL schema sharing one Klaviyo key: 0 × 429, none lost, none twice', async () => {
  const pg = await tempSchema('quota');
  const klaviyo = await startKlaviyoEmulator({ burstPerSecond: BURST, steadyPerMinute: 100_000 });
  const base = { kind: 'wholesale', language: 'en', emails: { orderConfirmationTo: 'buyer' } };
  const plugin = (name: string) => ({ name, esp: 'klaviyo', apiKey: 'klaviyo-test-key', baseUrl: klaviyo.url });
  // Two plugins on the one key, as well: four lanes in two processes wait at one set of buckets.
  const raw = {
    stores: [
      { id: 1, name: 'EU', ...base, plugins: [plugin('eu')] },
      { id: 2, name: 'US', ...base, plugins: [plugin('us')] },
    ],
    storage: { kind: 'postgres', postgres: { url: pg.url, schema: pg.schema, maxConnections: 3 } },
    delivery: { timeoutMs: 2_000, retry: { baseMs: 50, factor: 2, capMs: 400 }, pollMs: 20, limits: { esp: { klaviyo: { concurrency: 8, rates: [{ limit: BURST, intervalMs: 1_000 }] } } } },
  };
  const enqueuer = openBridge(parseConfig(raw), { workerId: 'enqueuer' });
  const procs: ChildProcess[] = [];
  try {
    const ids = [...(await submitAll(enqueuer, orderEvents('klaviyo-order.json', 1, 40))), ...(await submitAll(enqueuer, orderEvents('klaviyo-order.json', 2, 40, 100)))];
    for (const name of ['w1', 'w2']) {
      const proc = spawn(process.execPath, ['--import', 'tsx', child, JSON.stringify(raw), name], { stdio: ['pipe', 'pipe', 'inherit'] });
      procs.push(proc);
      await new Promise<void>((resolve, reject) => {
        createInterface({ input: proc.stdout! }).once('line', () => resolve());
        proc.once('exit', (code) => reject(new Error(`worker ${name} exited with ${code}`)));
      });
    }
    await waitFor(() => klaviyo.state.events.length >= ids.length, `${ids.length} events at the emulator`, 60_000);
    await waitFor(async () => (await enqueuer.outbox.queueDepth()) === 0, 'the outbox drained', 10_000);
    assert.equal(klaviyo.state.counters.status429, 0, 'no request throttled');
    const seen = klaviyo.state.events.map((e) => e.uniqueId);
    assert.equal(seen.length, new Set(seen).size, 'no event twice');
    assert.equal(klaviyo.state.counters.duplicates, 0);
    assert.deepEqual([...new Set(seen)].length, ids.length, 'none lost');
    const workers = await pg.query<{ worker_id: string }>('SELECT DISTINCT worker_id FROM delivery_attempts ORDER BY 1');
    assert.deepEqual(workers.map((w) => w.worker_id), ['w1', 'w2'], 'both processes sent');
  } finally {
    await Promise.all(
      procs.map((p) => new Promise<void>((resolve) => {
        if (p.exitCode !== null) return resolve();
        p.once('exit', () => resolve());
        p.stdin!.end();
      })),
    );
    await enqueuer.close();
    await klaviyo.close();
    await pg.drop();
  }
});
