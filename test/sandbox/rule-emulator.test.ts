import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startRuleEmulator } from '../../sandbox/index.ts';
import { parseRetryAfter } from '../../src/delivery/retry-after.ts';
import { control, post } from './helpers.ts';

const KEY = 'rule-key-1';
const json = { 'content-type': 'application/json' };
const one = (email: string, extra: Record<string, unknown> = {}) => ({
  apikey: KEY,
  update_on_duplicate: true,
  tags: ['OrderCompleted'],
  subscribers: { email, language: 'en', fields: [{ key: 'Order.Number', value: 13126 }, { key: 'Order.Currency', value: 'DKK' }] },
  ...extra,
});

describe('Rule emulator', () => {
  let emu: Awaited<ReturnType<typeof startRuleEmulator>>;
  let url: string;
  before(async () => {
    emu = await startRuleEmulator({ apiKeys: [KEY] });
    url = `${emu.url}/api/v2/subscribers`;
  });
  after(() => emu.close());
  beforeEach(() => {
    emu.state.reset();
    emu.state.setLimits({ requestsPerSecond: 1000, retryAfterFormat: 'stockholm' });
  });

  it('accepts one subscriber with body auth: 200 {"message":"Success"}, records tags and the automation', async () => {
    const r = await post(url, json, one('a@example.com'));
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, { message: 'Success' });
    assert.equal(emu.state.subscribers.length, 1);
    assert.deepEqual(emu.state.subscribers[0].tags, ['OrderCompleted']);
    assert.equal(emu.state.subscribers[0].automationFired, true);
    assert.ok(!r.text.includes(KEY));
  });

  it('accepts Bearer and ?apikey=, and answers an array with success:true', async () => {
    const { apikey: _, ...noKey } = one('b@example.com');
    assert.equal((await post(url, { ...json, authorization: `Bearer ${KEY}` }, noKey)).status, 200);
    const arr = { ...noKey, subscribers: [{ email: 'c@example.com' }, { phone_number: '+46701234567' }] };
    const r = await post(`${url}?apikey=${KEY}`, json, arr);
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, { success: true, message: 'Success' });
    assert.equal(emu.state.subscribers.length, 3);
  });

  it('answers 401 NotAuthorized without a valid key, never echoing it', async () => {
    for (const body of [one('a@example.com', { apikey: 'nope' }), { subscribers: { email: 'a@example.com' } }]) {
      const r = await post(url, json, body);
      assert.equal(r.status, 401);
      assert.deepEqual(r.json, { error: 'NotAuthorized' });
      assert.ok(!r.text.includes('nope'));
    }
  });

  it('validates subscribers and fields with 400 {error, message, fields}', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ email: 'x@example.com', fields: [{ key: 'NoDot', value: 'v' }] }, /Group\.Field/],
      [{ email: 'x@example.com', fields: [{ key: 'A.B', value: 'v', type: 'weird' }] }, /type/],
      [{ email: 'x@example.com', fields: [{ key: 'A.B', value: 'v', type: 'multiple' }] }, /array/],
      [{ email: 'x@example.com', fields: [{ key: 'A.B', value: '{bad', type: 'json' }] }, /parse/],
      [{ email: 'x@example.com', fields: [{ key: 'A.B', value: { a: 1 }, type: 'text' }] }, /text/],
      [{ email: 'x@example.com', fields: [{ key: 'A.B', value: '09/07/2024', type: 'date' }] }, /date/],
      [{ language: 'en' }, /email or phone_number/],
    ];
    for (const [subscribers, re] of cases) {
      const r = await post(url, json, { apikey: KEY, subscribers });
      assert.equal(r.status, 400, JSON.stringify(subscribers));
      assert.equal(typeof r.json.error, 'string');
      assert.equal(typeof r.json.message, 'string');
      assert.match(JSON.stringify(r.json.fields), re);
    }
    const ok = await post(url, json, {
      apikey: KEY,
      subscribers: {
        email: 'x@example.com',
        fields: [
          { key: 'A.B', value: ['x', 'y'], type: 'multiple' },
          { key: 'A.C', value: '[{"a":1}]', type: 'json' },
          { key: 'A.D', value: '2024-07-09', type: 'date' },
          { key: 'A.E', value: '2024-07-09 10:00:00', type: 'datetime' },
          { key: 'A.F', value: '10:00:00', type: 'time' },
        ],
      },
    });
    assert.equal(ok.status, 200);
    assert.equal(emu.state.subscribers.length, 1);
  });

  it('answers 413 above 1000 subscribers', async () => {
    const subscribers = Array.from({ length: 1001 }, (_, i) => ({ email: `s${i}@example.com` }));
    assert.equal((await post(url, json, { apikey: KEY, subscribers })).status, 413);
    assert.equal((await post(url, json, { apikey: KEY, subscribers: subscribers.slice(0, 1000) })).status, 200);
  });

  it('fires automations only for batches under 20 unless sync_subscribers', async () => {
    const batch = (n: number, p: string) => Array.from({ length: n }, (_, i) => ({ email: `${p}${i}@example.com` }));
    await post(url, json, { apikey: KEY, tags: ['T'], subscribers: batch(19, 'a') });
    assert.equal(emu.state.automationsFired, 19);
    await post(url, json, { apikey: KEY, tags: ['T'], subscribers: batch(20, 'b') });
    assert.equal(emu.state.automationsFired, 19);
    await post(url, json, { apikey: KEY, tags: ['T'], sync_subscribers: true, subscribers: batch(20, 'c') });
    assert.equal(emu.state.automationsFired, 39);
  });

  it('answers 409 for an existing subscriber without update_on_duplicate; a re-send with it re-fires', async () => {
    assert.equal((await post(url, json, one('d@example.com'))).status, 200);
    assert.equal((await post(url, json, one('d@example.com', { update_on_duplicate: false }))).status, 409);
    assert.equal((await post(url, json, one('d@example.com', { automation: 'reset' }))).status, 200);
    assert.equal(emu.state.automationsFired, 2);
    assert.equal(emu.state.subscribers[1].automation, 'reset');
  });

  it('answers 404 for an unknown numeric tag id', async () => {
    assert.equal((await post(url, json, one('e@example.com', { tags: [99999] }))).status, 404);
  });

  it('rate-limits with Retry-After as Stockholm local time plus Date, or as seconds', async () => {
    emu.state.setLimits({ requestsPerSecond: 2 });
    await post(url, json, one('f@example.com'));
    await post(url, json, one('f@example.com'));
    const r = await post(url, json, one('f@example.com'));
    assert.equal(r.status, 429);
    const ra = r.headers.get('retry-after') ?? '';
    assert.match(ra, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    const date = r.headers.get('date') ?? '';
    const wait = parseRetryAfter(ra, new Date(), date);
    assert.ok(wait !== undefined && wait >= 1000 && wait <= 2000, `wait ${wait}`);
    await control(emu.url, 'limits', { retryAfterFormat: 'seconds', requestsPerSecond: 1 });
    await post(url, json, one('f@example.com'));
    const r2 = await post(url, json, one('f@example.com'));
    assert.equal(r2.status, 429);
    assert.match(r2.headers.get('retry-after') ?? '', /^\d+$/);
    assert.equal(emu.state.counters.status429, 2);
  });

  it('injects faults: 5xx UnexpectedError, 429, drop', async () => {
    await control(emu.url, 'faults', { mode: '5xx', status: 500 });
    const r = await post(url, json, one('g@example.com'));
    assert.equal(r.status, 500);
    assert.equal(r.json.error, 'UnexpectedError');
    await control(emu.url, 'faults', { mode: '429', retryAfter: '3' });
    const r2 = await post(url, json, one('g@example.com'));
    assert.equal(r2.status, 429);
    assert.equal(r2.headers.get('retry-after'), '3');
    await control(emu.url, 'faults', { mode: 'drop' });
    await assert.rejects(post(url, json, one('g@example.com')));
    assert.equal(emu.state.subscribers.length, 0);
    assert.equal((await post(url, json, one('g@example.com'))).status, 200);
  });

  it('GET /__control/records lists subscribers and counters', async () => {
    await post(url, json, one('h@example.com'));
    const rec = await fetch(`${emu.url}/__control/records`).then((x) => x.json() as Promise<any>);
    assert.equal(rec.subscribers.length, 1);
    assert.equal(rec.counters.requests, 1);
    assert.ok(!JSON.stringify(rec).includes(KEY));
  });
});
