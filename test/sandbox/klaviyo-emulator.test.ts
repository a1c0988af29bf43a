import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startKlaviyoEmulator } from '../../sandbox/index.ts';
import { control, post } from './helpers.ts';

const KEY = 'pk_test_1';
const headers = { authorization: `Klaviyo-API-Key ${KEY}`, revision: '2026-07-15', 'content-type': 'application/vnd.api+json' };
const event = (uniqueId: string | undefined, email = 'buyer@example.com', metric = 'Placed Order') => ({
  data: {
    type: 'event',
    attributes: {
      properties: { OrderId: '1' },
      time: '2024-07-09T15:34:18+02:00',
      value: 12.5,
      ...(uniqueId === undefined ? {} : { unique_id: uniqueId }),
      metric: { data: { type: 'metric', attributes: { name: metric } } },
      profile: { data: { type: 'profile', attributes: { email, location: null } } },
    },
  },
});

describe('Klaviyo emulator', () => {
  let emu: Awaited<ReturnType<typeof startKlaviyoEmulator>>;
  let url: string;
  before(async () => {
    emu = await startKlaviyoEmulator({ apiKeys: [KEY] });
    url = `${emu.url}/api/events`;
  });
  after(() => emu.close());
  beforeEach(() => emu.state.reset());

  it('accepts a valid event with 202 and an empty body, and records it', async () => {
    const r = await post(url, headers, event('u1'));
    assert.equal(r.status, 202);
    assert.equal(r.text, '');
    assert.equal(emu.state.events.length, 1);
    assert.equal(emu.state.events[0].metric, 'Placed Order');
    assert.equal(emu.state.events[0].email, 'buyer@example.com');
  });

  it('answers 401 without a valid key', async () => {
    for (const authorization of ['Klaviyo-API-Key wrong', `Bearer ${KEY}`, '']) {
      const r = await post(url, { ...headers, authorization }, event('u1'));
      assert.equal(r.status, 401);
      assert.equal(r.json.errors[0].code, 'not_authenticated');
    }
    assert.equal(emu.state.events.length, 0);
  });

  it('checks the revision header', async () => {
    const { revision: _, ...noRevision } = headers;
    assert.equal((await post(url, noRevision, event('u1'))).status, 400);
    assert.equal((await post(url, { ...headers, revision: '2024/01/01' }, event('u1'))).status, 400);
    assert.equal((await post(url, { ...headers, revision: '2026-02-30' }, event('u1'))).status, 400);
    assert.equal((await post(url, { ...headers, revision: '2026-07-15.pre' }, event('u1'))).status, 202);
  });

  it('refuses a revision retired two years after its release with 410, and records nothing', async () => {
    // Retired two years after their release date (2024-10-15 on 2026-10-15).
    for (const revision of ['2024-10-15', '2023-02-22', '1999-01-01']) {
      const r = await post(url, { ...headers, revision }, event('u1'));
      assert.equal(r.status, 410, revision);
      assert.equal(r.json.errors[0].code, 'revision_retired');
    }
    assert.equal(emu.state.events.length, 0);
    assert.equal((await post(url, { ...headers, revision: '2026-10-15' }, event('u1'))).status, 202);
  });

  it('takes the JSON:API content type and plain JSON (what the klaviyo-api SDK sends), nothing else', async () => {
    assert.equal((await post(url, { ...headers, 'content-type': 'text/plain' }, event('u1'))).status, 415);
    assert.equal((await post(url, { ...headers, 'content-type': 'application/json' }, event('u1'))).status, 202);
    assert.equal((await post(url, { ...headers, 'content-type': 'application/vnd.api+json' }, event('u2'))).status, 202);
    assert.equal(emu.state.events.length, 2);
  });

  it('validates the body against the vendor schema, with the error envelope', async () => {
    const bad = event('u1') as any;
    delete bad.data.attributes.metric;
    const r = await post(url, headers, bad);
    assert.equal(r.status, 400);
    const e = r.json.errors[0];
    for (const k of ['id', 'status', 'code', 'title', 'detail', 'source']) assert.ok(k in e, k);
    assert.match(e.detail, /metric/);
    const wrongType = event('u2') as any;
    wrongType.data.type = 'profile';
    assert.equal((await post(url, headers, wrongType)).status, 400);
    const badTime = event('u3') as any;
    badTime.data.attributes.time = 'yesterday';
    assert.equal((await post(url, headers, badTime)).status, 400);
    assert.equal((await post(url, headers, '{not json')).status, 400);
    assert.equal(emu.state.events.length, 0);
  });

  it('requires a profile identifier', async () => {
    const anonymous = event('u1') as any;
    delete anonymous.data.attributes.profile.data.attributes.email;
    const r = await post(url, headers, anonymous);
    assert.equal(r.status, 400);
    assert.match(r.json.errors[0].detail, /identifier/);
  });

  it('de-duplicates on (email, metric, unique_id) and counts duplicates', async () => {
    assert.equal((await post(url, headers, event('same'))).status, 202);
    assert.equal((await post(url, headers, event('same'))).status, 202);
    assert.equal((await post(url, headers, event('same', 'other@example.com'))).status, 202);
    assert.equal((await post(url, headers, event('same', 'buyer@example.com', 'Shipped'))).status, 202);
    assert.equal(emu.state.events.length, 3);
    assert.equal(emu.state.counters.duplicates, 1);
  });

  it('rate-limits per key (burst) with 429, Retry-After in seconds and code throttled', async () => {
    await control(emu.url, 'limits', { burstPerSecond: 3 });
    const results = [];
    for (let i = 0; i < 5; i++) results.push(await post(url, headers, event(`r${i}`)));
    assert.deepEqual(results.map((r) => r.status), [202, 202, 202, 429, 429]);
    assert.equal(results[3].json.errors[0].code, 'throttled');
    assert.match(results[3].headers.get('retry-after') ?? '', /^\d+$/);
    assert.equal(emu.state.counters.status429, 2);
    emu.state.setLimits({ burstPerSecond: 350 });
  });

  it('rate-limits on the steady (per minute) window too', async () => {
    emu.state.setLimits({ steadyPerMinute: 2 });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await post(url, headers, event(`s${i}`))).status);
    assert.deepEqual(statuses, [202, 202, 429]);
    emu.state.setLimits({ steadyPerMinute: 3500 });
  });

  it('injects 5xx for the next N requests, then recovers', async () => {
    const f = await control(emu.url, 'faults', { mode: '5xx', count: 2, status: 502 });
    assert.equal(f.status, 200);
    assert.equal((await post(url, headers, event('f1'))).status, 502);
    assert.equal((await post(url, headers, event('f1'))).status, 502);
    assert.equal((await post(url, headers, event('f1'))).status, 202);
    assert.equal(emu.state.counters.faultsInjected, 2);
  });

  it('injects 429 with the configured Retry-After', async () => {
    await control(emu.url, 'faults', { mode: '429', retryAfter: '7' });
    const r = await post(url, headers, event('f2'));
    assert.equal(r.status, 429);
    assert.equal(r.headers.get('retry-after'), '7');
  });

  it('faults for a duration and can be cleared', async () => {
    await control(emu.url, 'faults', { mode: '5xx', durationMs: 60_000 });
    assert.equal((await post(url, headers, event('d1'))).status, 503);
    assert.equal((await post(url, headers, event('d1'))).status, 503);
    assert.equal((await control(emu.url, 'faults', undefined, 'DELETE')).status, 200);
    assert.equal((await post(url, headers, event('d1'))).status, 202);
  });

  it('rejects a bad fault spec', async () => {
    assert.equal((await control(emu.url, 'faults', { mode: 'explode' })).status, 400);
  });

  it('hang: never answers (the client gives up); drop: destroys the socket', async () => {
    await control(emu.url, 'faults', { mode: 'hang' });
    await assert.rejects(
      fetch(url, { method: 'POST', headers, body: JSON.stringify(event('h1')), signal: AbortSignal.timeout(300) }),
      (e: Error) => e.name === 'TimeoutError' || e.name === 'AbortError',
    );
    await control(emu.url, 'faults', { mode: 'drop' });
    // A raw socket: the server reads the request, then closes without a byte of answer.
    const answer = await new Promise<string>((resolve, reject) => {
      const s = net.connect(emu.port, '127.0.0.1', () => {
        const body = JSON.stringify(event('x1'));
        s.write(`POST /api/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/vnd.api+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
      });
      let got = '';
      s.on('data', (d) => (got += d));
      s.on('close', () => resolve(got));
      s.on('error', reject);
    });
    assert.equal(answer, '');
    assert.equal(emu.state.events.length, 0);
  });

  it('control API: records, reset', async () => {
    await post(url, headers, event('c1'));
    const rec = await fetch(`${emu.url}/__control/records`).then((r) => r.json() as Promise<any>);
    assert.equal(rec.events.length, 1);
    assert.equal(rec.counters.requests, 1);
    await control(emu.url, 'reset');
    assert.equal(emu.state.events.length, 0);
    assert.equal(emu.state.counters.requests, 0);
    // After reset the de-dup memory is gone too.
    assert.equal((await post(url, headers, event('c1'))).status, 202);
    assert.equal(emu.state.events.length, 1);
  });
});
