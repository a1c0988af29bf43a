// Bad input at the webhook: forged, missing and stale signatures, bodies that are not Centra's
// form, unknown types, oversized bodies, and 10,000 random bodies. Clear 4xx, a log line,
// nothing stored half-way, the service up throughout.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { encodeWebhookBody, signWebhook } from '../../src/centra/webhook.ts';
import { api, inboxRows, SECRET, startHarness, type Harness } from './helpers.ts';

let h: Harness;
before(async () => {
  // No processor: these tests look at what is stored, not at what is fetched.
  h = await startHarness({ orders: 5, service: { processor: false } });
});
after(async () => {
  await h?.close();
});

const FORM = 'application/x-www-form-urlencoded';
const event = (id: number, type = 'order') => ({ type, action: 'update', id, date: '2024-03-04 10:00:00.000000' });

async function hook(body: string | Buffer, headers: Record<string, string>) {
  const res = await fetch(`${h.service.url}/webhooks/centra`, { method: 'POST', headers, body: typeof body === 'string' ? body : new Uint8Array(body) });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {}
  return { status: res.status, json };
}
const signed = (body: string | Buffer, contentType = FORM, secret = SECRET, t?: number) => ({ 'content-type': contentType, 'x-centra-signature': signWebhook(body, secret, t) });

test('no signature, a wrong signature, a stale timestamp → 401, nothing stored, a log line', async () => {
  const before = await inboxRows(h);
  const body = encodeWebhookBody([event(1)]);
  const none = await hook(body, { 'content-type': FORM });
  assert.equal(none.status, 401);
  assert.match(none.json.error, /missing X-Centra-Signature/);
  assert.equal((await hook(body, signed(body, FORM, 'not-the-secret'))).status, 401);
  const tampered = signed(body);
  assert.equal((await hook(body.replace('update', 'create'), tampered)).status, 401, 'signature over other bytes');
  const stale = await hook(body, signed(body, FORM, SECRET, Math.floor(Date.now() / 1000) - 301));
  assert.equal(stale.status, 401);
  assert.match(stale.json.error, /stale/);
  assert.equal((await hook(body, signed(body, FORM, SECRET, Math.floor(Date.now() / 1000) + 3600))).status, 401, 'from the future');
  assert.equal((await hook(body, { 'content-type': FORM, 'x-centra-signature': 't=1,v1=zz' })).status, 401);
  assert.equal(await inboxRows(h), before);
  assert.ok(h.logs.has(/webhook rejected: signature/));
  // Within tolerance is fine.
  assert.equal((await hook(body, signed(body, FORM, SECRET, Math.floor(Date.now() / 1000) - 200))).status, 200);
  assert.equal(await inboxRows(h), before + 1);
});

test('a body that is not the form Centra sends, or not JSON → 400', async () => {
  const before = await inboxRows(h);
  const json = JSON.stringify({ events: [event(2)] });
  for (const [body, type] of [
    [json, 'application/json'],
    [json, FORM],
    ['payload=%7Bnot-json', FORM],
    ['other=1', FORM],
    [`payload=${encodeURIComponent(JSON.stringify({ products: ['1'] }))}`, FORM],
    [`payload=${encodeURIComponent(JSON.stringify({ events: [] }))}`, FORM],
    [`payload=${encodeURIComponent(JSON.stringify({ events: Array.from({ length: 101 }, (_, i) => event(i)) }))}`, FORM],
    ['', FORM],
    ['payload=1', 'text/plain'],
  ] as const) {
    const r = await hook(body, signed(body, type));
    assert.equal(r.status, 400, `${type} ${body.slice(0, 60)} → ${r.status} ${JSON.stringify(r.json)}`);
    assert.ok(r.json.error, 'a reason');
  }
  assert.equal(await inboxRows(h), before, 'a refused call stores none of it');
  assert.ok(h.logs.has(/webhook rejected: (body|not a form body)/));
});

test('a call with some invalid events → 200: the valid ones stored, the invalid ones failed in the inbox with their raw text, a log line', async () => {
  const before = await h.service.inbox.counts();
  const events: unknown[] = Array.from({ length: 100 }, (_, i) => event(7000 + i));
  events[3] = { type: 'order', action: 'update', id: 'x', date: '2024-03-04 10:00:00' };
  events[40] = { type: 'order', action: 'up\u0000date', id: 7040, date: '2024-03-04 10:00:00' };
  events[77] = { type: 'order', action: 'update', id: '12345678901234567890123', date: '2024-03-04 10:00:00' };
  events[99] = { action: 'update', id: 7099 };
  const body = `payload=${encodeURIComponent(JSON.stringify({ events }))}`;
  const r = await hook(body, signed(body));
  assert.equal(r.status, 200, JSON.stringify(r.json));
  assert.equal(r.json.received, 100);
  assert.equal(r.json.accepted, 96);
  assert.equal(r.json.invalid, 4);
  assert.deepEqual(r.json.problems.map((p: string) => p.split(/[.: ]/)[0]), ['events[3]', 'events[40]', 'events[77]', 'events[99]']);
  await h.service.ingest.flush();
  const after = await h.service.inbox.counts();
  assert.equal(after.pending - before.pending, 96);
  assert.equal(after.failed - before.failed, 4);
  const failed = await api(h, 'GET', '/api/inbox?status=failed&limit=10');
  assert.equal(failed.status, 200);
  const rows = failed.json.events.filter((e: any) => /webhook event is invalid/.test(e.lastError));
  assert.equal(rows.length, 4, JSON.stringify(failed.json.events));
  const nul = rows.find((e: any) => /events\[40\]\.action: no control characters/.test(e.lastError));
  assert.ok(nul, 'the reason is kept');
  assert.equal(JSON.parse(JSON.parse(nul.event.payload).invalid.raw).action, 'up\u0000date', 'the raw text is kept, control characters escaped');
  assert.match(rows.find((e: any) => /events\[77\]/.test(e.lastError)).event.payload, /12345678901234567890123/, 'the oversized id as sent, not rounded');
  assert.ok(h.logs.lines.some((l) => l.msg === 'webhook events invalid: recorded as failed, the valid ones accepted' && l.invalid === 4 && l.valid === 96));
});

test('an unknown event type → accepted and ignored, with a log line', async () => {
  const before = await inboxRows(h);
  const body = encodeWebhookBody([{ type: 'productz', action: 'update', id: 5, date: '2024-03-04 10:00:00' }, event(4)]);
  const r = await hook(body, signed(body));
  assert.equal(r.status, 200);
  assert.deepEqual(r.json, { received: 1, accepted: 1, ignored: 1, invalid: 0 });
  await h.service.ingest.flush();
  assert.equal(await inboxRows(h), before + 1);
  assert.ok(h.logs.lines.some((l) => l.msg === 'webhook event of an unknown type ignored' && l.type === 'productz'));
});

test('a body over the size limit → 413', async () => {
  const before = await inboxRows(h);
  const body = `payload=${'a'.repeat(70 * 1024)}`;
  const r = await hook(body, signed(body));
  assert.equal(r.status, 413);
  const unsigned = await hook(randomBytes(200 * 1024), { 'content-type': 'application/octet-stream' });
  assert.equal(unsigned.status, 413);
  assert.equal(await inboxRows(h), before);
  assert.equal((await api(h, 'GET', '/healthz', undefined, {})).status, 200);
});

test('10,000 random bodies: no 5xx, no crash, only valid events stored, /healthz answers throughout', async () => {
  const before = await inboxRows(h);
  const types = ['order', 'shipment', 'return', 'customer', 'account', 'buyer', 'invoice', 'nope', ''];
  const anyEvent = fc.record(
    {
      type: fc.constantFrom(...types),
      action: fc.oneof(fc.constantFrom('create', 'update', 'good_to_go'), fc.string()),
      id: fc.oneof(fc.nat(), fc.integer(), fc.string(), fc.constant('12345678901234567890'), fc.double()),
      date: fc.oneof(fc.constant('2024-03-04 10:00:00.000000'), fc.date({ noInvalidDate: true }).map((d) => d.toISOString().replace('T', ' ')), fc.string()),
    },
    { requiredKeys: [] },
  );
  const validEvent = fc.record({
    type: fc.constantFrom('order', 'shipment', 'return', 'customer', 'account', 'buyer', 'invoice', 'product'),
    action: fc.constantFrom('create', 'update', 'good_to_go'),
    id: fc.nat({ max: 1_000_000 }),
    date: fc.constant('2024-03-04 10:00:00.000000'),
  });
  const payloadJson = fc.oneof(
    fc.array(validEvent, { minLength: 1, maxLength: 100 }).map((events) => JSON.stringify({ events })),
    fc.array(anyEvent, { maxLength: 120 }).map((events) => JSON.stringify({ events })),
    fc.json(),
    fc.string(),
    fc.jsonValue().map((v) => JSON.stringify({ events: v })),
  );
  const body = fc.oneof(
    fc.uint8Array({ maxLength: 2000 }).map((b) => Buffer.from(b)),
    fc.string({ maxLength: 500 }),
    fc.dictionary(fc.string({ maxLength: 10 }), fc.string({ maxLength: 50 })).map((d) => new URLSearchParams(d).toString()),
    payloadJson.map((p) => `payload=${encodeURIComponent(p)}`),
    payloadJson.map((p) => `payload=${p}`),
    payloadJson,
  );
  const ctype = fc.constantFrom(FORM, FORM, FORM, 'application/json', 'text/plain', 'application/octet-stream', `${FORM}; charset=utf-8`, 'multipart/form-data; boundary=x');
  const sign = fc.constantFrom('valid', 'valid', 'valid', 'none', 'wrong', 'stale', 'garbage');
  const cases = fc.sample(fc.tuple(body, ctype, sign), { numRuns: 10_000, seed: 42 });

  let stored = 0;
  const statuses = new Map<number, number>();
  let healthChecks = 0;
  const health = setInterval(async () => {
    const r = await fetch(`${h.service.url}/healthz`).catch(() => null);
    assert.equal(r?.status, 200, 'healthz answers during the storm');
    await r?.arrayBuffer();
    healthChecks++;
  }, 100);
  try {
    let next = 0;
    const worker = async () => {
      while (next < cases.length) {
        const [b, type, how] = cases[next++];
        const headers: Record<string, string> = { 'content-type': type };
        const now = Math.floor(Date.now() / 1000);
        if (how === 'valid') headers['x-centra-signature'] = signWebhook(b, SECRET, now);
        else if (how === 'wrong') headers['x-centra-signature'] = signWebhook(b, 'wrong', now);
        else if (how === 'stale') headers['x-centra-signature'] = signWebhook(b, SECRET, now - 1000);
        else if (how === 'garbage') headers['x-centra-signature'] = randomBytes(20).toString('base64');
        const r = await hook(b, headers);
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
        assert.ok(r.status < 500, `5xx for ${type} ${how} ${String(b).slice(0, 80)}`);
        if (r.status === 200) stored += r.json.accepted + r.json.invalid;
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
  } finally {
    clearInterval(health);
  }
  assert.ok(healthChecks > 0);
  await h.service.ingest.flush();
  assert.equal(await inboxRows(h), before + stored, 'the inbox grew by exactly the events acknowledged (valid ones pending, invalid ones failed)');
  assert.ok((statuses.get(200) ?? 0) > 50, `some valid batches got through: ${JSON.stringify([...statuses])}`);
  assert.ok((statuses.get(401) ?? 0) > 1000 && (statuses.get(400) ?? 0) > 1000, JSON.stringify([...statuses]));
  console.log(`fuzz statuses ${JSON.stringify(Object.fromEntries(statuses))}, ${stored} events stored`);
});
