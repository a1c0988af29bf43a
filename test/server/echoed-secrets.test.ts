// A vendor (or a proxy in front of it) that echoes our credential back in its error: the secret's
// VALUE is scrubbed from everything stored, served and logged, whatever shape the echo takes (no
// "Bearer" before it, URL-encoded, inside JSON). Checked byte for byte in the SQLite file.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { readFileSync, existsSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { encodeWebhookBody, signWebhook } from '../../src/centra/webhook.ts';
import { api, SECRET, startHarness, waitFor, type Harness } from './helpers.ts';

const CENTRA_TOKEN = 'centra-test-token';
let h: Harness;
let echo: Server;
let echoUrl: string;

before(async () => {
  // "Centra" that answers every query with a GraphQL error quoting the token it was given, three ways.
  echo = createServer((req, res) => {
    const token = String(req.headers.authorization ?? '').replace(/^Bearer\s+/i, '');
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errors: [{ message: `token ${token} is not allowed here (${encodeURIComponent(token)}; key=${token})` }] }));
    });
  });
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
  echoUrl = `http://127.0.0.1:${(echo.address() as { port: number }).port}`;
  h = await startHarness({ orders: 5, centra: { url: `${echoUrl}/graphql`, token: CENTRA_TOKEN } });
});
after(async () => {
  await h?.close();
  await new Promise((r) => echo?.close(r));
});

const hits = (text: string) => text.split(CENTRA_TOKEN).length - 1 + text.split(encodeURIComponent(CENTRA_TOKEN)).length - 1;

test('a Centra error echoing the token: 0 hits in the inbox, the admin API, the manual-send answer, the logs and the database file', async () => {
  const event = { type: 'order', action: 'update', id: 4242, date: '2024-03-04 10:00:00' };
  const body = encodeWebhookBody([event]);
  const res = await fetch(`${h.service.url}/webhooks/centra`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-centra-signature': signWebhook(body, SECRET) }, body });
  assert.equal(res.status, 200);
  const key = `order:4242:update:2024-03-04 10:00:00`;
  await waitFor(async () => (await h.service.inbox.get(key))?.status === 'failed', 'the event failed on the echoed error');
  const row = await h.service.inbox.get(key);
  assert.match(row!.lastError!, /token \[redacted\] is not allowed here \(\[redacted\]; key=\[redacted\]\)/, 'the error is kept, the token is not');

  const inbox = await api(h, 'GET', '/api/inbox?status=failed');
  const one = await api(h, 'GET', `/api/events/${encodeURIComponent(key)}`);
  const manual = await api(h, 'POST', '/api/emails', { type: 'order', id: 4242, emailType: 'order_conf' });
  assert.equal(manual.status, 502, manual.text);
  assert.match(manual.text, /\[redacted\]/);
  for (const [what, text] of [['/api/inbox', inbox.text], ['/api/events/:key', one.text], ['POST /api/emails', manual.text]] as const) assert.equal(hits(text), 0, `${what}: ${text.slice(0, 300)}`);

  assert.ok(h.logs.lines.some((l) => /\[redacted\]/.test(JSON.stringify(l))), 'the logs quote the error');
  assert.equal(hits(h.logs.lines.map((l) => JSON.stringify(l)).join('\n')), 0, 'no log line has the token');

  await h.service.storage.close().catch(() => {});
  const file = (h.config.storage as { sqlitePath: string }).sqlitePath;
  let bytes = '';
  for (const f of [file, `${file}-wal`]) if (existsSync(f)) bytes += readFileSync(f).toString('latin1');
  assert.ok(bytes.length > 0);
  assert.equal(hits(bytes), 0, 'the database file has no copy of the token');
});
