// Bad input gets a readable error naming the bad field, from the library and from the CLI (no stack trace).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { parseEvent } from '../../src/centra/parse-event.ts';
import { parseConfig } from '../../src/config/load.ts';
import { InputError } from '../../src/config/errors.ts';
import { rawEventAt, ROOT } from '../helpers/golden.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'bridge-input-'));
const cli = (...args: string[]) => spawnSync(process.execPath, [path.join(ROOT, 'bin/esp-bridge.js'), ...args], { cwd: ROOT, encoding: 'utf8' });

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof InputError, String(e));
    return e.problems;
  }
  assert.fail('no error');
}

test('an event with bad fields names each path and what was expected', () => {
  const e = rawEventAt('test/golden/events/klaviyo-order.json');
  e.object.lines[0].quantity = '32';
  e.object.lines[0].unitPrice.value = 'cheap';
  delete e.object.number;
  e.date = 'yesterday';
  const problems = problemsOf(() => parseEvent(e));
  assert.ok(problems.some((p) => p.startsWith('object.lines[0].quantity:') && /number/.test(p)), problems.join('\n'));
  assert.ok(problems.some((p) => p.startsWith('object.lines[0].unitPrice.value:')), problems.join('\n'));
  assert.ok(problems.some((p) => p.startsWith('object.number:')), problems.join('\n'));
  assert.ok(problems.some((p) => p.startsWith('date:') && /2024-07-09/.test(p)), problems.join('\n'));
});

test('an unknown event type and an order without lines are refused', () => {
  assert.match(problemsOf(() => parseEvent({ type: 'fridge', id: 1, action: 'x', date: '2024-01-01 00:00:00' }))[0], /^type: .*got "fridge"/);
  const e = rawEventAt('test/golden/events/klaviyo-order.json');
  e.object.lines = [];
  assert.match(problemsOf(() => parseEvent(e)).join('\n'), /object\.lines: an order has at least one line/);
});

test('a config with a typo or a missing field says where', () => {
  const problems = problemsOf(() =>
    parseConfig({
      stores: [{ id: 1, name: 'S', kind: 'wholesale', trackingurl: 'x', emails: { orderConfirmationTo: 'everyone' }, plugins: [{ name: 'k', esp: 'klavyio', apiKey: 'x' }, { esp: 'rule', apiKey: 'y' }] }],
    }),
  );
  const text = problems.join('\n');
  assert.match(text, /stores\[0\]: unknown field "trackingurl"/);
  assert.match(text, /stores\[0\]\.emails\.orderConfirmationTo: .*got "everyone"/);
  assert.match(text, /stores\[0\]\.plugins\[0\]\.esp: .*got "klavyio"/);
  assert.match(text, /stores\[0\]\.plugins\[1\]\.name: /);
  assert.match(problemsOf(() => parseConfig({ stores: [] })).join('\n'), /stores: at least one store/);
});

test('two plugins with one name, or two stores with one id, are refused', () => {
  const plugin = { name: 'k', esp: 'klaviyo', apiKey: 'x' };
  assert.match(problemsOf(() => parseConfig({ stores: [{ id: 1, name: 'S', kind: 'dtc', plugins: [plugin, plugin] }] })).join(), /used twice/);
  assert.match(problemsOf(() => parseConfig({ stores: [{ id: 1, name: 'S', kind: 'dtc' }, { id: 1, name: 'T', kind: 'dtc' }] })).join(), /store id 1 is used twice/);
});

test('the CLI prints readable errors, exits 2 and shows no stack trace', () => {
  const cfg = path.join(dir, 'bad.yaml');
  writeFileSync(cfg, readFileSync(path.join(ROOT, 'test/golden/klaviyo.yaml'), 'utf8').replace('esp: klaviyo', 'esp: klavyio'));
  const r = cli('check-config', cfg);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /stores\[0\]\.plugins\[0\]\.esp: .*got "klavyio"/);
  assert.doesNotMatch(r.stderr, /\n\s+at /);

  const ev = path.join(dir, 'bad.json');
  writeFileSync(ev, '{"type": "order", ');
  const p = cli('preview', '--config', 'test/golden/klaviyo.yaml', ev);
  assert.equal(p.status, 2);
  assert.match(p.stderr, /cannot read event .*bad\.json/);
  assert.doesNotMatch(p.stderr, /\n\s+at /);

  const missing = cli('preview', '--config', path.join(dir, 'nope.yaml'), 'test/golden/events/klaviyo-order.json');
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /cannot read config/);

  const wrongStore = rawEventAt('test/golden/events/klaviyo-order.json');
  wrongStore.object.store.id = 42;
  writeFileSync(ev, JSON.stringify(wrongStore));
  const s = cli('preview', '--config', 'test/golden/klaviyo.yaml', ev);
  assert.equal(s.status, 2);
  assert.match(s.stderr, /store 42, which the config does not list/);
});

test('--help lists the commands', () => {
  const r = cli('--help');
  assert.equal(r.status, 0);
  assert.match(r.stdout, /preview/);
  assert.match(r.stdout, /check-config/);
});

test('check-config names the store and, when the PostgreSQL URL variable is not set, lists it as an error (exit 1)', () => {
  const cfg = path.join(dir, 'pg.yaml');
  writeFileSync(cfg, 'stores:\n  - id: 1\n    name: Showroom\n    kind: wholesale\n    plugins: []\nsmtp: { host: 127.0.0.1 }\nstorage:\n  kind: postgres\n  postgres:\n    url: { env: BRIDGE_TEST_PG_URL }\n    schema: bridge_a\n');
  const unset = spawnSync(process.execPath, [path.join(ROOT, 'bin/esp-bridge.js'), 'check-config', cfg], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, BRIDGE_TEST_PG_URL: '' } });
  assert.equal(unset.status, 1, unset.stderr);
  assert.match(unset.stdout, /storage: PostgreSQL, schema bridge_a, URL \$BRIDGE_TEST_PG_URL/);
  assert.match(unset.stdout, /error: not set in this environment: BRIDGE_TEST_PG_URL \(storage\.postgres\.url\)/);
  // A port nothing listens on: the store is not reachable, which check-config says without failing.
  const set = spawnSync(process.execPath, [path.join(ROOT, 'bin/esp-bridge.js'), 'check-config', cfg], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, BRIDGE_TEST_PG_URL: 'postgres://u:pw@127.0.0.1:1/x' } });
  assert.equal(set.status, 0, set.stdout + set.stderr);
  assert.doesNotMatch(set.stdout, /not set/);
  assert.match(set.stdout, /warning: the store could not be read/);
  assert.doesNotMatch(set.stdout + set.stderr, /pw@127/, 'the URL itself is never printed');
  const sqlite = cli('check-config', 'config/example.yaml');
  assert.match(sqlite.stdout, /storage: SQLite file \.\/data\/bridge\.sqlite \(synchronous normal\)/);
});
