// /readyz tells the truth: an ESP failing every attempt degrades it, naming the lane, and it is ok
// again once the ESP answers; Centra failing degrades it too, and it recovers. Metrics carry the
// plugin label, the dead letters and the webhook rejections, with `status` as the one row-state label.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeWebhookBody, signWebhook } from '../../src/centra/webhook.ts';
import { api, espBacklog, startHarness, waitFor, type Harness } from './helpers.ts';

let h: Harness;
before(async () => {
  h = await startHarness({ orders: 30, server: { readiness: { laneFailingAfter: 3, deadLettersMax: 1000 } } });
});
after(async () => {
  await h?.close();
});

const readyz = () => api(h, 'GET', '/readyz', undefined, {});
const wholesaleNumbers = () => h.dataset.orders.filter((o) => o.__typename === 'WholesaleOrder').map((o) => o.number);
const control = (url: string, body: unknown) => fetch(`${url}/__control/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

test('an ESP that fails every attempt: /readyz degraded (200) naming its lane; ok again once the ESP is back', async () => {
  const first = await readyz();
  assert.equal(first.status, 200);
  assert.equal(first.json.status, 'ok', JSON.stringify(first.json.reasons));
  assert.equal(first.json.checks.store.status, 'ok');

  await control(h.klaviyo.url, { mode: '5xx', status: 503, durationMs: 120_000 });
  const [a, b] = wholesaleNumbers();
  const sent = await api(h, 'POST', '/api/emails', { type: 'order', id: a, emailType: 'order' });
  assert.equal(sent.status, 202, sent.text);
  await waitFor(async () => (await readyz()).json.status === 'degraded', '/readyz degraded', 20_000);
  const bad = await readyz();
  assert.equal(bad.status, 200, 'degraded still answers 200: the service keeps taking events');
  const lane = bad.json.checks.lanes.find((l: any) => l.lane === 'klaviyo:klaviyo');
  assert.equal(lane?.status, 'failing', JSON.stringify(bad.json.checks.lanes));
  assert.ok(lane.failuresInARow >= 3);
  assert.match(lane.lastError, /503/);
  assert.ok(bad.json.reasons.some((r: string) => /lane klaviyo:klaviyo failing/.test(r)), JSON.stringify(bad.json.reasons));
  assert.ok(bad.json.checks.lanes.filter((l: any) => l.lane !== 'klaviyo:klaviyo').every((l: any) => l.status !== 'failing'), 'only the failing lane is named');
  assert.ok(h.logs.lines.some((l) => l.msg === 'readiness changed' && l.status === 'degraded'), 'the change is logged once');

  await control(h.klaviyo.url, { mode: '5xx', count: 1, status: 500 }); // replaces the long fault: one more failure, then the ESP answers
  const again = await api(h, 'POST', '/api/emails', { type: 'order', id: b, emailType: 'order' });
  assert.equal(again.status, 202, again.text);
  await waitFor(async () => (await readyz()).json.status === 'ok', '/readyz ok again', 20_000);
  const good = await readyz();
  const recovered = good.json.checks.lanes.find((l: any) => l.lane === 'klaviyo:klaviyo');
  assert.equal(recovered.status, 'ok');
  assert.equal(recovered.failuresInARow, 0);
  assert.ok(recovered.lastDeliveredAt);

  const metrics = await (await fetch(`${h.service.url}/metrics`)).text();
  assert.match(metrics, /esp_bridge_delivery_attempt_duration_seconds_count\{esp="klaviyo",plugin="klaviyo",outcome="transient"\} [1-9]/);
  assert.match(metrics, /esp_bridge_deliveries\{status="delivered",esp="klaviyo",plugin="klaviyo"\} [1-9]/);
  assert.doesNotMatch(metrics, /\{state=/, 'one label name for a row status');
  assert.match(metrics, /^process_cpu_seconds_total /m, 'process metrics');
  // What the incremental gauge says is what the store holds, once nothing is moving.
  await waitFor(async () => (await espBacklog(h)) === 0, 'the Klaviyo rows settled', 20_000);
  const settled = await (await fetch(`${h.service.url}/metrics`)).text();
  const stored = await h.service.storage.maintenance.countsByPlugin();
  for (const c of stored.filter((x) => x.esp === 'klaviyo')) {
    assert.match(settled, new RegExp(`esp_bridge_deliveries\\{status="${c.status}",esp="klaviyo",plugin="klaviyo"\\} ${c.count}\\b`), `${c.status}: ${c.count}`);
  }
});

test('Centra failing: /readyz degraded with the reason, from the processor\'s own fetches; ok once Centra answers', async () => {
  await control(h.centra.url, { mode: '5xx', durationMs: 60_000 });
  const order = h.dataset.timeline.find((e) => e.type === 'order' && e.action === 'create')!;
  const body = encodeWebhookBody([{ ...order, date: '2026-12-03 10:00:00.000000' }]);
  const res = await fetch(`${h.service.url}/webhooks/centra`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-centra-signature': signWebhook(body, 'whsec-test') }, body });
  assert.equal(res.status, 200);
  await waitFor(async () => (await readyz()).json.checks.centra.status === 'unreachable', 'Centra unreachable', 20_000);
  const r = await readyz();
  assert.equal(r.json.status, 'degraded');
  assert.ok(r.json.reasons.some((x: string) => /Centra unreachable/.test(x)));
  assert.equal(r.json.checks.store.status, 'ok');
  await control(h.centra.url, { mode: '5xx', count: 1 }); // replaces the long fault: Centra answers after one more failure
  await waitFor(async () => (await readyz()).json.checks.centra.status === 'ok', 'Centra ok again', 20_000);
});

test('webhook rejections are counted by reason', async () => {
  const bad = await fetch(`${h.service.url}/webhooks/centra`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-centra-signature': 't=1,v1=00' }, body: 'payload=%7B%7D' });
  assert.equal(bad.status, 401);
  const metrics = await (await fetch(`${h.service.url}/metrics`)).text();
  assert.match(metrics, /esp_bridge_webhook_rejections_total\{reason="bad_signature"\} [1-9]/);
  assert.match(metrics, /esp_bridge_webhook_rejections_total\{reason="invalid_event"\} 0/);
});
