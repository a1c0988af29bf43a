// The console's pure parts: every value a page shows is escaped (a stored row or an ESP's answer
// cannot become markup) and scrubbed of configured secrets; sessions expire and are bound to the
// token that made them; the lanes page reads the worker's stats defensively.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { registerSecret } from '../../src/delivery/redact.ts';
import type { DeliveryWithAttempts } from '../../src/delivery/outbox.ts';
import { html } from '../../src/server/console/html.ts';
import { laneViews } from '../../src/server/console/lanes.ts';
import { deliveryPage, feedPage, tracePage, type Viewer } from '../../src/server/console/pages.ts';
import { createSessions, SESSION_MS } from '../../src/server/console/session.ts';

const EVIL = `<img src=x onerror="alert(1)">'\`&`;
const viewer: Viewer = { role: 'operator', csrf: 'c"sr<f', replay: 'on' };

function row(over: Partial<DeliveryWithAttempts> = {}): DeliveryWithAttempts {
  return {
    id: `id-${EVIL}`, eventId: `ev-${EVIL}`, emailType: 'order', recipient: 'buyer', to: `${EVIL}@x.example`, plugin: EVIL, esp: 'klaviyo', lane: `klaviyo:${EVIL}`,
    request: { method: 'POST', url: `https://esp.example/?q=${EVIL}`, headers: { 'x-evil': EVIL }, body: { note: EVIL } },
    createdAt: 0, orderNumber: '1', object: EVIL, status: 'dead', attempts: 1, nextAttemptAt: 0, leaseOwner: null, leaseUntil: null, updatedAt: 0, deliveredAt: null,
    lastError: EVIL, lastStatus: 400,
    attemptLog: [{ deliveryId: 'x', attempt: 1, workerId: 'w', startedAt: 0, finishedAt: 1, outcome: 'permanent', status: 400, error: EVIL, durationMs: 1 }],
    ...over,
  };
}

test('html escapes every interpolated value; only templates nest as markup', () => {
  assert.equal(html`<p>${EVIL}</p>`.value, '<p>&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&#39;&#96;&amp;</p>');
  assert.equal(html`<p>${[html`<b>${'<i>'}</b>`, '<u>']}</p>`.value, '<p><b>&lt;i&gt;</b>&lt;u&gt;</p>');
  assert.equal(html`${null}${undefined}${false}${0}`.value, '0');
});

test('pages built from hostile rows contain no markup from them', () => {
  const pages = [
    deliveryPage(viewer, row()).value,
    deliveryPage(viewer, row({ status: 'delivered', deliveredAt: 5 })).value,
    feedPage(viewer, { filter: { email: EVIL, since: EVIL }, esps: ['klaviyo'], rows: [row()], total: 1, page: 1, pageSize: 50, problems: [EVIL], deadMatching: 1 }).value,
    tracePage(viewer, { email: EVIL }, {
      query: { email: EVIL }, deliveryCount: 1, truncated: false,
      events: [{ key: EVIL, source: EVIL, type: 'order', action: EVIL, objectId: EVIL, status: 'processed', receivedAt: 0, processedAt: 0, lastError: EVIL, note: EVIL,
        decisions: [{ emailType: 'order', recipient: 'sales_rep', decision: 'skipped', reason: EVIL }, { emailType: 'order', recipient: 'buyer', decision: 'sent', deliveryId: row().id, esp: 'klaviyo', plugin: EVIL }],
        deliveries: [row()] }],
    }).value,
  ];
  for (const p of pages) {
    assert.ok(!p.includes('<img'), 'no <img from the data');
    assert.ok(!p.includes('onerror="'), 'no attribute from the data');
    assert.ok(p.includes('&lt;img src=x onerror=&quot;alert(1)&quot;&gt;'), 'the value is shown, escaped');
    assert.ok(!/<script/i.test(p), 'no script at all');
    assert.ok(p.includes('value="c&quot;sr&lt;f"'), 'the CSRF token is escaped into its attribute');
  }
});

test('a configured secret that reached a row is scrubbed from the page', () => {
  registerSecret('sk-console-secret-123');
  const p = deliveryPage(viewer, row({ lastError: 'ESP said: bad key sk-console-secret-123', request: { method: 'POST', url: 'https://esp.example/', headers: { authorization: 'Bearer sk-console-secret-123' }, body: {} } })).value;
  assert.ok(!p.includes('sk-console-secret-123'));
  assert.match(p, /bad key \[redacted\]/);
});

test('sessions: bound to the token that made them, expiring, CSRF per session', () => {
  const now = 1_000_000;
  const s = createSessions({ admin: 'admin-token-1', operator: 'operator-token-1' });
  const op = s.issue('operator', now);
  assert.deepEqual(s.verify(op.value, now + 1)?.role, 'operator');
  assert.equal(s.verify(op.value, now + SESSION_MS), null, 'expired');
  assert.equal(createSessions({ admin: 'admin-token-1', operator: 'operator-token-2' }).verify(op.value, now + 1), null, 'a changed operator token ends its sessions');
  assert.equal(createSessions({ admin: 'admin-token-1', operator: null }).verify(op.value, now + 1), null, 'no operator token: no operator session');
  assert.ok(createSessions({ admin: 'admin-token-1', operator: null }).verify(s.issue('admin', now).value, now + 1), 'admin sessions stay');
  const other = s.issue('operator', now);
  assert.ok(s.csrfValid(op.session, s.csrfOf(op.session)));
  assert.ok(!s.csrfValid(op.session, s.csrfOf(other.session)));
  assert.ok(!s.csrfValid(op.session, undefined));
});

test('lanes: paused, a breaker however the worker reports it, failing from retries, idle without stats; limits from the config', () => {
  const lanes = ['a', 'b', 'c', 'd', 'e'].map((p) => ({ lane: `klaviyo:${p}`, esp: 'klaviyo', plugin: p }));
  const stat = (p: string, extra: object = {}) => ({ lane: `klaviyo:${p}`, esp: 'klaviyo', inFlight: 1, pausedUntil: null, sent: 3, ...extra });
  const views = laneViews({
    lanes,
    stats: [stat('a', { pausedUntil: 2_000 }), stat('b', { breaker: { state: 'open', until: 9 } }), stat('c', { breaker: 'closed' }), stat('d', { breaker: 42 }), stat('e', { circuitState: 'half-open' })] as never,
    counts: [{ status: 'retry_scheduled', esp: 'klaviyo', count: 2 }, { status: 'dead', esp: 'klaviyo', count: 1 }],
    limits: { lanes: { 'klaviyo:a': { rates: [{ limit: 10, intervalMs: 1000 }], concurrency: 2 } } },
    now: 1_000,
  });
  assert.deepEqual(views.map((v) => v.state), ['paused', 'breaker open', 'failing', 'failing', 'breaker open']);
  assert.deepEqual([views[0]!.rates, views[0]!.concurrency, views[4]!.detail], [['10 per second'], 2, 'circuit breaker half-open']);
  assert.deepEqual(views[2]!.espCounts, { pending: 0, retrying: 2, inFlight: 0, dead: 1 });
  const idle = laneViews({ lanes: [lanes[0]!], stats: [], counts: [], espLimits: { klaviyo: { rates: [{ limit: 75, intervalMs: 60_000 }] } }, now: 0 })[0]!;
  assert.deepEqual([idle.state, idle.sent, idle.rates], ['idle', null, ['75 per minute']], "no stats: idle; the ESP's own limits");
});

test('the feed says where a page is: first–last of total, and a way back from a page past the end', () => {
  const page = (n: number, rows: number, total: number) => feedPage(viewer, { filter: { order: '7' }, esps: [], rows: Array.from({ length: rows }, () => row()), total, page: n, pageSize: 50 }).value;
  assert.match(page(1, 50, 120), /<strong>1–50 of 120<\/strong> deliveries · page 1 of 3/);
  assert.match(page(3, 20, 120), /<strong>101–120 of 120<\/strong>/);
  assert.match(page(3, 20, 120), /href="\/console\/deliveries\?order=7&amp;page=2">← newer/);
  assert.match(page(9, 0, 120), /<strong>0–0 of 120<\/strong>[\s\S]*page=1">← first page/);
  assert.match(page(1, 0, 0), /<strong>0–0 of 0<\/strong>[\s\S]*No delivery matches/);
});
