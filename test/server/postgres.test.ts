// Scale-out: two bridge services (each with its own pool, as two processes would have) share one
// PostgreSQL schema. Signed webhooks arrive at both; between them every event is processed and
// every email reaches the ESP emulators exactly once.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createWebhookSender } from '../../sandbox/index.ts';
import { startService, type RunningService } from '../../src/server/service.ts';
import { tempSchema, type TempSchema } from '../helpers/postgres.ts';
import { assertSentOnce, espBacklog, inboxRows, LogCapture, SECRET, startHarness, waitFor, type Harness } from './helpers.ts';

let pg: TempSchema;
let h: Harness;
let second: RunningService;
const envFor = (name: string) => ({ ...process.env, BRIDGE_DATABASE_URL: `${pg.url}?application_name=${name}` });

before(async () => {
  pg = await tempSchema('service');
  const storage = { kind: 'postgres', postgres: { url: { env: 'BRIDGE_DATABASE_URL' }, schema: pg.schema, maxConnections: 4 } };
  h = await startHarness({ orders: 40, storage, service: { env: envFor('first') } });
  second = await startService(h.config, { env: envFor('second'), logDestination: new LogCapture(), logLevel: 'warn', processor: { retryBaseMs: 50, retryCapMs: 300, pollMs: 50 } });
});
after(async () => {
  await second?.close();
  await h?.close();
  await pg?.drop();
});

test('two services on one PostgreSQL schema: webhooks to either, each event processed and each email sent once', async () => {
  const events = h.dataset.timeline.filter((e) => e.channel === 'webhook');
  const half = Math.floor(events.length / 2);
  const [a, b] = await Promise.all([
    createWebhookSender({ url: `${h.service.url}/webhooks/centra`, secret: SECRET }).send(events.slice(0, half)),
    createWebhookSender({ url: `${second.url}/webhooks/centra`, secret: SECRET }).send(events.slice(half)),
  ]);
  assert.equal(a.dropped + b.dropped, 0);
  // Centra retries a call to the other service: stored twice as calls, once as events.
  await createWebhookSender({ url: `${second.url}/webhooks/centra`, secret: SECRET }).send(events.slice(0, 100));
  await Promise.all([h.service.ingest.flush(), second.ingest.flush()]);
  const distinct = new Set(events.map((e) => `${e.type}:${e.id}:${e.action}:${e.date}`)).size;
  assert.equal(await inboxRows(h), distinct, 'every distinct event stored once');

  await waitFor(async () => (await h.service.inbox.pendingCount()) === 0 && (await espBacklog(h)) === 0, 'inbox and ESP deliveries drained', 60_000);
  const counts = await second.inbox.counts();
  assert.equal(counts.failed, 0, JSON.stringify((await second.inbox.list({ status: 'failed', limit: 3 })).map((e) => e.lastError)));
  assert.equal(counts.processed, distinct);

  const delivered = await second.bridge.outbox.listDeliveries({ status: 'delivered', limit: 10_000 });
  const byEsp = (esp: string) => delivered.filter((d) => d.esp === esp).length;
  assert.ok(byEsp('klaviyo') > 0 && byEsp('rule') > 0, `klaviyo ${byEsp('klaviyo')}, rule ${byEsp('rule')}`);
  await assertSentOnce(h, 'klaviyo', h.klaviyo.state.counters.byStatus);
  await assertSentOnce(h, 'rule', h.rule.state.counters.byStatus);
  const workers = await pg.query<{ worker_id: string }>('SELECT DISTINCT worker_id FROM delivery_attempts');
  assert.equal(workers.length, 2, `both services' workers sent: ${workers.map((w) => w.worker_id).join(', ')}`);
});

test('on PostgreSQL: /readyz writes its probe row and says ok from either service; after a recount both report the same delivery gauges', async () => {
  for (const url of [h.service.url, second.url]) {
    const r = await fetch(`${url}/readyz`);
    const body = (await r.json()) as { status: string; reasons: string[]; checks: { store: { status: string } } };
    assert.equal(r.status, 200);
    assert.equal(body.checks.store.status, 'ok');
    assert.equal(body.status, 'ok', body.reasons.join('; '));
  }
  assert.equal((await pg.query<{ n: number }>('SELECT COUNT(*)::int AS n FROM health_probe'))[0]!.n, 1, 'one row, overwritten');
  // Each process's gauges follow its own work between counts; a count makes them agree.
  await Promise.all([h.service.metrics.recount(), second.metrics.recount()]);
  const gauges = async (url: string) => (await (await fetch(`${url}/metrics`)).text()).split('\n').filter((l) => l.startsWith('esp_bridge_deliveries{')).sort();
  const [a, b] = await Promise.all([gauges(h.service.url), gauges(second.url)]);
  assert.ok(a.length > 0);
  assert.deepEqual(a, b);
});
