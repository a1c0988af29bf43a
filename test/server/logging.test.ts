// The log an operator reads: one line per request with its request id (the caller's X-Request-Id
// when it sends one), one per processed event with what it sent and why anything was not sent,
// one per delivery attempt; the level from LOG_LEVEL or --log-level.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { readEventFile } from '../../src/centra/parse-event.ts';
import { ROOT } from '../helpers/golden.ts';
import { api, startHarness, waitFor, type Harness } from './helpers.ts';

let h: Harness;
before(async () => {
  h = await startHarness({ orders: 5 });
});
after(async () => {
  await h?.close();
});

test('request ids, one line per processed event (with skip reasons) and per delivery attempt', async () => {
  const event = readEventFile(path.join(ROOT, 'examples/order.json'));
  const res = await api(h, 'POST', '/api/events', event, { ...h.auth, 'x-request-id': 'op-req-42' });
  assert.equal(res.status, 202, res.text);
  const ids: string[] = res.json.deliveries.map((d: { id: string }) => d.id);
  assert.ok(ids.length > 0);

  const request = h.logs.lines.find((l) => l.msg === 'request' && l.reqId === 'op-req-42');
  assert.deepEqual({ method: request?.method, path: request?.path, status: request?.status }, { method: 'POST', path: '/api/events', status: 202 });
  const processed = h.logs.lines.filter((l) => l.msg === 'event processed' && l.key === res.json.eventKey);
  assert.equal(processed.length, 1, 'one line for the event');
  assert.deepEqual(processed[0].deliveries, ids);
  assert.ok(Array.isArray(processed[0].skipped));

  await waitFor(async () => ids.every((id) => h.logs.lines.some((l) => l.msg === 'delivered' && l.id === id)), 'a "delivered" line per delivery', 20_000);
  const line = h.logs.lines.find((l) => l.msg === 'delivered' && l.id === ids[0]);
  assert.equal(line.level, 30, 'info, not debug');
  assert.equal(line.attempt, 1);
  assert.equal(typeof line.durationMs, 'number');

  const odd = await fetch(`${h.service.url}/healthz`, { headers: { 'x-request-id': 'has spaces and "quotes"' } });
  assert.match(odd.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/, 'an unsafe id is replaced by a new one');
  assert.equal((await api(h, 'GET', '/api/deliveries', undefined, { ...h.auth, 'x-request-id': 'op-req-43' })).status, 200);
  assert.ok(h.logs.lines.some((l) => l.msg === 'request' && l.reqId === 'op-req-43'));
});

test('an unknown LOG_LEVEL or --log-level is a one-line error (exit 2)', () => {
  const bin = path.join(ROOT, 'bin/esp-bridge.js');
  const flag = spawnSync(process.execPath, [bin, 'serve', '--log-level', 'loud'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(flag.status, 2);
  assert.match(flag.stderr, /bad --log-level:\n {2}- "loud" is not one of trace, debug, info, warn, error, fatal, silent/);
  const env = spawnSync(process.execPath, [bin, 'worker', '--config', 'config/fallback-only.yaml', '--until-idle'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, LOG_LEVEL: 'chatty' } });
  assert.equal(env.status, 2, env.stderr);
  assert.match(env.stderr, /bad LOG_LEVEL/);
});
