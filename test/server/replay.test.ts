// Replay over the admin API: the operator token only (403 for the admin token, and for everyone
// when no operator token is configured); a dead letter replays, a delivered row only with
// ?force=true; bulk replay by filter counts first and replays only at the confirmed count.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { readEventFile } from '../../src/centra/parse-event.ts';
import { resolveServerSettings } from '../../src/config/server.ts';
import { ROOT } from '../helpers/golden.ts';
import { api, OPERATOR, startHarness, waitFor, type Harness } from './helpers.ts';

const operator = { authorization: `Bearer ${OPERATOR}` };
let h: Harness;
before(async () => {
  h = await startHarness({ orders: 3 });
});
after(async () => {
  await h?.close();
});

async function postOrder(number: number): Promise<string[]> {
  const event = readEventFile(path.join(ROOT, 'examples/order.json')) as any;
  event.id = number;
  event.object.number = number;
  const res = await api(h, 'POST', '/api/events', event);
  assert.equal(res.status, 202, res.text);
  return res.json.deliveries.filter((d: { esp: string }) => d.esp === 'klaviyo').map((d: { id: string }) => d.id);
}

const statusOf = async (id: string) => (await h.service.bridge.outbox.getDelivery(id))?.status;

test('one delivery: operator only; a dead letter replays and is delivered; a delivered row needs ?force=true', async () => {
  h.klaviyo.state.faults.set({ mode: '5xx', status: 400, durationMs: 60_000 });
  const [a, b] = await postOrder(80001);
  await waitFor(async () => (await statusOf(a!)) === 'dead' && (await statusOf(b!)) === 'dead', 'both dead');
  h.klaviyo.state.faults.clear();
  const url = `/api/deliveries/${encodeURIComponent(a!)}/replay`;

  const asAdmin = await api(h, 'POST', url);
  assert.equal(asAdmin.status, 403);
  assert.match(asAdmin.json.error, /needs the operator token/);
  assert.equal(await statusOf(a!), 'dead');
  // The operator token reads as well.
  assert.equal((await api(h, 'GET', `/api/deliveries/${encodeURIComponent(a!)}`, undefined, operator)).status, 200);

  const replayed = await api(h, 'POST', url, undefined, operator);
  assert.equal(replayed.status, 202, replayed.text);
  assert.deepEqual(replayed.json, { id: a, status: 'pending', wasDelivered: false });
  await waitFor(async () => (await statusOf(a!)) === 'delivered', 'replayed dead letter delivered');
  assert.ok(h.logs.has(/^delivery replayed by an operator$/));

  const again = await api(h, 'POST', url, undefined, operator);
  assert.equal(again.status, 409);
  assert.match(again.json.error, new RegExp(`delivery ${a!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} was delivered at \\d{4}-.*a second time; to send it again, POST with \\?force=true`));
  assert.equal((await api(h, 'POST', `${url}?force=yes`, undefined, operator)).status, 400);
  const forced = await api(h, 'POST', `${url}?force=true`, undefined, operator);
  assert.equal(forced.status, 202);
  assert.equal(forced.json.wasDelivered, true);
  await waitFor(async () => (await statusOf(a!)) === 'delivered', 'sent again');
  assert.ok(h.logs.has(/sent again/));
});

test('bulk: the count first, a stale count refused (409, nothing replayed), the confirmed count replayed', async () => {
  h.klaviyo.state.faults.set({ mode: '5xx', status: 400, durationMs: 60_000 });
  const ids = [...(await postOrder(80002)), ...(await postOrder(80003))];
  await waitFor(async () => (await Promise.all(ids.map(statusOf))).every((s) => s === 'dead'), 'all dead');
  h.klaviyo.state.faults.clear();

  const filter = { order: '80002' };
  assert.equal((await api(h, 'POST', '/api/deliveries/replay', filter)).status, 403, 'the admin token may not');
  const preview = await api(h, 'POST', '/api/deliveries/replay', filter, operator);
  assert.equal(preview.status, 200, preview.text);
  assert.deepEqual([preview.json.matched, preview.json.replayed, preview.json.done], [2, 0, false]);
  assert.match(preview.json.confirm, /"expect": 2/);
  assert.equal(await statusOf(ids[0]!), 'dead', 'a preview replays nothing');

  const stale = await api(h, 'POST', '/api/deliveries/replay', { ...filter, expect: 3 }, operator);
  assert.equal(stale.status, 409);
  assert.match(stale.json.error, /2 dead letter\(s\) match now, not the 3 confirmed; nothing was replayed/);
  assert.equal(await statusOf(ids[0]!), 'dead');

  const done = await api(h, 'POST', '/api/deliveries/replay', { ...filter, expect: 2 }, operator);
  assert.equal(done.status, 202, done.text);
  assert.deepEqual(done.json, { matched: 2, replayed: 2, done: true });
  await waitFor(async () => (await statusOf(ids[0]!)) === 'delivered' && (await statusOf(ids[1]!)) === 'delivered', 'the order replayed');
  assert.deepEqual([await statusOf(ids[2]!), await statusOf(ids[3]!)], ['dead', 'dead'], 'the other order untouched');

  assert.equal((await api(h, 'POST', '/api/deliveries/replay', { order: 'x1' }, operator)).status, 400);
  assert.equal((await api(h, 'POST', '/api/deliveries/replay', { status: 'delivered' }, operator)).status, 400, 'only dead letters replay in bulk: no status to give');
  const all = await api(h, 'POST', '/api/deliveries/replay', { since: Date.now() - 3_600_000, esp: 'klaviyo' }, operator);
  assert.equal(all.json.matched, 3, "order 80003's two and 80001's other copy");
});

test('without an operator token replay is off; an operator token equal to the admin token is refused', async () => {
  const off = await startHarness({ orders: 1, server: { operatorToken: undefined } });
  try {
    const r = await api(off, 'POST', '/api/deliveries/x/replay', undefined, operator);
    assert.equal(r.status, 401, 'an unknown token is no token');
    const admin = await api(off, 'POST', '/api/deliveries/x/replay');
    assert.equal(admin.status, 403);
    assert.match(admin.json.error, /replay is off: no server.operatorToken is configured/);
    assert.equal((await api(off, 'POST', '/api/deliveries/replay', {})).status, 403);
  } finally {
    await off.close();
  }
  assert.throws(
    () => resolveServerSettings({ server: { ...h.config.server!, operatorToken: h.config.server!.adminToken }, centra: h.config.centra }),
    /server.operatorToken: must differ from server.adminToken/,
  );
});
