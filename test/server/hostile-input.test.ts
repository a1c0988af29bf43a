// Hostile input at every edge, on both engines: deep nesting, control characters, ids too large to
// keep exactly, repeated query parameters, bad ids in paths. A clear 4xx each, never a 5xx; the valid
// requests of the same moment unharmed; nothing stored for a refused request.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { encodeWebhookBody, signWebhook } from '../../src/centra/webhook.ts';
import { tempSchema, type TempSchema } from '../helpers/postgres.ts';
import { api, inboxRows, SECRET, startHarness, type Harness } from './helpers.ts';

const DEEP = 6000;
/** `{"a":{"a":…1…}}` 6,000 levels deep, written as text: JSON.stringify itself could not build it. */
const deepJson = (levels: number) => '{"a":'.repeat(levels) + '1' + '}'.repeat(levels);

for (const engine of ['sqlite', 'postgres'] as const) {
  describe(`hostile input (${engine})`, () => {
    let h: Harness;
    let pg: TempSchema | undefined;
    before(async () => {
      if (engine === 'postgres') pg = await tempSchema('hostile');
      const storage = pg ? { kind: 'postgres', postgres: { url: { env: 'HOSTILE_DATABASE_URL' }, schema: pg.schema, maxConnections: 4 } } : {};
      h = await startHarness({ orders: 12, storage, service: { env: { ...process.env, HOSTILE_DATABASE_URL: pg?.url ?? '' } } });
    });
    after(async () => {
      await h?.close();
      await pg?.drop();
    });

    async function directEvent(body: string) {
      const res = await fetch(`${h.service.url}/api/events`, { method: 'POST', headers: { ...h.auth, 'content-type': 'application/json' }, body });
      return { status: res.status, json: (await res.json()) as any };
    }
    async function validEvent(i: number) {
      const object = await h.service.centra.fetchSnapshot({ type: 'order', id: h.dataset.orders[i % h.dataset.orders.length].number });
      return { type: 'order', action: 'create', id: object!.number, date: `2031-01-01 00:00:${String(i).padStart(2, '0')}.000000`, object, context: {} };
    }

    test('a direct event with product.attributes nested 6,000 levels → 400, alone or among nine valid ones', async () => {
      const event = await validEvent(0);
      (event.object as any).lines[0].product = { ...((event.object as any).lines[0].product ?? {}), attributes: '@DEEP@' };
      const deep = JSON.stringify(event).replace('"@DEEP@"', deepJson(DEEP));
      assert.ok(deep.length > 12_000);
      const alone = await directEvent(deep);
      assert.equal(alone.status, 400, JSON.stringify(alone.json));
      assert.match(alone.json.error, /nests deeper than 64/);
      const before = await inboxRows(h);
      const valid = await Promise.all(Array.from({ length: 9 }, (_, i) => validEvent(i + 1)));
      const results = await Promise.all([directEvent(deep), ...valid.map((e) => directEvent(JSON.stringify(e)))]);
      assert.equal(results[0].status, 400);
      for (const r of results.slice(1)) assert.ok(r.status === 202 || r.status === 200, `a valid event of the same moment → ${r.status} ${JSON.stringify(r.json)}`);
      assert.equal(await inboxRows(h), before + 9);
    });

    test('control characters in a direct event action or date, or a NUL among nine valid events → 400 for it only', async () => {
      for (const [field, value] of [['action', 'cr\u0000eate'], ['action', 'up\ndate'], ['date', '2031-01-01 00:00:00\u0000'], ['id', 'a\u0000b']] as const) {
        const e = { ...(await validEvent(20)), [field]: value };
        const r = await directEvent(JSON.stringify(e));
        assert.equal(r.status, 400, `${field}=${JSON.stringify(value)} → ${r.status} ${JSON.stringify(r.json)}`);
      }
      const before = await inboxRows(h);
      const bad = { ...(await validEvent(21)), action: 'x\u0000' };
      const valid = await Promise.all(Array.from({ length: 9 }, (_, i) => validEvent(30 + i)));
      const results = await Promise.all([bad, ...valid].map((e) => directEvent(JSON.stringify(e))));
      assert.equal(results[0].status, 400);
      for (const r of results.slice(1)) assert.ok(r.status < 300, `${r.status} ${JSON.stringify(r.json)}`);
      assert.equal(await inboxRows(h), before + 9);
    });

    test('ids too large to keep exactly → 400 (direct event, manual send, webhook), never rounded, never 5xx', async () => {
      const e = { ...(await validEvent(40)), id: '12345678901234567890123' };
      assert.equal((await directEvent(JSON.stringify(e))).status, 400);
      assert.equal((await directEvent(JSON.stringify(await validEvent(41)).replace(/"id":\d+,"date"/, '"id":12345678901234567890123,"date"'))).status, 400);
      for (const id of ['12345678901234567890123', 12345678901234567890123, '9007199254740993']) {
        const r = await api(h, 'POST', '/api/emails', { type: 'order', id, emailType: 'order_conf' });
        assert.equal(r.status, 400, `manual send of id ${id} → ${r.status} ${r.text}`);
      }
      // A webhook event with such an id is refused (recorded as failed, never stored as a rounded id); the call is acknowledged.
      const before = await h.service.inbox.counts();
      for (const id of ['99999999999999999999', '9007199254740993', 12345678901234567890123]) {
        const body = encodeWebhookBody([{ type: 'order', action: 'update', id, date: '2024-03-04 10:00:00' }]);
        const res = await fetch(`${h.service.url}/webhooks/centra`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-centra-signature': signWebhook(body, SECRET) }, body });
        const json = (await res.json()) as any;
        assert.equal(res.status, 200, `webhook id ${id} → ${res.status} ${JSON.stringify(json)}`);
        assert.deepEqual([json.accepted, json.invalid], [0, 1]);
        assert.match(json.problems[0], /events\[0\]\.id/);
      }
      await h.service.ingest.flush();
      const counts = await h.service.inbox.counts();
      assert.deepEqual([counts.pending + counts.retry + counts.processed - before.pending - before.retry - before.processed, counts.failed - before.failed], [0, 3]);
      const deepBody = new URLSearchParams({ payload: `{"events":[{"type":"order","action":"update","id":1,"date":"2024-03-04 10:00:00","x":${deepJson(1000)}}]}` }).toString();
      const deepRes = await fetch(`${h.service.url}/webhooks/centra`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-centra-signature': signWebhook(deepBody, SECRET) }, body: deepBody });
      assert.equal(deepRes.status, 400);
      await h.service.ingest.flush();
      assert.equal(await inboxRows(h), before.pending + before.retry + before.processed + before.failed + 3, 'nothing stored for a refused call');
    });

    test('NUL and oversized ids in paths, repeated and control-character query parameters → 400; no token → 401 first', async () => {
      for (const path of ['/api/deliveries/a%00b', '/api/events/a%00b', '/api/events/a%01b']) {
        assert.equal((await api(h, 'GET', path)).status, 400, path);
        assert.equal((await api(h, 'GET', path, undefined, {})).status, 401, `${path} without a token`);
      }
      assert.equal((await api(h, 'POST', '/api/deliveries/a%00b/replay')).status, 400);
      // An id longer than a path segment may be (fastify's maxParamLength, 100): 414.
      assert.equal((await api(h, 'GET', `/api/deliveries/${'x'.repeat(600)}`)).status, 414);
      for (const q of ['status=dead&status=pending', 'limit=1&limit=2', 'status=dead%00']) {
        const r = await api(h, 'GET', `/api/deliveries?${q}`);
        assert.equal(r.status, 400, `${q} → ${r.status}`);
        assert.equal((await api(h, 'GET', `/api/inbox?${q}`, undefined, {})).status, 401, `${q} without a token`);
      }
      assert.match((await api(h, 'GET', '/api/inbox?limit=1&limit=2')).json.problems[0], /limit: given 2 times/);
      assert.equal((await api(h, 'GET', '/healthz')).status, 200);
    });
  });
}
