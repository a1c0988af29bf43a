// Centra's complexity buckets shared on PostgreSQL (docs/centra.md §2, "Sharing the complexity
// buckets"): the store's post-paid charge (rate_charge, migration 5) — debts, refill on the
// database's clock, holds, dead holders, concurrent callers on two pools — and two processes'
// clients fetching in parallel against the emulator with a lowered complexity quota: with gates of
// their own they get 429s, with the shared gates none, and every object comes.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createCentraClient, type SnapshotRef } from '../../src/centra/graphql-client.ts';
import { SharedComplexityGate } from '../../src/centra/shared-complexity-gate.ts';
import { centraGates } from '../../src/app/centra-gates.ts';
import { silentLogger } from '../../src/delivery/attempt.ts';
import { systemClock } from '../../src/delivery/clock.ts';
import { openPostgresStorage } from '../../src/storage/postgres/open.ts';
import type { QuotaStore } from '../../src/storage/quotas.ts';
import { CentraState, startCentraEmulator } from '../../sandbox/centra/server.ts';
import { generateDataset } from '../../sandbox/centra/data.ts';
import type { EmulatorHandle } from '../../sandbox/common/server.ts';
import { control } from '../sandbox/helpers.ts';
import { tempSchema, type TempSchema } from '../helpers/postgres.ts';

const dataset = generateDataset({ seed: 11, orders: 100 });
let emu: EmulatorHandle<CentraState>;
before(async () => {
  emu = await startCentraEmulator({ dataset, tokens: ['token-c'] });
});
after(async () => {
  await emu.close();
});

/** Two stores on one temp schema, as two processes of one deployment would have. */
async function twoStores(prefix: string) {
  const pg = await tempSchema(prefix);
  const storages = ['a', 'b'].map((n) => openPostgresStorage({ url: `${pg.url}?application_name=${n}`, schema: pg.schema, maxConnections: 4 }));
  await Promise.all(storages.map((s) => s.handle.ready));
  return {
    pg,
    storages,
    async close() {
      await Promise.all(storages.map((s) => s.close()));
      await pg.drop();
    },
  };
}

const tokensOf = async (pg: TempSchema, credential: string) => (await pg.query<{ tokens: number }>('SELECT tokens FROM rate_buckets WHERE credential = $1', [credential]))[0]!.tokens;
const op = (o: Partial<{ release: number; cost: number; unit: number; want: number; holdMs: number }>) => ({ release: 0, cost: 0, unit: 0, want: 0, holdMs: 60_000, ...o });

test('charge: a debt below zero, refilled at its rate on the store clock; holds keep room for requests on their way; a dead holder is charged in full', async () => {
  const { pg, storages, close } = await twoStores('cplx');
  const [a, b] = storages.map((s) => s.quotas);
  const c = 'centra-complexity:test';
  try {
    // 1,000 points, 1 a millisecond.
    await a.declare(c, [{ intervalMs: 1_000, capacity: 1_000, perMs: 1 }]);
    // An answer of 1,500 points: 500 below zero.
    let r = await a.charge(c, [1_000], 'p1', op({ cost: 1_500 }));
    assert.ok(r.left[0]!.tokens < -490 && r.left[0]!.tokens >= -500, `${r.left[0]!.tokens}`);
    // In debt, nothing is held for a new request.
    r = await b.charge(c, [1_000], 'p2', op({ unit: 10, want: 1 }));
    assert.equal(r.granted, 0);
    // Time passes on the store's clock (moved back 800 ms): refilled to about 300.
    await pg.query('UPDATE rate_buckets SET updated_at = updated_at - 800 WHERE credential = $1', [c]);
    r = await b.charge(c, [1_000], 'p2', op({ unit: 100, want: 5 }));
    assert.equal(r.granted, 3, `3 holds of 100 in ${r.left[0]!.tokens}`);
    assert.equal(r.held, 300);
    // What p2 holds is no one else's: p1 finds no room for 100 more until it has refilled.
    await pg.query('UPDATE rate_buckets SET updated_at = updated_at + 1000 WHERE credential = $1', [c]);
    r = await a.charge(c, [1_000], 'p1', op({ unit: 100, want: 1 }));
    assert.equal(r.granted, 0, `${r.left[0]!.tokens} tokens, ${r.held} held`);
    // p2's three requests answered at 40 points each: its holds given back, 120 charged.
    const before = await tokensOf(pg, c);
    r = await b.charge(c, [1_000], 'p2', op({ release: 300, cost: 120 }));
    assert.equal(r.held, 0);
    assert.ok(Math.abs(r.left[0]!.tokens - (before - 120)) < 30, `${before} − 120 → ${r.left[0]!.tokens}`);
    assert.deepEqual(await pg.query('SELECT holder FROM rate_holds'), []);
    // A process that dies holding 200 points: once its holds outlive holdMs, the next call charges them.
    const dying = await b.charge(c, [1_000], 'p3', op({ unit: 100, want: 2, holdMs: 50 }));
    assert.ok(dying.granted >= 1);
    await new Promise((res) => setTimeout(res, 80));
    await pg.query('UPDATE rate_buckets SET updated_at = updated_at + 1000 WHERE credential = $1', [c]);
    const mid = await tokensOf(pg, c);
    r = await a.charge(c, [1_000], 'p1', op({}));
    assert.ok(Math.abs(r.left[0]!.tokens - (mid - dying.granted * 100)) < 1, `${mid} − ${dying.granted * 100} → ${r.left[0]!.tokens}`);
    assert.deepEqual(await pg.query('SELECT holder FROM rate_holds'), []);
  } finally {
    await close();
  }
});

test('charge: 160 callers on two pools at once — exactly the room is held, every cost is charged once', async () => {
  const { pg, storages, close } = await twoStores('cplx');
  const c = 'centra-complexity:race';
  try {
    // No refill: what is left is exactly what was charged.
    await storages[0]!.quotas.declare(c, [{ intervalMs: 10_000, capacity: 1_000, perMs: 0 }, { intervalMs: 3_600_000, capacity: 5_000, perMs: 0 }]);
    const calls = (f: (q: QuotaStore, i: number) => Promise<number>) => Promise.all(Array.from({ length: 160 }, (_, i) => f(storages[i % 2]!.quotas, i)));
    // 160 holders each wanting one hold of 10: the 1,000 points have room for 100.
    const granted = await calls(async (q, i) => (await q.charge(c, [10_000, 3_600_000], `h${i}`, op({ unit: 10, want: 1 }))).granted);
    assert.equal(granted.reduce((x, y) => x + y, 0), 100);
    // Each holder's request answered: its hold released, 7 points charged (160 × 7 = 1,120: 120 in debt).
    await calls(async (q, i) => (await q.charge(c, [10_000, 3_600_000], `h${i}`, op({ release: granted[i]! * 10, cost: 7 }))).granted);
    const rows = await pg.query<{ interval_ms: number; tokens: number }>('SELECT interval_ms, tokens FROM rate_buckets WHERE credential = $1 ORDER BY interval_ms', [c]);
    assert.deepEqual(rows.map((r) => [Number(r.interval_ms), Math.round(r.tokens * 1e6) / 1e6]), [[10_000, -120], [3_600_000, 3_880]]);
    assert.deepEqual(await pg.query('SELECT holder FROM rate_holds'), []);
  } finally {
    await close();
  }
});

test('the shared gate: a debt beyond the hold is charged at once, and the next request waits until it is refilled', async () => {
  const { storages, close } = await twoStores('cplx');
  try {
    const gates = storages.map((s) => new SharedComplexityGate(s.quotas, 'centra-complexity:gate', [{ limit: 10_000, intervalMs: 1_000 }], { clock: systemClock, log: silentLogger }));
    const first = await gates[0]!.admit();
    assert.equal(gates[0]!.unit, 2_000, 'a fifth of the bucket before any answer');
    // The answer cost 20,000 points (ten times its hold): the bucket is about 10,200 in debt.
    first.settle(20_000);
    await new Promise((r) => setTimeout(r, 50));
    // The other process's next request waits for the refill to 2,000 (its estimate): about 1.2 s at 9.8 a millisecond.
    const t0 = Date.now();
    const second = await gates[1]!.admit();
    const waited = Date.now() - t0;
    assert.ok(waited >= 900, `waited ${waited} ms`);
    second.settle(1_000);
    assert.equal(gates[0]!.unit, 9_800, 'the estimate grows to the largest answer seen, at most the bucket');
  } finally {
    await close();
  }
});

const COMPLEXITY_QUOTA = 30_000;
const ORDERS = dataset.orders.map((o): SnapshotRef => ({ type: 'order', id: o.number }));

/**
 * Two processes, each with two callers fetching 50 orders in batches of 25 (four requests of about
 * 5,550 points a process, 44,400 in all) at once, through each process's gates. The 429s Centra
 * answered, the objects fetched, and the store statements per request.
 */
async function fetchTogether(gatesOf: (p: number) => ReturnType<typeof centraGates>) {
  let refused = 0;
  const fetchImpl: typeof fetch = async (...a) => {
    const res = await fetch(...a);
    if (res.status === 429) refused++;
    return res;
  };
  const clients = [0, 1].map((p) => createCentraClient({ url: `${emu.url}/graphql`, token: 'token-c', batchSize: 25, fetchImpl, timeoutMs: 10_000, ...gatesOf(p) }));
  const results = await Promise.allSettled(clients.flatMap((client) => [ORDERS.slice(0, 50), ORDERS.slice(50)].map((refs) => client.fetchSnapshots(refs))));
  const fetched = results.flatMap((r) => (r.status === 'fulfilled' ? [...r.value.values()].filter((v) => v && !(v instanceof Error)) : []));
  return { refused, fetched: fetched.length, requests: clients.reduce((n, c) => n + c.requests, 0) };
}

test('two processes fetching at once under a lowered complexity quota: gates of their own get 429s; the shared ones 0 × 429 and every object', async () => {
  await control(emu.url, 'reset');
  await control(emu.url, 'limits', { complexityPer10s: COMPLEXITY_QUOTA, requestsPer10s: 1_000 });
  const settings = { token: 'token-c', rateLimits: [{ limit: 1_000, intervalMs: 10_000 }], complexityLimits: [{ limit: COMPLEXITY_QUOTA, intervalMs: 10_000 }, { limit: 20_000_000, intervalMs: 3_600_000 }] };
  const { storages, close } = await twoStores('cplx');
  try {
    // The control: each process's own complexity gate lets four fifths of the bucket through, 48,000 together.
    const apart = await fetchTogether(() => centraGates(settings, { log: silentLogger }));
    assert.ok(apart.refused > 0, `${apart.refused} × 429 with gates of their own (${apart.requests} requests)`);

    await control(emu.url, 'reset');
    let charges = 0;
    let leases = 0;
    const counted = (q: QuotaStore): QuotaStore => ({
      declare: (...a) => q.declare(...a),
      lease: (...a) => (leases++, q.lease(...a)),
      charge: (...a) => (charges++, q.charge(...a)),
    });
    const t0 = Date.now();
    const shared = await fetchTogether((p) => centraGates(settings, { quotas: counted(storages[p]!.quotas), log: silentLogger }));
    const ms = Date.now() - t0;
    assert.equal(shared.refused, 0, `0 × 429 with the shared buckets (${shared.requests} requests)`);
    assert.equal(shared.fetched, 200, 'every order, in each process');
    assert.equal(shared.requests, 8);
    // 44,400 points where 29,400 are there at once and 2,940 come a second: about 5 s.
    assert.ok(ms >= 3_500, `${ms} ms`);
    console.log(JSON.stringify({ control429: apart.refused, controlRequests: apart.requests, shared429: shared.refused, sharedRequests: shared.requests, chargeStatements: charges, leaseStatements: leases, chargesPerRequest: charges / shared.requests, ms }));
  } finally {
    await close();
    await control(emu.url, 'limits', { complexityPer10s: 150_000, requestsPer10s: 20 });
  }
});
