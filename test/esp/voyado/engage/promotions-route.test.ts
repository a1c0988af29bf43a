// GET /api/promotions through fastify's inject, with real HTTP from the route to the Voyado emulator.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { startVoyadoEmulator } from '../../../../sandbox/index.ts';
import { memoryContactLinks } from '../../../../src/storage/contacts.ts';
import { resolveSecret } from '../../../../src/config/secret.ts';
import { centraVoucherFor, promotionsRoute } from '../../../../src/esp/voyado/engage/promotions-route.ts';
import type { VoyadoSettings } from '../../../../src/esp/voyado/plugin.ts';
import { dtcConfig } from './fixtures.ts';
import { ManualClock } from '../../../../src/delivery/clock.ts';
import { createSignInLimiter, signInGuard } from '../../../../src/server/sign-in-limit.ts';

/** The server's sign-in limit as the route is handed it (app.ts), on a manual clock; `wrong` counts what it was told. */
function signInLimit(maxFailures = 1_000) {
  const rejected: string[] = [];
  const guard = signInGuard(createSignInLimiter({ maxFailures, windowSec: 60, maxAddresses: 100 }, new ManualClock(0)), { log: { info() {}, warn() {} } as never, rejected: (via, reason) => rejected.push(`${via}:${reason}`), windowSec: 60 });
  return { rejected, signIn: { refusal: (req: { id: string; ip: string }) => guard.refusal(req, 'storefront'), wrongToken: (req: { id: string; ip: string }) => guard.wrongToken(req, 'storefront') } };
}

test('centraVoucherFor: externalId, then the EXTERNALOFFER code, then promotionId; else the code itself', () => {
  const ecom = (value: string) => [{ type: 'ECOM', valueType: 'EXTERNALOFFER', value }];
  const vouchers = { EXT: 'V-EXT', CODE: 'V-CODE', TPL: 'V-TPL' };
  assert.equal(centraVoucherFor({ externalId: 'EXT', promotionId: 'TPL', redemptionChannels: ecom('CODE') }, vouchers), 'V-EXT');
  assert.equal(centraVoucherFor({ externalId: null, promotionId: 'TPL', redemptionChannels: ecom('CODE') }, vouchers), 'V-CODE');
  assert.equal(centraVoucherFor({ promotionId: 'TPL', redemptionChannels: ecom('OTHER') }, vouchers), 'V-TPL');
  assert.equal(centraVoucherFor({ redemptionChannels: ecom('RAW-CODE') }, vouchers), 'RAW-CODE');
  assert.equal(centraVoucherFor({ redemptionChannels: [{ type: 'ECOM', valueType: 'PERCENT', value: 10 }] }, vouchers), null);
});

test('GET /api/promotions by email and by customerId (remembered contact, or the Centra snapshot); token; errors', async () => {
  const v = await startVoyadoEmulator();
  const app = Fastify();
  try {
    const config = dtcConfig(v.url, { syncContacts: 'all', promotions: { enabled: true, vouchers: { WINTER: 'CENTRA-WINTER' }, storefrontToken: 'shop-token' } });
    const contacts = memoryContactLinks();
    const anna = v.state.seedContact({ email: 'anna@example.com' });
    const bo = v.state.seedContact({ email: 'bo@example.com' });
    const winter = v.state.seedPromotion({ contactId: anna.id, externalId: 'WINTER', name: 'Winter', redemptionChannels: [{ type: 'ECOM', valueType: 'PERCENT', value: 15 }] });
    v.state.seedPromotion({ contactId: anna.id, name: 'In store only', redemptionChannels: [{ type: 'POS', valueType: 'PERCENT', value: 10 }] });
    v.state.seedPromotion({ contactId: anna.id, name: 'Used', redeemed: true, redeemedOn: new Date().toISOString() });
    v.state.seedPromotion({ contactId: anna.id, name: 'Expired', expiresOn: '2020-01-01T00:00:00Z' });
    const offer = v.state.seedPromotion({ contactId: bo.id, name: 'Offer', redemptionChannels: [{ type: 'ECOM', valueType: 'EXTERNALOFFER', value: 'BO-CODE' }] });
    await contacts.put({ plugin: 'engage', customerId: 1, email: 'anna@example.com', contactId: anna.id, contactType: 'Member' });
    // What the server hands the module: its plugins with their store, in config order.
    const plugins = config.stores.flatMap((store) => store.plugins.filter((p) => p.esp === 'voyado').map((p) => ({ store, settings: p as VoyadoSettings })));
    const limit = signInLimit();
    await app.register(
      promotionsRoute({ plugins, secret: (ref) => resolveSecret(ref), timeoutMs: 10_000, storage: { contacts }, customerEmail: async (id) => (id === 2 ? 'bo@example.com' : null), adminToken: 'admin', signIn: limit.signIn }),
    );
    const get = (q: string, token = 'shop-token') => app.inject({ method: 'GET', url: `/api/promotions?${q}`, headers: { authorization: `Bearer ${token}` } });

    const byEmail = await get('email=anna%40example.com');
    assert.equal(byEmail.statusCode, 200, byEmail.body);
    assert.equal(byEmail.json().contactId, anna.id);
    assert.deepEqual(byEmail.json().promotions, [
      { id: winter.id, promotionId: winter.promotionId, externalId: 'WINTER', type: 'Multichannel', name: 'Winter', heading: null, description: null, expiresOn: null, ecom: { valueType: 'PERCENT', value: 15 }, centraVoucher: 'CENTRA-WINTER' },
    ]);
    const byCustomer = await get('customerId=1');
    assert.deepEqual(byCustomer.json().promotions.map((p: any) => p.id), [winter.id]);
    const viaCentra = await get('customerId=2&store=2');
    assert.deepEqual(viaCentra.json().promotions.map((p: any) => [p.id, p.centraVoucher]), [[offer.id, 'BO-CODE']]);
    const unknown = await get('email=nobody%40example.com');
    assert.deepEqual(unknown.json(), { contactId: null, promotions: [] });

    assert.equal((await get('email=anna%40example.com', 'admin')).statusCode, 401, 'the storefront token is configured: the admin token is refused');
    assert.equal((await app.inject({ method: 'GET', url: '/api/promotions?email=anna%40example.com' })).statusCode, 401);
    assert.equal((await get('')).statusCode, 400);
    // The token is checked before anything about a store or a parameter is said.
    for (const q of ['email=anna%40example.com&store=9', 'store=x', 'customerId=12345678901234567890123', 'email=a&email=b']) {
      const r = await app.inject({ method: 'GET', url: `/api/promotions?${q}`, headers: { authorization: 'Bearer wrong' } });
      assert.equal(r.statusCode, 401, `${q} without the token → ${r.statusCode} ${r.body}`);
    }
    // Hostile parameters: a clear 400, never a 500 or a call to Engage with a rounded id.
    assert.equal((await get('email=a%40example.com&email=b%40example.com')).statusCode, 400, 'email given twice');
    assert.equal((await get('customerId=12345678901234567890123')).statusCode, 400, 'a 23-digit customer id');
    assert.equal((await get('customerId=1&customerId=2')).statusCode, 400, 'customerId given twice');
    assert.equal((await get('customerId=99')).statusCode, 404);
    assert.equal((await get('email=anna%40example.com&store=9')).statusCode, 404);
    assert.equal((await get('email=not-an-email')).statusCode, 400);
    // A remembered contactId that Engage no longer knows: looked up again by email.
    await contacts.put({ plugin: 'engage', customerId: 3, email: 'bo@example.com', contactId: '00000000-0000-4000-8000-000000000000', contactType: 'Member' });
    assert.equal((await get('customerId=3')).json().contactId, bo.id);
    // Two contacts with one email (409 MultipleMatches): the first, as the transport does (one contact client).
    const twin = v.state.seedContact({ email: 'twin@example.com' });
    v.state.seedContact({ email: 'twin@example.com' });
    assert.equal((await get('email=twin%40example.com')).json().contactId, twin.id);
  } finally {
    await app.close();
    await v.close();
  }
});

test('GET /api/promotions: an Engage error echoing the API key reaches the storefront without it', async () => {
  const { createServer } = await import('node:http');
  // "Engage" (or a proxy before it) quoting the key it was given, as it is, URL-encoded and in a header dump.
  const echo = createServer((req, res) => {
    const key = String(req.headers.apikey ?? '');
    req.resume();
    res.writeHead(req.url?.includes('promotions') ? 500 : 400, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ message: `apikey ${key} refused (${encodeURIComponent(key)})`, headers: req.headers }));
  });
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
  const app = Fastify();
  try {
    const url = `http://127.0.0.1:${(echo.address() as { port: number }).port}`;
    const config = dtcConfig(url, { syncContacts: 'all', promotions: { enabled: true, vouchers: {}, storefrontToken: 'shop-token' } });
    const plugins = config.stores.flatMap((store) => store.plugins.filter((p) => p.esp === 'voyado').map((p) => ({ store, settings: p as VoyadoSettings })));
    await app.register(promotionsRoute({ plugins, secret: (ref) => resolveSecret(ref), timeoutMs: 5_000, storage: { contacts: memoryContactLinks() }, customerEmail: async () => null, adminToken: 'admin', signIn: signInLimit().signIn }));
    const r = await app.inject({ method: 'GET', url: '/api/promotions?email=anna%40example.com', headers: { authorization: 'Bearer shop-token' } });
    assert.ok(r.statusCode >= 400 && r.statusCode < 600 && r.statusCode !== 500, `${r.statusCode} ${r.body}`);
    assert.match(r.body, /\[redacted\]/, r.body);
    assert.ok(!r.body.includes('voyado-test-key') && !r.body.includes(encodeURIComponent('voyado-test-key')), r.body);
  } finally {
    await app.close();
    await new Promise((r) => echo.close(r));
  }
});

test('GET /api/promotions shares the service sign-in limit: wrong storefront tokens block the address, the right token included; no token is no guess', async () => {
  const app = Fastify();
  try {
    const config = dtcConfig('http://127.0.0.1:9', { syncContacts: 'all', promotions: { enabled: true, vouchers: {}, storefrontToken: 'shop-token' } });
    const plugins = config.stores.flatMap((store) => store.plugins.filter((p) => p.esp === 'voyado').map((p) => ({ store, settings: p as VoyadoSettings })));
    const limit = signInLimit(3);
    await app.register(promotionsRoute({ plugins, secret: (ref) => resolveSecret(ref), timeoutMs: 1_000, storage: { contacts: memoryContactLinks() }, customerEmail: async () => null, adminToken: 'admin', signIn: limit.signIn }));
    const ask = (headers: Record<string, string>) => app.inject({ method: 'GET', url: '/api/promotions?email=a%40example.com', headers });
    for (let i = 0; i < 5; i++) assert.equal((await ask({})).statusCode, 401, 'without a token: refused, not counted');
    assert.deepEqual(limit.rejected, []);
    for (const t of ['guess-1', 'guess-2', 'guess-3']) assert.equal((await ask({ authorization: `Bearer ${t}` })).statusCode, 401);
    assert.deepEqual(limit.rejected, ['storefront:wrong_token', 'storefront:wrong_token', 'storefront:wrong_token']);
    const right = await ask({ authorization: 'Bearer shop-token' });
    assert.equal(right.statusCode, 429, right.body);
    assert.ok(Number(right.headers['retry-after']) >= 1, `Retry-After: ${right.headers['retry-after']}`);
    assert.equal(right.json().error, 'too_many_requests');
    assert.equal(limit.rejected.at(-1), 'storefront:rate_limited');
  } finally {
    await app.close();
  }
});
