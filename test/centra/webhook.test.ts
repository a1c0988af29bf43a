import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeWebhookBody, parseWebhookBody, signWebhook, verifySignature } from '../../src/centra/webhook.ts';

const VECTOR_BODY = 'payload=%7B%22x%22%3A%22test%22%7D';
const VECTOR_SIG = '0b9cd84f5d583e5e1aadfb9f160aa8080b51d5b85ff85808d6b75bdac356c549';
const T = 12345678;
const NOW = T * 1000 + 10_000;

test('signature: the documented test vector', () => {
  assert.equal(signWebhook(VECTOR_BODY, 'test123', T), `t=${T},v1=${VECTOR_SIG}`);
  assert.deepEqual(verifySignature(VECTOR_BODY, `t=${T},v1=${VECTOR_SIG}`, ['test123'], NOW), { ok: true });
  assert.deepEqual(verifySignature(Buffer.from(VECTOR_BODY), `t=${T}, v1=${VECTOR_SIG.toUpperCase()}`, ['test123'], NOW), { ok: true });
});

test('signature: wrong secret, tampered body, stale and future timestamps are rejected', () => {
  const header = `t=${T},v1=${VECTOR_SIG}`;
  const wrong = verifySignature(VECTOR_BODY, header, ['nope'], NOW);
  assert.equal(wrong.ok, false);
  const tampered = verifySignature(VECTOR_BODY.replace('test', 'tesT'), header, ['test123'], NOW);
  assert.equal(tampered.ok, false);
  const stale = verifySignature(VECTOR_BODY, header, ['test123'], (T + 301) * 1000);
  assert.equal(stale.ok, false);
  assert.match((stale as { reason: string }).reason, /stale/);
  assert.equal(verifySignature(VECTOR_BODY, header, ['test123'], (T - 301) * 1000).ok, false);
  assert.equal(verifySignature(VECTOR_BODY, header, ['test123'], (T + 299) * 1000).ok, true);
  assert.equal(verifySignature(VECTOR_BODY, header, ['test123'], (T + 1000) * 1000, 2000).ok, true);
});

test('signature: a second (rotated) secret is accepted; malformed headers are not', () => {
  const header = `t=${T},v1=${VECTOR_SIG}`;
  assert.deepEqual(verifySignature(VECTOR_BODY, header, ['new-secret', 'test123'], NOW), { ok: true });
  assert.equal(verifySignature(VECTOR_BODY, undefined, ['test123'], NOW).ok, false);
  assert.equal(verifySignature(VECTOR_BODY, `v1=${VECTOR_SIG}`, ['test123'], NOW).ok, false);
  assert.equal(verifySignature(VECTOR_BODY, `t=${T}`, ['test123'], NOW).ok, false);
  assert.equal(verifySignature(VECTOR_BODY, `t=${T},v1=abc`, ['test123'], NOW).ok, false);
  assert.equal(verifySignature(VECTOR_BODY, header, [], NOW).ok, false);
});

const ev = (i: number, type = 'order') => ({ type, action: 'update', date: '2021-01-29 14:40:58.628033', id: 2735 + i });

test('body: Integration API payload is parsed; unknown types are ignored, not errors', () => {
  const body = new URLSearchParams({ payload: JSON.stringify({ events: [ev(0), ev(1, 'shipment'), ev(2, 'product'), { ...ev(3, 'return'), id: '99' }] }) }).toString();
  const r = parseWebhookBody(body);
  assert.equal(r.ok, true);
  if (!r.ok) return;
  assert.deepEqual(r.events.map((e) => [e.type, e.id]), [['order', 2735], ['shipment', 2736], ['return', 99]]);
  assert.deepEqual(r.ignored, [{ index: 2, type: 'product', action: 'update', id: 2737 }]);
  // encodeWebhookBody round-trips
  const again = parseWebhookBody(encodeWebhookBody([ev(0)]));
  assert.equal(again.ok && again.events[0].id, 2735);
});

test('body: not form, no payload, two payloads, not JSON, bad event, >100 events → 400', () => {
  const cases: [string, RegExp][] = [
    [JSON.stringify({ events: [ev(0)] }), /form/],
    ['foo=bar', /no payload/],
    ['payload=1&payload=2', /more than one/],
    ['payload=%7Bnot-json', /not JSON/],
    [new URLSearchParams({ payload: '[1]' }).toString(), /not a JSON object/],
    [new URLSearchParams({ payload: '{"products":["12"]}' }).toString(), /Checkout/],
    [new URLSearchParams({ payload: '{"events":[]}' }).toString(), /empty/],
    [new URLSearchParams({ payload: JSON.stringify({ events: Array.from({ length: 101 }, (_, i) => ev(i)) }) }).toString(), /101 events/],
    ['', /empty/],
  ];
  for (const [body, reason] of cases) {
    const r = parseWebhookBody(body);
    assert.equal(r.ok, false, body.slice(0, 60));
    if (!r.ok) {
      assert.equal(r.status, 400);
      assert.match(r.reason, reason);
    }
  }
  // An invalid event is reported in `invalid` with its raw text; the valid ones of the same call are kept.
  const invalidCases: [unknown, RegExp][] = [
    [{ ...ev(0), id: 'abc' }, /^events\[1\]\.id/],
    [{ ...ev(0), id: '9007199254740993' }, /^events\[1\]\.id: an id above 2\^53/],
    [{ ...ev(0), date: 'yesterday' }, /^events\[1\]\.date/],
    [{ ...ev(0), action: 'up\u0000date' }, /^events\[1\]\.action: no control characters/],
    [{ ...ev(0), date: '2024-03-04 10:00:00\n' }, /^events\[1\]\.date: no control characters/],
    [{ action: 'update', id: 1 }, /^events\[1\] has no type/],
    ['x'.repeat(5000), /^events\[1\] has no type/],
  ];
  for (const [bad, reason] of invalidCases) {
    const r = parseWebhookBody(new URLSearchParams({ payload: JSON.stringify({ events: [ev(1), bad, ev(2)] }) }).toString());
    assert.ok(r.ok, JSON.stringify(bad).slice(0, 60));
    if (r.ok) {
      assert.deepEqual(r.events.map((e) => e.id), [ev(1).id, ev(2).id]);
      assert.equal(r.invalid.length, 1);
      assert.equal(r.invalid[0].index, 1);
      assert.match(r.invalid[0].reason, reason);
      assert.ok(r.invalid[0].raw.length <= 2000 && !/[\u0000-\u001f]/.test(r.invalid[0].raw), r.invalid[0].raw.slice(0, 60));
      if (typeof bad === 'object') assert.deepEqual(JSON.parse(r.invalid[0].raw), bad);
    }
  }
  const hundred = new URLSearchParams({ payload: JSON.stringify({ events: Array.from({ length: 100 }, (_, i) => ev(i)) }) }).toString();
  assert.equal(parseWebhookBody(hundred).ok, true);
  assert.equal(parseWebhookBody(hundred, 50).ok, false);
});
