import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startKlaviyoEmulator, startRuleEmulator, startVoyadoEmulator } from '../../sandbox/index.ts';
import { createKlaviyoTransport, mapKlaviyoResult } from '../../src/esp/klaviyo/transport.ts';
import { createRuleTransport, mapRuleResult } from '../../src/esp/rule/transport.ts';
import { createVoyadoTransport, mapVoyadoResult } from '../../src/esp/voyado/transport.ts';
import type { PlannedDelivery } from '../../src/delivery/types.ts';

const KLAVIYO_KEY = 'pk_secret_klaviyo';
const RULE_KEY = 'rule_secret_key';
const VOYADO_KEY = 'voyado_secret_key';
const signal = () => new AbortController().signal;

function delivery(esp: PlannedDelivery['esp'], url: string, body: unknown, headers: Record<string, string> = {}, to = 'buyer@example.com'): PlannedDelivery {
  return { id: `d-${Math.random()}`, emailType: 'order', recipient: 'buyer', to, plugin: 'main', esp, request: { method: 'POST', url, headers, body } };
}

const klaviyoBody = (uid: string) => ({
  data: {
    type: 'event',
    attributes: {
      properties: { OrderId: uid },
      unique_id: uid,
      metric: { data: { type: 'metric', attributes: { name: 'Placed Order' } } },
      profile: { data: { type: 'profile', attributes: { email: 'buyer@example.com' } } },
    },
  },
});

describe('pure outcome mapping', () => {
  const now = new Date('2026-05-14T12:00:00Z');
  const res = (status: number, body = '', headers: Record<string, string> = {}) => ({ kind: 'response' as const, status, body, headers });
  it('2xx delivered, 5xx transient, 4xx permanent with the ESP text, 429 with the wait', () => {
    assert.deepEqual(mapKlaviyoResult(res(202), now), { kind: 'delivered', status: 202 });
    assert.equal(mapVoyadoResult(res(503), now).kind, 'transient');
    const p = mapKlaviyoResult(res(400, JSON.stringify({ errors: [{ code: 'invalid', detail: 'bad metric' }] })), now);
    assert.equal(p.kind, 'permanent');
    assert.match((p as { error: string }).error, /invalid: bad metric/);
    assert.deepEqual(mapRuleResult(res(429, '{}', { 'retry-after': '2026-05-14 14:00:03', date: 'Thu, 14 May 2026 12:00:00 GMT' }), now), {
      kind: 'transient',
      status: 429,
      error: 'HTTP 429: {}',
      retryAfterMs: 3000,
    });
  });
  it('failures: ambiguous only once the request was sent; errors are scrubbed and capped', () => {
    assert.deepEqual(mapVoyadoResult({ kind: 'failure', error: 'ECONNREFUSED', timedOut: false, requestSent: false }, now), { kind: 'transient', error: 'ECONNREFUSED' });
    assert.equal((mapVoyadoResult({ kind: 'failure', error: 'timeout', timedOut: true, requestSent: true }, now) as { ambiguous?: boolean }).ambiguous, true);
    const long = mapRuleResult(res(400, JSON.stringify({ error: 'X', message: `key ${RULE_KEY} ${'y'.repeat(5000)}` })), now, [RULE_KEY]) as { error: string };
    assert.ok(!long.error.includes(RULE_KEY));
    assert.ok(long.error.length <= 1100);
    assert.equal(mapRuleResult(res(200, '{"error":"Oops"}'), now).kind, 'permanent');
  });
});

describe('Klaviyo transport against the emulator', () => {
  let emu: Awaited<ReturnType<typeof startKlaviyoEmulator>>;
  const transport = createKlaviyoTransport({ credentials: () => ({ apiKey: KLAVIYO_KEY }), timeoutMs: 300 });
  const d = (uid: string) => delivery('klaviyo', `${emu.url}/api/events`, klaviyoBody(uid), { revision: '2026-07-15', 'content-type': 'application/vnd.api+json', authorization: '[redacted]' });
  before(async () => (emu = await startKlaviyoEmulator({ apiKeys: [KLAVIYO_KEY] })));
  after(() => emu.close());
  beforeEach(() => emu.state.reset());

  it('delivers with the key added at send time', async () => {
    const del = d('k1');
    assert.deepEqual(await transport.send(del, signal()), { kind: 'delivered', status: 202 });
    assert.equal(emu.state.events.length, 1);
    assert.equal(del.request.headers.authorization, '[redacted]', 'the stored request is not changed');
  });

  it('a wrong key is permanent and the error carries no key', async () => {
    const bad = createKlaviyoTransport({ credentials: () => ({ apiKey: 'wrong' }) });
    const o = await bad.send(d('k2'), signal());
    assert.equal(o.kind, 'permanent');
    assert.equal((o as { status?: number }).status, 401);
  });

  it('5xx is transient; 429 carries retryAfterMs', async () => {
    emu.state.faults.set({ mode: '5xx' });
    assert.equal((await transport.send(d('k3'), signal())).kind, 'transient');
    emu.state.faults.set({ mode: '429', retryAfter: '4' });
    assert.deepEqual(await transport.send(d('k3'), signal()), { kind: 'transient', status: 429, error: 'HTTP 429 throttled: Request was throttled (injected fault).', retryAfterMs: 4000 });
  });

  it('a hang times out as ambiguous; a drop after the body is ambiguous', async () => {
    emu.state.faults.set({ mode: 'hang' });
    const hang = await transport.send(d('k4'), signal());
    assert.equal(hang.kind, 'transient');
    assert.equal((hang as { ambiguous?: boolean }).ambiguous, true);
    assert.match((hang as { error: string }).error, /timeout/);
    emu.state.faults.set({ mode: 'drop' });
    const drop = await transport.send(d('k4'), signal());
    assert.equal(drop.kind, 'transient');
    assert.equal((drop as { ambiguous?: boolean }).ambiguous, true);
    assert.equal((await transport.send(d('k4'), signal())).kind, 'delivered');
  });

  it('a refused connection is transient and not ambiguous', async () => {
    const closed = await startKlaviyoEmulator();
    const url = closed.url;
    await closed.close();
    const o = await transport.send(delivery('klaviyo', `${url}/api/events`, klaviyoBody('x')), signal());
    assert.equal(o.kind, 'transient');
    assert.equal((o as { ambiguous?: boolean }).ambiguous, undefined);
  });

  it('honours the caller signal', async () => {
    emu.state.faults.set({ mode: 'hang' });
    const slow = createKlaviyoTransport({ credentials: () => ({ apiKey: KLAVIYO_KEY }), timeoutMs: 10_000 });
    const ac = new AbortController();
    const p = slow.send(d('k5'), ac.signal);
    setImmediate(() => ac.abort());
    const o = await p;
    assert.equal(o.kind, 'transient');
    assert.match((o as { error: string }).error, /abort/);
  });
});

describe('Rule transport against the emulator', () => {
  let emu: Awaited<ReturnType<typeof startRuleEmulator>>;
  const transport = createRuleTransport({ credentials: () => ({ apiKey: RULE_KEY }), timeoutMs: 300 });
  const body = (extra: Record<string, unknown> = {}) => ({ apikey: '[redacted]', update_on_duplicate: true, tags: ['OrderCompleted'], subscribers: { email: 'r@example.com' }, ...extra });
  before(async () => (emu = await startRuleEmulator({ apiKeys: [RULE_KEY] })));
  after(() => emu.close());
  beforeEach(() => {
    emu.state.reset();
    emu.state.setLimits({ requestsPerSecond: 1000, retryAfterFormat: 'stockholm' });
  });

  it('replaces the redacted body key, or sends Bearer when absent', async () => {
    assert.equal((await transport.send(delivery('rule', `${emu.url}/api/v2/subscribers`, body()), signal())).kind, 'delivered');
    const { apikey: _, ...noKey } = body();
    assert.equal((await transport.send(delivery('rule', `${emu.url}/api/v2/subscribers`, noKey), signal())).kind, 'delivered');
    assert.equal(emu.state.subscribers.length, 2);
  });

  it('400 permanent with Rule text; 429 Stockholm Retry-After gives retryAfterMs', async () => {
    const bad = await transport.send(delivery('rule', `${emu.url}/api/v2/subscribers`, body({ subscribers: { email: 'r@example.com', fields: [{ key: 'bad', value: 1 }] } })), signal());
    assert.equal(bad.kind, 'permanent');
    assert.match((bad as { error: string }).error, /InvalidFields/);
    assert.ok(!(bad as { error: string }).error.includes(RULE_KEY));
    emu.state.setLimits({ requestsPerSecond: 1 });
    await transport.send(delivery('rule', `${emu.url}/api/v2/subscribers`, body()), signal());
    const limited = await transport.send(delivery('rule', `${emu.url}/api/v2/subscribers`, body()), signal());
    assert.equal(limited.kind, 'transient');
    assert.equal((limited as { retryAfterMs?: number }).retryAfterMs, 1000);
  });
});

describe('Voyado transport against the emulator', () => {
  let emu: Awaited<ReturnType<typeof startVoyadoEmulator>>;
  let newType = 'Member';
  const transport = createVoyadoTransport({ credentials: () => ({ apiKey: VOYADO_KEY, newContactType: newType }), timeoutMs: 300 });
  const trigger = (to: string) =>
    delivery('voyado', `${emu.url}/api/v2/automation/customTriggers/WELCOME_TO_SHOWROOM/triggerByContactId/{contactId}`, { accountName: 'A' }, { apikey: '[redacted]' }, to);
  before(async () => (emu = await startVoyadoEmulator({ apiKeys: [VOYADO_KEY] })));
  after(() => emu.close());
  beforeEach(() => emu.state.reset());

  it('sends apikey, User-Agent and JSON; an order answers 202 delivered', async () => {
    const order = { contact: { matchKey: 'o@example.com', matchKeyType: 'email' }, orderNumber: '1', orderStatus: 'ORDER_CREATED', paymentStatus: 'SUCCESS', createdDate: '2024-07-09T15:34:18+02:00', storeId: 'wholesale', currency: 'DKK', totalGrossPrice: '10.00', items: [] };
    assert.deepEqual(await transport.send(delivery('voyado', `${emu.url}/api/v2/orders`, order, { apikey: '[redacted]' }), signal()), { kind: 'delivered', status: 202 });
    assert.equal(emu.state.missingUserAgent, 0);
    const bad = await transport.send(delivery('voyado', `${emu.url}/api/v2/orders`, { ...order, orderNumber: undefined }), signal());
    assert.equal(bad.kind, 'permanent');
    assert.match((bad as { error: string }).error, /InvalidOrder/);
  });

  it('trigger for an existing contact looks it up and posts with the real id', async () => {
    const c = emu.state.seedContact({ email: 'known@example.com' });
    const o = await transport.send(trigger('known@example.com'), signal());
    assert.equal(o.kind, 'delivered');
    assert.equal(emu.state.triggers[0].contactId, c.id);
    assert.equal(emu.state.createdContacts.length, 0);
  });

  it('trigger for an unknown email creates a contact of the configured type first, then caches the id', async () => {
    newType = 'TransactionalContact';
    const o = await transport.send(trigger('new@example.com'), signal());
    assert.equal(o.kind, 'delivered');
    assert.match((o as { detail?: string }).detail ?? '', /created \(TransactionalContact\)/);
    assert.equal(emu.state.createdContacts.length, 1);
    assert.equal(emu.state.createdContacts[0].contactType, 'TransactionalContact');
    assert.equal(emu.state.triggers[0].contactId, emu.state.createdContacts[0].id);
    const before = emu.state.counters.requests;
    assert.equal((await transport.send(trigger('new@example.com'), signal())).kind, 'delivered');
    assert.equal(emu.state.counters.requests - before, 1, 'the second send uses the cached id');
    newType = 'Member';
  });

  it('MultipleMatches: takes the first id and says so', async () => {
    const a = emu.state.seedContact({ email: 'twin@example.com' });
    emu.state.seedContact({ email: 'twin@example.com' });
    const o = await transport.send(trigger('twin@example.com'), signal());
    assert.equal(o.kind, 'delivered');
    assert.match((o as { detail?: string }).detail ?? '', /multiple/);
    assert.equal(emu.state.triggers[0].contactId, a.id);
  });

  it('a stale cached id is looked up again', async () => {
    emu.state.seedContact({ email: 'moved@example.com' });
    assert.equal((await transport.send(trigger('moved@example.com'), signal())).kind, 'delivered');
    emu.state.reset();
    const fresh = emu.state.seedContact({ email: 'moved@example.com' });
    assert.equal((await transport.send(trigger('moved@example.com'), signal())).kind, 'delivered');
    assert.equal(emu.state.triggers.at(-1)?.contactId, fresh.id);
  });

  it('a failing lookup is transient and not ambiguous', async () => {
    emu.state.faults.set({ mode: '5xx' });
    const o = await transport.send(trigger('err@example.com'), signal());
    assert.equal(o.kind, 'transient');
    assert.equal((o as { ambiguous?: boolean }).ambiguous, undefined);
    assert.equal(emu.state.triggers.length, 0);
  });
});
