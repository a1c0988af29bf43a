// The web console in real Chromium against the whole service (Centra, Klaviyo, Rule and SMTP
// emulators): sign in, the activity feed, search an order, its trace, a dead letter (Klaviyo
// answered 400), replay it with the operator token and see it delivered; a delivered row asks for
// confirmation; bulk replay counts first; the lanes. A screenshot of each page under
// test-output/console/ (printed), looked at by a person when the pages change.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { readEventFile } from '../../src/centra/parse-event.ts';
import { ROOT } from '../helpers/golden.ts';
import { ADMIN, OPERATOR, api, startHarness, waitFor, type Harness } from '../server/helpers.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const OUT = path.join(ROOT, 'test-output', 'console');
const GOOD_ORDER = 70100;
const DEAD_ORDER = 70101;
const NO_REP_ORDER = 70102;

let h: Harness;
let browser: Browser;
let page: Page;

/** examples/order.json as another order (store 1 → the Klaviyo emulator; buyer and sales-rep copies). */
async function postOrder(number: number, opts: { noSalesRep?: boolean } = {}) {
  const event = readEventFile(path.join(ROOT, 'examples/order.json')) as any;
  event.id = number;
  event.object.number = number;
  if (opts.noSalesRep) delete event.object.account.salesRepresentative;
  const res = await api(h, 'POST', '/api/events', event);
  assert.equal(res.status, 202, res.text);
  return res.json.deliveries.map((d: { id: string }) => d.id) as string[];
}

const klaviyoRows = async (order: number, status?: 'dead' | 'delivered') =>
  (await h.service.bridge.outbox.listDeliveries({ order: String(order), esp: 'klaviyo', status })).map((d) => d.id);

async function shot(name: string) {
  const file = path.join(OUT, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  assert.ok(statSync(file).size > 5000, `${name}.png written`);
  process.stdout.write(`# screenshot: ${file}\n`);
}

async function signIn(token: string) {
  await page.fill('input[name=token]', token);
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
}

before(async () => {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y chromium fonts-dejavu-core (the console test does not skip)`);
  mkdirSync(OUT, { recursive: true });
  process.stdout.write(`# console screenshots in ${OUT}\n`);
  h = await startHarness({ orders: 3 });
  await postOrder(GOOD_ORDER);
  await waitFor(async () => (await klaviyoRows(GOOD_ORDER, 'delivered')).length === 2, 'the good order delivered');
  // Klaviyo refuses everything (400: permanent) → the next order's Klaviyo deliveries are dead letters.
  h.klaviyo.state.faults.set({ mode: '5xx', status: 400, durationMs: 60_000 });
  await postOrder(DEAD_ORDER);
  await waitFor(async () => (await klaviyoRows(DEAD_ORDER, 'dead')).length === 2, 'the second order dead-lettered');
  h.klaviyo.state.faults.clear();
  await postOrder(NO_REP_ORDER, { noSalesRep: true });
  await waitFor(async () => (await klaviyoRows(NO_REP_ORDER, 'delivered')).length === 1, "the third order's buyer copy delivered");
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
});
after(async () => {
  await browser?.close();
  await h?.close();
});

test('sign in with the admin token: the feed, an order searched and traced, a dead letter (no replay for the admin)', async () => {
  await page.goto(`${h.service.url}/console`);
  assert.match(page.url(), /\/console\/login\?next=/, 'without a session the console asks to sign in');
  await shot('01-login');
  await page.fill('input[name=token]', 'not-the-token');
  await page.click('button[type=submit]');
  assert.match(await page.innerText('[role=alert]'), /neither the admin token nor the operator token/);

  await signIn(ADMIN);
  assert.match(page.url(), /\/console\/deliveries$/);
  const cookie = (await page.context().cookies()).find((c) => c.name === 'esp_console');
  assert.ok(cookie && cookie.httpOnly && cookie.sameSite === 'Strict', 'an HttpOnly SameSite=Strict session cookie');
  assert.ok(!cookie.value.includes(ADMIN), 'the token itself is not in the cookie');
  const total = await h.service.bridge.outbox.countDeliveries({});
  assert.match(await page.innerText('p.count'), new RegExp(`1–${Math.min(total, 50)} of ${total}`));
  assert.ok((await page.locator('table.rows tbody tr').count()) === Math.min(total, 50));
  await shot('02-feed');

  // A recipient's address in the feed opens the trace of everything sent to it.
  const address = await page.locator('table.rows tbody tr td:nth-child(4) a').first().innerText();
  await Promise.all([page.waitForNavigation(), page.locator('table.rows tbody tr td:nth-child(4) a').first().click()]);
  assert.match(page.url(), /\/console\/trace\?email=/);
  assert.match(await page.innerText('h1'), new RegExp(`Trace of ${address.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  assert.ok((await page.locator('ul.decisions li.sent').count()) >= 1);
  await shot('02b-trace-by-email');
  await page.goto(`${h.service.url}/console/deliveries`);

  // Filters: the dead letters of Klaviyo.
  await page.selectOption('select[name=status]', 'dead');
  await page.selectOption('select[name=esp]', 'klaviyo');
  await Promise.all([page.waitForNavigation(), page.click('form.filters button[type=submit]')]);
  assert.match(await page.innerText('p.count'), /1–2 of 2/);
  assert.match(await page.innerText('p.count'), /sign in with the operator token to replay them/);
  await shot('03-feed-dead');

  // Search an order from the navigation bar: its trace.
  await page.fill('nav input[name=q]', String(DEAD_ORDER));
  await Promise.all([page.waitForNavigation(), page.click('nav button[type=submit]')]);
  assert.match(page.url(), new RegExp(`/console/trace\\?order=${DEAD_ORDER}$`));
  const trace = await page.innerText('main');
  assert.match(trace, new RegExp(`Trace of order ${DEAD_ORDER}`));
  assert.match(trace, /order \S+ create/);
  assert.equal(await page.locator('ul.decisions .badge.s-dead').count(), 2, 'both Klaviyo copies shown dead');
  assert.match(trace, /HTTP 400/, "the ESP's answer is shown with the attempt");
  await shot('04-trace');

  // Why was the sales-rep copy of the third order not sent? Its trace says, with the stored reason.
  await page.fill('nav input[name=q]', String(NO_REP_ORDER));
  await Promise.all([page.waitForNavigation(), page.click('nav button[type=submit]')]);
  const skipped = await page.innerText('ul.decisions li.skipped');
  assert.match(skipped, /order → sales_rep: skipped — the account has no sales representative/);
  assert.equal(await page.locator('ul.decisions li.sent .badge.s-delivered').count(), 1, "the buyer's copy delivered");
  await shot('04b-trace-skipped-sales-rep');
  await page.goBack();

  // Open a dead letter.
  await Promise.all([page.waitForNavigation(), page.locator('ul.decisions a:has(.badge.s-dead)').first().click()]);
  assert.match(page.url(), /\/console\/deliveries\/[^/?]+$/);
  const body = await page.innerText('main');
  assert.match(body, /dead/);
  assert.match(body, /To replay, sign in with the operator token/);
  assert.match(body, /\[redacted\]/, 'the stored request shows its secrets redacted');
  assert.ok(!body.includes('klaviyo-test-key'), 'the API key is not shown');
  assert.equal(await page.locator('form[action$="/replay"]').count(), 0, 'no replay form for the admin');
  await shot('05-dead-letter');

  // A replay posted by hand with the admin's session is refused.
  // (The page itself cannot even try: its CSP allows no script and no fetch.) Sent with the session's cookie:
  const form = await page.locator('form[action="/console/logout"] input[name=csrf]').getAttribute('value');
  const refused = await page.request.post(`${page.url()}/replay`, { form: { csrf: form! }, maxRedirects: 0 });
  assert.equal(refused.status(), 403);
  assert.match(await refused.text(), /replay needs the operator token/);
});

test('the operator replays the dead letter and sees it delivered; a delivered row asks for confirmation', async () => {
  const deadUrl = page.url();
  const id = decodeURIComponent(new URL(deadUrl).pathname.split('/').pop()!);
  await Promise.all([page.waitForNavigation(), page.click('nav form[action="/console/logout"] button')]);
  assert.match(page.url(), /\/console\/login$/);
  await page.goto(deadUrl);
  assert.match(page.url(), /\/console\/login\?next=/);
  await signIn(OPERATOR);
  assert.equal(page.url(), deadUrl, 'back on the delivery after signing in');
  assert.match(await page.innerText('nav'), /signed in with the operator token/);

  await Promise.all([page.waitForNavigation(), page.click('form[action$="/replay"] button')]);
  assert.match(await page.innerText('[role=status]'), /Queued again|Replayed: now delivered/);
  // The page refreshes itself while the delivery is on its way.
  await waitFor(async () => {
    try {
      return (await page.locator('dd .badge.s-delivered').count()) === 1;
    } catch {
      return false; // between two loads
    }
  }, 'the replayed delivery shown delivered');
  await page.waitForLoadState('load');
  assert.equal((await h.service.bridge.outbox.getDelivery(id))?.status, 'delivered');
  const attempts = page.locator('table.attempts tbody tr');
  assert.equal(await attempts.count(), 2, 'the refused attempt and the replayed one');
  assert.match(await attempts.nth(0).innerText(), /permanent.*400/s);
  assert.match(await attempts.nth(1).innerText(), /delivered/);
  await shot('06-replayed-delivered');

  // Replaying a delivered row: a warning and an explicit confirmation; cancelling sends nothing.
  const sent = h.klaviyo.state.events.length;
  await Promise.all([page.waitForNavigation(), page.click('form[action$="/replay"] button')]);
  const warning = await page.innerText('[role=alert]');
  assert.match(warning, /already delivered/);
  assert.match(warning, /a second time/);
  await shot('07-confirm-delivered-replay');
  await Promise.all([page.waitForNavigation(), page.click('text=Cancel')]);
  assert.equal((await h.service.bridge.outbox.getDelivery(id))?.status, 'delivered');
  assert.equal(h.klaviyo.state.events.length, sent, 'nothing sent again without confirming');
});

test('bulk replay by filter: the count first, then the confirmed replay; the lanes', async () => {
  const rest = await klaviyoRows(DEAD_ORDER, 'dead');
  assert.equal(rest.length, 1, 'the other copy of the order is still dead');
  await page.goto(`${h.service.url}/console/deliveries?order=${DEAD_ORDER}&status=dead`);
  await Promise.all([page.waitForNavigation(), page.click('a.button:has-text("Replay 1 dead letter")')]);
  assert.match(await page.innerText('main'), /1 dead letter\(s\) match/);
  assert.match(await page.innerText('main'), new RegExp(`order=${DEAD_ORDER}`));
  await shot('08-bulk-replay-count');
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Replay 1 dead letter")')]);
  assert.match(await page.innerText('[role=status]'), /1 dead letter\(s\) queued again/);
  await waitFor(async () => (await klaviyoRows(DEAD_ORDER, 'delivered')).length === 2, 'both copies delivered');
  await page.goto(`${h.service.url}/console/deliveries?order=${DEAD_ORDER}`);
  assert.equal(await page.locator('table.rows .badge.s-delivered').count(), (await h.service.bridge.outbox.countDeliveries({ order: String(DEAD_ORDER), status: 'delivered' })));
  assert.equal(await page.locator('table.rows .badge.s-dead').count(), 0);
  await shot('09-feed-after-bulk');

  await page.goto(`${h.service.url}/console/lanes`);
  const lanes = await page.innerText('table.lanes');
  assert.match(lanes, /klaviyo \/ klaviyo/);
  assert.match(lanes, /klaviyo \/ klaviyo\s+ok/);
  await shot('10-lanes');
});
