// Failed sign-ins per client address (server.signInLimit, docs/console.md "Signing in"): the limiter
// itself on a manual clock (addresses, the window, the table's bound), then over real HTTP from
// several loopback source addresses (127.0.0.x): five wrong bearer tokens, then 429 with Retry-After
// even for the right token from that address, in the API and the console's sign-in form alike; the
// other addresses unaffected; a log line without the token; the metrics counter.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { parseConfig } from '../../src/config/load.ts';
import { ManualClock } from '../../src/delivery/clock.ts';
import { addressKey, createSignInLimiter } from '../../src/server/sign-in-limit.ts';
import { ADMIN, OPERATOR, startHarness, type Harness } from './helpers.ts';

test('the limiter: five failures block the address for the rest of the window; others are not affected', () => {
  const clock = new ManualClock(1_000_000);
  const limiter = createSignInLimiter({ maxFailures: 5, windowSec: 60, maxAddresses: 100 }, clock);
  for (let i = 1; i <= 4; i++) {
    assert.deepEqual(limiter.failed('10.0.0.1'), { blocked: false, retryAfterSec: 0 }, `failure ${i}`);
    clock.advance(1_000);
  }
  assert.equal(limiter.retryAfterSec('10.0.0.1'), 0, 'four failures: may still try');
  // The fifth at t0 + 4 s: blocked until the first is 60 s old, 56 s from now.
  assert.deepEqual(limiter.failed('10.0.0.1'), { blocked: true, retryAfterSec: 56 });
  assert.equal(limiter.retryAfterSec('10.0.0.1'), 56);
  assert.equal(limiter.retryAfterSec('10.0.0.2'), 0, 'another address is not blocked');
  assert.deepEqual(limiter.failed('10.0.0.2'), { blocked: false, retryAfterSec: 0 });

  clock.advance(55_500);
  assert.equal(limiter.retryAfterSec('10.0.0.1'), 1, 'rounded up: never tells a client to come back too early');
  clock.advance(500);
  assert.equal(limiter.retryAfterSec('10.0.0.1'), 0, 'the oldest failure left the window');
  // A sliding window: the four later failures still count, so one more blocks again at once.
  assert.deepEqual(limiter.failed('10.0.0.1'), { blocked: true, retryAfterSec: 1 });
  clock.advance(120_000);
  assert.deepEqual(limiter.failed('10.0.0.1'), { blocked: false, retryAfterSec: 0 }, 'after a quiet window the count starts again');
});

test('the limiter: the table never holds more than maxAddresses; stale addresses are dropped; 0 turns it off', () => {
  const clock = new ManualClock(0);
  const limiter = createSignInLimiter({ maxFailures: 2, windowSec: 10, maxAddresses: 3 }, clock);
  limiter.failed('a');
  limiter.failed('a');
  assert.ok(limiter.retryAfterSec('a') > 0);
  for (let i = 0; i < 1_000; i++) limiter.failed(`attacker-${i}`);
  assert.equal(limiter.size, 3, 'a thousand addresses, three kept');
  assert.equal(limiter.retryAfterSec('a'), 0, 'the address that failed longest ago was forgotten first');
  assert.equal(limiter.retryAfterSec('attacker-999'), 0, 'one failure of two');
  limiter.failed('attacker-999');
  assert.ok(limiter.retryAfterSec('attacker-999') > 0, 'the newest are kept');
  clock.advance(11_000);
  limiter.failed('late');
  assert.equal(limiter.size, 1, 'addresses whose latest failure left the window are dropped');

  const off = createSignInLimiter({ maxFailures: 0, windowSec: 60, maxAddresses: 10 }, clock);
  assert.equal(off.enabled, false);
  for (let i = 0; i < 50; i++) assert.deepEqual(off.failed('a'), { blocked: false, retryAfterSec: 0 });
  assert.equal(off.retryAfterSec('a'), 0);
  assert.equal(off.size, 0, 'off: nothing is remembered');
});

test('addresses: IPv6 counted by its /64, IPv4-mapped IPv6 as the IPv4 address', () => {
  assert.equal(addressKey('203.0.113.9'), '203.0.113.9');
  assert.equal(addressKey('::ffff:203.0.113.9'), '203.0.113.9');
  assert.equal(addressKey('2001:db8:1:2:aaaa::1'), '2001:db8:1:2::/64');
  assert.equal(addressKey('2001:0db8:0001:0002:ffff:ffff:ffff:ffff'), '2001:db8:1:2::/64');
  assert.equal(addressKey('2001:db8::5'), '2001:db8:0:0::/64');
  assert.equal(addressKey('::1'), '0:0:0:0::/64');
  assert.notEqual(addressKey('2001:db8:1:2::1'), addressKey('2001:db8:1:3::1'));
});

test('config: server.signInLimit defaults to 5 a minute; 0 turns it off; unknown keys are refused', () => {
  const base = { stores: [{ id: 1, name: 'S', kind: 'wholesale', plugins: [{ name: 'k', esp: 'klaviyo', apiKey: 'x' }] }], smtp: { host: '127.0.0.1' } };
  assert.deepEqual(parseConfig({ ...base, server: {} }).server?.signInLimit, { maxFailures: 5, windowSec: 60, maxAddresses: 10_000 });
  assert.equal(parseConfig({ ...base, server: { signInLimit: { maxFailures: 0 } } }).server?.signInLimit.maxFailures, 0);
  assert.throws(() => parseConfig({ ...base, server: { signInLimit: { max: 3 } } }), /signInLimit/);
});

// --- Over HTTP, from chosen loopback source addresses.

let h: Harness;
before(async () => {
  h = await startHarness({ orders: 1, server: { signInLimit: { maxFailures: 5, windowSec: 60 } } });
});
after(async () => {
  await h?.close();
});

/** One request from `localAddress` (Linux routes all of 127/8 to the loopback). */
function from(localAddress: string, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> {
  const url = new URL(h.service.url);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, path, method, headers, localAddress, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const signInForm = (address: string, token: string) => from(address, 'POST', '/console/login', { 'content-type': 'application/x-www-form-urlencoded' }, new URLSearchParams({ token, next: '/console/deliveries' }).toString());
const metric = async (via: string, reason: string) => Number(new RegExp(`^esp_bridge_sign_in_rejections_total\\{via="${via}",reason="${reason}"\\} (\\d+)$`, 'm').exec((await from('127.0.0.1', 'GET', '/metrics')).text)?.[1] ?? NaN);

test('API: five wrong bearer tokens, then 429 with Retry-After even for the right token; other addresses unaffected', async () => {
  const guesses = ['guess-aaaa-1', 'guess-aaaa-2', 'guess-aaaa-3', 'guess-aaaa-4', 'guess-aaaa-5'];
  const wrongBefore = await metric('api', 'wrong_token');
  for (const g of guesses) assert.equal((await from('127.0.0.11', 'GET', '/api/deliveries', bearer(g))).status, 401, g);
  assert.equal(await metric('api', 'wrong_token'), wrongBefore + 5, 'each wrong token counted');

  const right = await from('127.0.0.11', 'GET', '/api/deliveries', bearer(ADMIN));
  assert.equal(right.status, 429, 'the right token from a blocked address is refused too: else a guesser would learn a right guess');
  const retryAfter = Number(right.headers['retry-after']);
  assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60, `Retry-After in seconds: ${right.headers['retry-after']}`);
  assert.match(JSON.parse(right.text).error, /too many wrong tokens from this address; try again in \d+ s/);
  assert.equal((await from('127.0.0.11', 'POST', '/api/deliveries/replay', { ...bearer(OPERATOR), 'content-type': 'application/json' }, '{}')).status, 429, 'the operator token too');
  assert.ok((await metric('api', 'rate_limited')) >= 2);

  // The console's sign-in form shares the table: the same address is refused there as well.
  const form = await signInForm('127.0.0.11', ADMIN);
  assert.equal(form.status, 429);
  assert.ok(Number(form.headers['retry-after']) >= 1);
  assert.match(form.text, /Too many wrong tokens from your address: try again in \d+ s\./);
  assert.equal(form.headers['set-cookie'], undefined, 'no session');

  // Another address: the right token works, in the API and the console.
  assert.equal((await from('127.0.0.12', 'GET', '/api/deliveries', bearer(ADMIN))).status, 200);
  assert.equal((await signInForm('127.0.0.12', OPERATOR)).status, 303);

  assert.ok(h.logs.lines.some((l) => l.msg === 'sign-in attempts blocked for an address: too many failed attempts within the window' && l.ip === '127.0.0.11' && l.via === 'api'));
  const refused = h.logs.lines.find((l) => l.msg === 'sign-in attempt refused: too many failed attempts from this address' && l.ip === '127.0.0.11');
  assert.ok(refused && refused.retryAfterSec >= 1, 'the refusal is logged with the address and the wait');
  const logged = JSON.stringify(h.logs.lines);
  for (const g of guesses) assert.ok(!logged.includes(g), `the attempted token ${g} is never logged`);
});

test('console: five wrong sign-ins block the form (and the API) for that address; successful requests are not counted', async () => {
  // Many good requests from one address never block it, nor do four wrong ones among them.
  for (let i = 0; i < 20; i++) assert.equal((await from('127.0.0.21', 'GET', '/api/inbox', bearer(ADMIN))).status, 200);
  for (let i = 0; i < 4; i++) assert.equal((await signInForm('127.0.0.21', `wrong-${i}`)).status, 401);
  assert.equal((await signInForm('127.0.0.21', ADMIN)).status, 303, 'four wrong: the right token still signs in');
  assert.equal((await from('127.0.0.21', 'GET', '/api/inbox', bearer(ADMIN))).status, 200);

  const wrongBefore = await metric('console', 'wrong_token');
  assert.equal((await signInForm('127.0.0.21', 'wrong-4')).status, 401, 'the fifth wrong one is still answered 401');
  assert.equal(await metric('console', 'wrong_token'), wrongBefore + 1);
  const limitedBefore = await metric('console', 'rate_limited');
  const blocked = await signInForm('127.0.0.21', ADMIN);
  assert.equal(blocked.status, 429);
  assert.ok(Number(blocked.headers['retry-after']) >= 1);
  assert.equal(await metric('console', 'rate_limited'), limitedBefore + 1);
  assert.equal((await from('127.0.0.21', 'GET', '/api/inbox', bearer(ADMIN))).status, 429, 'one table for both doors');
  assert.equal((await signInForm('127.0.0.22', ADMIN)).status, 303, 'another address signs in');
  // Pages other than sign-in are not behind the limiter: a request without a token there guesses nothing.
  assert.equal((await from('127.0.0.21', 'GET', '/healthz')).status, 200);
});

test('behind a proxy (server.trustProxy): clients are told apart by X-Forwarded-For; without it the header is ignored', async () => {
  const proxied = await startHarness({ orders: 1, server: { signInLimit: { maxFailures: 2, windowSec: 60 }, trustProxy: ['127.0.0.31'] } });
  try {
    const via = (forwardedFor: string, token: string, proxy = '127.0.0.31') => {
      const url = new URL(proxied.service.url);
      return new Promise<number>((resolve, reject) => {
        const req = http.request({ host: url.hostname, port: url.port, path: '/api/deliveries', headers: { ...bearer(token), 'x-forwarded-for': forwardedFor }, localAddress: proxy, agent: false }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode!));
        });
        req.on('error', reject);
        req.end();
      });
    };
    // Two wrong tokens from one client behind the trusted proxy block that client only.
    assert.equal(await via('203.0.113.7', 'wrong-1'), 401);
    assert.equal(await via('203.0.113.7', 'wrong-2'), 401);
    assert.equal(await via('203.0.113.7', ADMIN), 429);
    assert.equal(await via('203.0.113.8', ADMIN), 200, 'another client of the same proxy is not locked out');
    // An untrusted sender cannot pick its address with the header: its failures count against its own.
    assert.equal(await via('198.51.100.1', 'wrong-3', '127.0.0.32'), 401);
    assert.equal(await via('198.51.100.2', 'wrong-4', '127.0.0.32'), 401);
    assert.equal(await via('198.51.100.3', ADMIN, '127.0.0.32'), 429, 'X-Forwarded-For of an untrusted peer is ignored');
    assert.ok(proxied.logs.lines.some((l) => l.msg === 'sign-in attempts blocked for an address: too many failed attempts within the window' && l.ip === '203.0.113.7'));
  } finally {
    await proxied.close();
  }
});
