// Centra's quota: the emulator's buckets (requests, complexity; 429 with Retry-After in the forms
// Centra's "timestamp" may take), the client's Retry-After reading and waiting, the process-wide
// gate pacing requests under the emulator's quota (0 × 429 where an ungated client gets 429s), and
// the complexity each answer reports, paid to the complexity gate before the next request.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildSchema, parse, validate } from 'graphql';
import { COMPLEXITY_POINTS_PER_TOKEN, CentraUnavailableError, createCentraClient, parseRetryAfter, type CentraGate } from '../../src/centra/graphql-client.ts';
import { createCentraGate, createComplexityGate, WindowGate } from '../../src/centra/quota.ts';
import { mediaSizeVariables, snapshotsQuery, snapshotVariables } from '../../src/centra/queries.ts';
import { CENTRA_EXAMPLE_COMPLEXITY_QUOTA, CENTRA_EXAMPLE_REQUEST_QUOTA } from '../../src/config/server.ts';
import { ManualClock } from '../../src/delivery/clock.ts';
import { CentraState, DEFAULT_CENTRA_TOKEN, startCentraEmulator } from '../../sandbox/centra/server.ts';
import { queryComplexity } from '../../sandbox/centra/quota.ts';
import { CENTRA_SDL } from '../../sandbox/centra/schema.ts';
import { generateDataset } from '../../sandbox/centra/data.ts';
import type { EmulatorHandle } from '../../sandbox/common/server.ts';
import { control } from '../sandbox/helpers.ts';
import { centraGates } from '../../src/app/centra-gates.ts';
import { silentLogger } from '../../src/delivery/attempt.ts';
import { openPostgresStorage } from '../../src/storage/postgres/open.ts';
import { tempSchema } from '../helpers/postgres.ts';

const dataset = generateDataset({ seed: 5, orders: 40 });
let emu: EmulatorHandle<CentraState>;
before(async () => {
  emu = await startCentraEmulator({ dataset, tokens: ['token-a', 'token-b', DEFAULT_CENTRA_TOKEN] });
});
after(async () => {
  await emu.close();
});

const PROBE = 'query Probe { __typename }';
const clientFor = (token: string, gate?: CentraGate) => createCentraClient({ url: `${emu.url}/graphql`, token, gate, timeoutMs: 5_000 });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Sends n requests at once; the 429s Centra answered. */
async function refusals(c: ReturnType<typeof clientFor>, n: number): Promise<CentraUnavailableError[]> {
  const results = await Promise.allSettled(Array.from({ length: n }, () => c.execute(PROBE)));
  return results.flatMap((r) => (r.status === 'rejected' && r.reason instanceof CentraUnavailableError && r.reason.status === 429 ? [r.reason] : []));
}
const burst = async (c: ReturnType<typeof clientFor>, n: number) => (await refusals(c, n)).length;

/** Empties a token's request bucket: bursts (each from a new client: one that got a 429 waits) until one is refused. */
async function drain(token: string): Promise<void> {
  while ((await burst(clientFor(token), 30)) === 0);
}

test('Retry-After: delta seconds, an HTTP date, a unix timestamp in seconds or in milliseconds', () => {
  const now = Date.parse('2026-12-03T12:00:00Z');
  assert.equal(parseRetryAfter('7', now), 7_000);
  assert.equal(parseRetryAfter('0', now), 0);
  assert.equal(parseRetryAfter('Thu, 03 Dec 2026 12:00:05 GMT', now), 5_000);
  assert.equal(parseRetryAfter(String(now / 1000 + 3), now), 3_000);
  assert.equal(parseRetryAfter(String(now + 1_500), now), 1_500);
  assert.equal(parseRetryAfter(String(now / 1000 - 60), now), 0, 'a moment past is now');
  assert.equal(parseRetryAfter('soon', now), undefined);
  assert.equal(parseRetryAfter(undefined, now), undefined);
});

test("the emulator's quota is Centra's example by default; rateLimits reports the token's buckets; Centra's example rateLimits query validates", async () => {
  await control(emu.url, 'reset');
  const c = clientFor('token-a');
  const query = 'query { rateLimits { type intervalSeconds quota usedQuota remainingQuota } }';
  assert.deepEqual(validate(buildSchema(CENTRA_SDL), parse(query)).map((e) => e.message), []);
  const { rateLimits } = await c.execute(query);
  assert.equal(rateLimits.length, 6);
  const requests10s = rateLimits.find((r: any) => r.type === 'REQUEST_COUNT' && r.intervalSeconds === 'TEN_SECONDS');
  assert.deepEqual({ quota: requests10s.quota, usedQuota: requests10s.usedQuota }, { quota: 20, usedQuota: 1 });
  for (const r of rateLimits) assert.equal(r.quota, r.usedQuota + r.remainingQuota);
  assert.deepEqual(rateLimits.map((r: any) => r.quota), [20, 10_000, 150_000, 20_000_000, 100, 1_000]);
});

for (const [form, read] of [
  ['unix-seconds', (v: string) => Number(v) * 1000],
  ['unix-ms', (v: string) => Number(v)],
  ['delta-seconds', (v: string) => Date.now() + Number(v) * 1000],
] as const) {
  test(`over quota → 429 with Retry-After as ${form}; the client reads it and waits it out before its next request`, async () => {
    await control(emu.url, 'reset');
    await control(emu.url, 'limits', { retryAfter: form });
    try {
      const c = clientFor('token-b');
      const refused = await refusals(c, 25);
      assert.ok(refused.length >= 1, 'more than 20 requests in a moment are over 20 per 10 s');
      const err = refused[0];
      assert.ok(err.retryAfterMs !== undefined && err.retryAfterMs <= 2_000, `${err.message}: retry after ${err.retryAfterMs} ms`);
      assert.match(err.message, /REQUEST_COUNT TEN_SECONDS/);
      const res = await fetch(`${emu.url}/graphql`, { method: 'POST', headers: { authorization: 'Bearer token-b', 'content-type': 'application/json' }, body: JSON.stringify({ query: PROBE }) });
      assert.equal(res.status, 429);
      const retryAt = read(res.headers.get('retry-after')!);
      assert.ok(retryAt > Date.now() - 1000 && retryAt < Date.now() + 2_000, `Retry-After ${res.headers.get('retry-after')}: a token comes within 0.5 s`);
      // The client's next request waits until Centra's moment, and is let through.
      const t0 = Date.now();
      await c.execute(PROBE);
      assert.ok(Date.now() >= retryAt - 50, `sent ${retryAt - Date.now()} ms before Retry-After (waited ${Date.now() - t0} ms)`);
    } finally {
      await control(emu.url, 'limits', { retryAfter: 'unix-seconds' });
    }
  });
}

test('the gate paces requests under the quota: after the bucket was drained, 0 × 429 where an ungated client gets 429s', async () => {
  await control(emu.url, 'reset');
  await control(emu.url, 'limits', { requestsPer10s: 100 });
  try {
    // Each token's bucket emptied, then 300 ms for 3 tokens to come back (10 a second).
    await drain('token-a');
    await sleep(300);
    const ungated = await burst(clientFor('token-a'), 20);
    assert.ok(ungated >= 5, `${ungated} of 20 ungated requests answered 429`);
    await drain('token-b');
    await sleep(300);
    const gated = clientFor('token-b', createCentraGate([{ limit: 100, intervalMs: 10_000 }]));
    const t0 = Date.now();
    assert.equal(await burst(gated, 20), 0, 'the gate keeps to the quota');
    // Its steady rate is 96 per 10 s after a burst of 2: 18 more take about 1.9 s.
    assert.ok(Date.now() - t0 >= 1_500, `${Date.now() - t0} ms`);
  } finally {
    await control(emu.url, 'limits', { requestsPer10s: 20 });
  }
});

test('on PostgreSQL two processes on one Centra token share its quota through the store: 0 × 429 where two gates of their own get 429s', async () => {
  await control(emu.url, 'reset');
  await control(emu.url, 'limits', { requestsPer10s: 30 });
  const pg = await tempSchema('centraq');
  // Two stores on one schema, as two processes (serve and a worker, or two serves) would have.
  const storages = ['a', 'b'].map((n) => openPostgresStorage({ url: `${pg.url}?application_name=${n}`, schema: pg.schema, maxConnections: 2 }));
  const rates = { token: 'token-a', rateLimits: [{ limit: 30, intervalMs: 10_000 }], complexityLimits: [] };
  try {
    // From a drained bucket (3 tokens back after 1 s, 3 a second), each process's own gate paces at
    // its share of the quota: two of them send twice that, and Centra refuses the excess.
    await drain('token-a');
    await sleep(1_000);
    const own = [centraGates(rates, { log: silentLogger }), centraGates(rates, { log: silentLogger })];
    const apart = (await Promise.all(own.map((g) => burst(clientFor('token-a', g.gate), 8)))).reduce((a, b) => a + b, 0);
    assert.ok(apart > 0, `${apart} of 16 requests through two gates of their own answered 429`);
    await drain('token-a');
    await sleep(1_000);
    const shared = storages.map((st) => centraGates(rates, { quotas: st.quotas, log: silentLogger }));
    const t0 = Date.now();
    const together = (await Promise.all(shared.map((g) => burst(clientFor('token-a', g.gate), 6)))).reduce((a, b) => a + b, 0);
    assert.equal(together, 0, 'the shared buckets keep both processes within the one quota');
    assert.ok(Date.now() - t0 >= 3_000, `12 requests at the token's 2.8 a second took ${Date.now() - t0} ms`);
  } finally {
    await Promise.all(storages.map((st) => st.close()));
    await pg.drop();
    await control(emu.url, 'limits', { requestsPer10s: 20 });
  }
});

test('the default gate is Centra\'s example: 20 requests per 10 s and 10,000 per hour', () => {
  assert.deepEqual(CENTRA_EXAMPLE_REQUEST_QUOTA, [
    { limit: 20, intervalMs: 10_000 },
    { limit: 10_000, intervalMs: 3_600_000 },
  ]);
});

test('complexity: the emulator charges it (a marked guess) and reports it in extensions; a query above the bucket is refused; the client pays each answer to its complexity gate before the next request', async () => {
  await control(emu.url, 'reset');
  const orders = dataset.orders.slice(0, 5).map((o) => o.number);
  const v = snapshotVariables('order');
  const variables = { [v.keys]: orders, [v.limit]: orders.length, ...mediaSizeVariables(['standard']) };
  const query = snapshotsQuery(['order']);
  const complexity = queryComplexity(query, variables);
  const res = await fetch(`${emu.url}/graphql`, { method: 'POST', headers: { authorization: 'Bearer token-a', 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  assert.equal(((await res.json()) as any).extensions.complexity, complexity);
  assert.ok(complexity > 5 * 100, `${complexity} for five orders`);

  let acquired = 0;
  const log: string[] = [];
  const complexityGate: CentraGate = { acquire: async () => void acquired++ };
  const c = createCentraClient({ url: `${emu.url}/graphql`, token: 'token-a', complexityGate, fetchImpl: async (...a) => (log.push(`request after ${acquired}`), fetch(...a)) });
  await c.execute(query, variables);
  await c.execute(PROBE);
  assert.deepEqual(log, ['request after 0', `request after ${Math.ceil(complexity / COMPLEXITY_POINTS_PER_TOKEN)}`]);

  await control(emu.url, 'limits', { complexityPer10s: complexity - 1 });
  try {
    await control(emu.url, 'reset');
    await assert.rejects(clientFor('token-b').execute(query, variables), (e: unknown) => e instanceof CentraUnavailableError && e.status === 429 && /QUERY_COMPLEXITY/.test(String((e as Error).message) + ''));
  } finally {
    await control(emu.url, 'limits', { complexityPer10s: 150_000 });
  }
});

test('WindowGate: at most `limit` grants in any span of each interval; a waiter is let through when the oldest grants leave; an aborted waiter leaves the queue', async () => {
  const clock = new ManualClock(0);
  const gate = new WindowGate([{ limit: 3, intervalMs: 1_000 }, { limit: 5, intervalMs: 5_000 }], clock);
  const granted: number[] = [];
  const take = (signal?: AbortSignal) => gate.acquire(signal).then(() => void granted.push(clock.now()));
  await Promise.all([take(), take(), take()]);
  assert.deepEqual(granted, [0, 0, 0]);
  const fourth = take();
  const aborted = new AbortController();
  const gone = gate.acquire(aborted.signal);
  const fifth = take();
  clock.advance(999);
  await Promise.resolve();
  assert.equal(granted.length, 3, 'the first three are still in the 1-s window');
  aborted.abort(new Error('gone'));
  await assert.rejects(gone, /gone/);
  clock.advance(1);
  await Promise.all([fourth, fifth]);
  assert.deepEqual(granted, [0, 0, 0, 1_000, 1_000], 'the aborted waiter took no grant');
  // The 5-s window is full now: the next grant waits until the first three leave it (t = 5000).
  const sixth = take();
  clock.advance(3_999);
  await Promise.resolve();
  assert.equal(granted.length, 5);
  clock.advance(1);
  await sixth;
  assert.deepEqual(granted.slice(5), [5_000]);

  // Under load from many callers at random moments, no window ever holds more than its limit
  // (time moves a millisecond at a time, so each grant is seen at the moment it was made).
  const busy = new WindowGate([{ limit: 7, intervalMs: 100 }, { limit: 20, intervalMs: 1_000 }], clock);
  const times: number[] = [];
  let asked = 0;
  const flush = async () => {
    for (let i = 0; i < 3; i++) await Promise.resolve();
  };
  for (let ms = 0; ms < 3_000 || times.length < asked; ms++) {
    if (ms < 3_000 && Math.random() < 0.05) {
      for (let k = 1 + Math.floor(Math.random() * 4); k > 0; k--, asked++) void busy.acquire().then(() => void times.push(clock.now()));
      await flush();
    }
    clock.advance(1);
    await flush();
  }
  assert.ok(asked > 100, `${asked} acquires`);
  for (const [limit, span] of [[7, 100], [20, 1_000]]) {
    for (const t of times) assert.ok(times.filter((u) => u >= t && u < t + span).length <= limit, `more than ${limit} grants in ${span} ms from ${t}`);
  }
});

test('the default complexity gate lets four fifths of the 10-s bucket (120,000 points, a 1,000-event burst is about 90,000) through at once, and no more', async () => {
  const gate = createComplexityGate(CENTRA_EXAMPLE_COMPLEXITY_QUOTA);
  const t0 = Date.now();
  for (let i = 0; i < (150_000 * 4) / 5 / COMPLEXITY_POINTS_PER_TOKEN; i++) await gate.acquire();
  assert.ok(Date.now() - t0 < 500, `${Date.now() - t0} ms for 120,000 points`);
  const abort = new AbortController();
  const next = gate.acquire(abort.signal);
  const early = await Promise.race([next.then(() => true), sleep(100).then(() => false)]);
  assert.equal(early, false, 'the point after four fifths waits for the window');
  abort.abort(new Error('done'));
  await assert.rejects(next, /done/);
});
