// The console's doors, over plain HTTP: every page asks for a session; sign-in sets an HttpOnly
// SameSite=Strict cookie that does not hold the token; a forged or foreign cookie is no session;
// POSTs need the session's CSRF token and a same-origin Origin; sign-in never redirects off the
// console; pages carry a CSP that allows no script; with no operator token, replay is off.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN, OPERATOR, startHarness, type Harness } from './helpers.ts';

let h: Harness;
before(async () => {
  h = await startHarness({ orders: 1 });
});
after(async () => {
  await h?.close();
});

async function get(hh: Harness, path: string, cookie?: string) {
  const res = await fetch(`${hh.service.url}${path}`, { redirect: 'manual', headers: cookie ? { cookie } : {} });
  return { status: res.status, location: res.headers.get('location'), headers: res.headers, text: await res.text() };
}
async function post(hh: Harness, path: string, form: Record<string, string>, headers: Record<string, string> = {}) {
  const res = await fetch(`${hh.service.url}${path}`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(form).toString() });
  return { status: res.status, location: res.headers.get('location'), setCookie: res.headers.get('set-cookie'), text: await res.text() };
}
async function signIn(hh: Harness, token: string): Promise<{ cookie: string; csrf: string }> {
  const r = await post(hh, '/console/login', { token, next: '/console/deliveries' });
  assert.equal(r.status, 303, r.text);
  const cookie = r.setCookie!.split(';')[0]!;
  const page = await get(hh, '/console/deliveries', cookie);
  const csrf = /name="csrf" value="([^"]+)"/.exec(page.text)![1]!;
  return { cookie, csrf };
}

test('no session: pages redirect to sign-in, POSTs are 401; the stylesheet is public; the CSP allows no script', async () => {
  for (const path of ['/console', '/console/deliveries?order=1', '/console/trace?order=1', '/console/lanes', '/console/deliveries/x', '/console/nope']) {
    const r = await get(h, path);
    assert.equal(r.status, 303, path);
    assert.match(r.location!, /^\/console\/login\?next=%2Fconsole/, path);
  }
  assert.equal((await post(h, '/console/deliveries/x/replay', {})).status, 401);
  assert.equal((await post(h, '/console/replay', { expect: '1' })).status, 401);
  const css = await get(h, '/console/assets/console.css');
  assert.equal(css.status, 200);
  assert.match(css.headers.get('content-type')!, /text\/css/);
  const login = await get(h, '/console/login');
  assert.match(login.headers.get('content-security-policy')!, /default-src 'none'.*form-action 'self'.*frame-ancestors 'none'/);
  assert.doesNotMatch(login.headers.get('content-security-policy')!, /script-src/);
  assert.equal(login.headers.get('x-frame-options'), 'DENY');
  assert.equal(login.headers.get('cache-control'), 'no-store');
});

test('sign-in: a wrong token is refused; the cookie is HttpOnly, SameSite=Strict, scoped to /console and holds no token; next stays on the console', async () => {
  const wrong = await post(h, '/console/login', { token: `${ADMIN}x` });
  assert.equal(wrong.status, 401);
  assert.equal(wrong.setCookie, null);
  assert.ok(h.logs.has(/console sign-in refused/));

  const r = await post(h, '/console/login', { token: ADMIN, next: '/console/trace?order=5' });
  assert.equal(r.status, 303);
  assert.equal(r.location, '/console/trace?order=5');
  assert.match(r.setCookie!, /^esp_console=admin\.\d+\.[\w-]{24}\.[\w-]{43}; Path=\/console; HttpOnly; SameSite=Strict; Max-Age=28800$/);
  assert.ok(!r.setCookie!.includes(ADMIN));
  for (const next of ['//evil.example/x', 'https://evil.example/', '/console/../api/deliveries', '/console/%2e%2e/api', '/elsewhere', '/console//evil.example']) {
    assert.equal((await post(h, '/console/login', { token: ADMIN, next })).location, '/console/deliveries', next);
  }
  const https = await post(h, '/console/login', { token: ADMIN }, { 'x-forwarded-proto': 'https' });
  assert.match(https.setCookie!, /; Secure$/, 'Secure behind an HTTPS proxy');
});

test('a forged or tampered cookie is no session; an admin cookie cannot be turned into an operator one', async () => {
  const { cookie } = await signIn(h, ADMIN);
  assert.equal((await get(h, '/console/lanes', cookie)).status, 200);
  const [, value] = cookie.split('=');
  const [role, exp, nonce, mac] = value!.split('.');
  const variants = [
    `operator.${exp}.${nonce}.${mac}`,
    `${role}.${Number(exp) + 1_000_000}.${nonce}.${mac}`,
    `${role}.${exp}.${nonce}.${mac!.slice(0, -1)}${mac!.endsWith('A') ? 'B' : 'A'}`,
    `${role}.${exp}.${nonce}`,
    'admin',
  ];
  for (const v of variants) assert.equal((await get(h, '/console/lanes', `esp_console=${v}`)).status, 303, v);
});

test('POSTs: the CSRF token of the session and a same-origin Origin are required', async () => {
  const { cookie, csrf } = await signIn(h, OPERATOR);
  const other = await signIn(h, OPERATOR);
  const noToken = await fetch(`${h.service.url}/console/replay`, { method: 'POST', redirect: 'manual', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: 'expect=0' });
  assert.equal(noToken.status, 403);
  assert.match(await noToken.text(), /CSRF token missing or wrong/);
  const foreign = await fetch(`${h.service.url}/console/replay`, { method: 'POST', redirect: 'manual', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: `expect=0&csrf=${other.csrf}` });
  assert.equal(foreign.status, 403, "another session's token does not do");
  const crossSite = await fetch(`${h.service.url}/console/replay`, { method: 'POST', redirect: 'manual', headers: { cookie, origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' }, body: `expect=0&csrf=${csrf}` });
  assert.equal(crossSite.status, 403);
  assert.match(await crossSite.text(), /Origin does not match/);
  const sameOrigin = await fetch(`${h.service.url}/console/replay`, { method: 'POST', redirect: 'manual', headers: { cookie, origin: h.service.url, 'content-type': 'application/x-www-form-urlencoded' }, body: `expect=0&csrf=${csrf}` });
  assert.equal(sameOrigin.status, 303, 'a confirmed count of 0 with nothing dead: done');
  // Behind a proxy that rewrites Host: the browser's origin is the proxy's, named in X-Forwarded-Host.
  const viaProxy = (origin: string) =>
    fetch(`${h.service.url}/console/replay`, { method: 'POST', redirect: 'manual', headers: { cookie, origin, 'x-forwarded-host': 'bridge.example', 'content-type': 'application/x-www-form-urlencoded' }, body: `expect=0&csrf=${csrf}` });
  assert.equal((await viaProxy('https://bridge.example')).status, 303);
  assert.equal((await viaProxy('https://bridge.example.evil.example')).status, 403);
  assert.equal((await viaProxy('null')).status, 403, 'an opaque origin is not the console');
  const logout = await fetch(`${h.service.url}/console/logout`, { method: 'POST', redirect: 'manual', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: `csrf=${csrf}` });
  assert.equal(logout.status, 303);
  assert.match(logout.headers.get('set-cookie')!, /^esp_console=; .*Max-Age=0/);
});

test('the search box: an order number or an email goes to its trace, anything else is explained', async () => {
  const { cookie } = await signIn(h, ADMIN);
  assert.equal((await get(h, '/console/trace?q=10002', cookie)).location, '/console/trace?order=10002');
  assert.equal((await get(h, '/console/trace?q=a%40b.example', cookie)).location, '/console/trace?email=a%40b.example');
  const bad = await get(h, '/console/trace?q=%3Cscript%3E', cookie);
  assert.equal(bad.status, 400);
  assert.match(bad.text, /&quot;&lt;script&gt;&quot; is neither an order number nor an email address/);
  const badFilter = await get(h, '/console/deliveries?since=yesterday&order=%3Cb%3E', cookie);
  assert.equal(badFilter.status, 400);
  assert.match(badFilter.text, /not a time/);
  assert.ok(!badFilter.text.includes('<b>'), 'the bad value is escaped where it is shown again');
});

test('no operator token configured: the operator cannot sign in and the console says replay is off', async () => {
  const off = await startHarness({ orders: 1, server: { operatorToken: undefined } });
  try {
    assert.equal((await post(off, '/console/login', { token: OPERATOR })).status, 401);
    const { cookie, csrf } = await signIn(off, ADMIN);
    const r = await fetch(`${off.service.url}/console/deliveries/x/replay`, { method: 'POST', redirect: 'manual', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: `csrf=${csrf}` });
    assert.equal(r.status, 403);
    assert.match(await r.text(), /replay is off: no server.operatorToken is configured/);
    assert.equal((await get(off, '/console/replay', cookie)).status, 403);
  } finally {
    await off.close();
  }
});
