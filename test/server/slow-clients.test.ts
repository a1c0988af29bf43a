// Slow clients against the configured limits (server.timeouts, server.maxConnections): headers
// trickled, a body trickled, a connection left idle, one connection too many. Each is closed
// within its limit (plus Node's checking interval, at most 1 s) and the service keeps answering.
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before, test } from 'node:test';
import { api, startHarness, type Harness } from './helpers.ts';

const timeouts = { headersMs: 1_000, requestMs: 2_000, idleMs: 3_000, keepAliveMs: 1_000 };
const MAX_CONNECTIONS = 8;
/** Node checks its request timers once per interval (here 250 ms); allow that and a busy machine. */
const SLACK_MS = 1_500;
let h: Harness;
before(async () => {
  h = await startHarness({ orders: 3, server: { timeouts, maxConnections: MAX_CONNECTIONS }, service: { processor: false, worker: false } });
});
after(async () => {
  await h?.close();
});

interface Trickle {
  socket: Socket;
  /** ms from connect to the server closing the connection, and what it answered. */
  closed: Promise<{ ms: number; answer: string }>;
  stop(): void;
}
function trickle(first: string, drip: string, everyMs: number): Trickle {
  const { port } = h.service;
  const socket = connect(port, '127.0.0.1');
  const start = Date.now();
  let answer = '';
  let timer: NodeJS.Timeout | undefined;
  socket.on('data', (d) => (answer += d.toString('latin1')));
  socket.on('error', () => {});
  const closed = new Promise<{ ms: number; answer: string }>((resolve) => socket.on('close', () => resolve({ ms: Date.now() - start, answer })));
  socket.on('connect', () => {
    if (first) socket.write(first);
    if (drip) timer = setInterval(() => socket.writable && socket.write(drip), everyMs);
  });
  socket.on('close', () => clearInterval(timer));
  return { socket, closed, stop: () => clearInterval(timer) };
}

test('a body trickled one byte at a time is cut off at requestMs with a 408', async (ctx) => {
  const head = `POST /api/events HTTP/1.1\r\nhost: x\r\nauthorization: ${h.auth.authorization}\r\ncontent-type: application/json\r\ncontent-length: 10000\r\n\r\n{`;
  const t = trickle(head, ' ', 400);
  const { ms, answer } = await t.closed;
  assert.ok(ms >= timeouts.requestMs - 100 && ms <= timeouts.requestMs + SLACK_MS, `closed after ${ms} ms (requestMs ${timeouts.requestMs})`);
  assert.match(answer, /^HTTP\/1\.1 408/);
  ctx.diagnostic(`trickled body closed after ${ms} ms`);
  assert.equal((await api(h, 'GET', '/healthz')).status, 200);
});

test('headers trickled are cut off at headersMs', async (ctx) => {
  const t = trickle('GET /healthz HTTP/1.1\r\nhost: x\r\n', 'x', 300);
  const { ms } = await t.closed;
  assert.ok(ms >= timeouts.headersMs - 100 && ms <= timeouts.headersMs + SLACK_MS, `closed after ${ms} ms (headersMs ${timeouts.headersMs})`);
  ctx.diagnostic(`trickled headers closed after ${ms} ms`);
});

test('a connection that never sends a byte is closed within the header or idle limit', async (ctx) => {
  const { ms } = await trickle('', '', 0).closed;
  ctx.diagnostic(`silent connection closed after ${ms} ms`);
  assert.ok(ms <= Math.max(timeouts.headersMs, timeouts.idleMs) + SLACK_MS, `closed after ${ms} ms`);
});

test('maxConnections: one connection more than the bound is closed at once; the others are served', async () => {
  const held = Array.from({ length: MAX_CONNECTIONS }, () => trickle('GET /healthz HTTP/1.1\r\nhost: x\r\n', '', 0));
  await Promise.all(held.map((t) => new Promise((r) => (t.socket.readyState === 'open' ? r(null) : t.socket.once('connect', r)))));
  await new Promise((r) => setTimeout(r, 100));
  const extra = trickle('GET /healthz HTTP/1.1\r\nhost: x\r\n\r\n', '', 0);
  const { ms, answer } = await extra.closed;
  assert.equal(answer, '', 'refused, not answered');
  assert.ok(ms < timeouts.headersMs, `closed after ${ms} ms`);
  for (const t of held) t.socket.destroy();
  await Promise.all(held.map((t) => t.closed));
  assert.equal((await api(h, 'GET', '/healthz')).status, 200, 'served again once connections are free');
});
