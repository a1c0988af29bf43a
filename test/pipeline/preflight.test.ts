// What stops a config from running, beyond its schema (src/app/preflight.ts): a fallback route
// with nowhere to send, an attempt that can outlive its lease, a secret this environment lacks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { checkConfig, startupProblems } from '../../src/app/preflight.ts';
import { InputError } from '../../src/config/errors.ts';
import { parseConfig } from '../../src/config/load.ts';
import { startService } from '../../src/server/service.ts';
import { ROOT } from '../helpers/golden.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'preflight-'));
const klaviyo = (extra: Record<string, unknown> = {}) => ({ name: 'k', esp: 'klaviyo', apiKey: 'key', ...extra });
const raw = (over: Record<string, unknown> = {}) => ({
  stores: [{ id: 1, name: 'Showroom', kind: 'wholesale', plugins: [klaviyo()] }],
  storage: { sqlitePath: path.join(dir, 'bridge.sqlite') },
  server: { host: '127.0.0.1', port: 0, webhookSecrets: ['s'], adminToken: 'a' },
  centra: { url: 'http://127.0.0.1:9/graphql', token: 't' },
  ...over,
});
const cli = (file: string, env: NodeJS.ProcessEnv = {}) =>
  spawnSync(process.execPath, [path.join(ROOT, 'bin/esp-bridge.js'), 'check-config', file], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env } });

test('an email that can reach the fallback with no smtp: section is an error, named; smtp or turning it off clears it', () => {
  const [error] = checkConfig(parseConfig(raw())).errors;
  // Klaviyo has no wholesale refund metric, so that email falls back.
  assert.match(error, /^store 1 "Showroom": refund to the buyer always \(no plugin has it\) would go to the fallback/);
  const restricted = checkConfig(parseConfig(raw({ stores: [{ id: 1, name: 'S', kind: 'wholesale', plugins: [klaviyo({ restrictions: { countries: ['SE'] }, emails: { refund: false } })] }] }))).errors;
  assert.match(restricted[0], /order to the buyer where the restrictions of k do not match/);
  assert.deepEqual(checkConfig(parseConfig(raw({ smtp: { host: 'smtp.example' } }))).errors, []);
  assert.deepEqual(checkConfig(parseConfig(raw({ stores: [{ id: 1, name: 'S', kind: 'wholesale', plugins: [klaviyo({ emails: { refund: false } })] }] }))).errors, []);
});

test('an attempt timeout not below the lease is an error; an HTTP timeout above the attempt timeout a warning', () => {
  const f = checkConfig(parseConfig(raw({ smtp: { host: 'h' }, delivery: { leaseMs: 20_000, timeoutMs: 12_000, limits: { lanes: { 'klaviyo:k': { attemptTimeoutMs: 10_000 } } } } })));
  assert.deepEqual(f.errors, ['lane smtp:fallback: attemptTimeoutMs 30000 is not below delivery.leaseMs 20000: a slow send could be sent again by another worker (docs/delivery.md, "Leases")']);
  assert.deepEqual(f.warnings, ['lane klaviyo:k: delivery.timeoutMs 12000 is above its attemptTimeoutMs 10000; the engine aborts first, and counts it as ambiguous']);
});

test('limits for a lane no plugin has are a warning; an old name in renamedFrom is a lane', () => {
  const limits = { lanes: { 'klaviyo:kk': { concurrency: 2 }, 'klaviyo:k': { concurrency: 2 }, 'klaviyo:old': { concurrency: 2 } } };
  const f = checkConfig(parseConfig(raw({ smtp: { host: 'h' }, delivery: { limits }, stores: [{ id: 1, name: 'S', kind: 'wholesale', plugins: [klaviyo({ renamedFrom: 'old' })] }] })));
  assert.deepEqual(f.warnings, ['delivery.limits.lanes."klaviyo:kk": no plugin has this lane (lanes are esp:plugin, e.g. klaviyo:k); these limits apply to nothing']);
});

test('two lanes on one key configured with different rates: a warning naming the stricter they share; one rate or two keys, none', () => {
  const stores = (usKey: string) => [
    { id: 1, name: 'EU', kind: 'wholesale', plugins: [klaviyo({ name: 'eu', apiKey: 'shared-key-1' })] },
    { id: 2, name: 'US', kind: 'wholesale', plugins: [klaviyo({ name: 'us', apiKey: usKey })] },
  ];
  const delivery = { limits: { lanes: { 'klaviyo:us': { rates: [{ limit: 100, intervalMs: 1_000 }] } } } };
  const warnings = (over: Record<string, unknown>) => checkConfig(parseConfig(raw({ smtp: { host: 'h' }, ...over }))).warnings;
  assert.deepEqual(warnings({ stores: stores('shared-key-1'), delivery }), [
    'lanes klaviyo:eu, klaviyo:us send with one key but are configured with different rates: they share one set of buckets at the stricter, 100 per 1000 ms and 3500 per 60000 ms',
  ]);
  assert.deepEqual(warnings({ stores: stores('shared-key-1') }), [], 'the same (default) rates');
  assert.deepEqual(warnings({ stores: stores('other-key-2'), delivery }), [], 'two keys');
});

test('every secret the config names is checked; a worker needs no server or Centra secret; the unused PostgreSQL URL is not one', () => {
  const config = parseConfig(raw({ smtp: { host: 'h', auth: { user: 'u', pass: { env: 'T_SMTP_PASS' } } }, stores: [{ id: 1, name: 'S', kind: 'wholesale', plugins: [klaviyo({ apiKey: { env: 'T_KLAVIYO' } })] }], server: { host: '127.0.0.1', webhookSecrets: [{ env: 'T_WEBHOOK' }], adminToken: 'a' } }));
  assert.deepEqual(checkConfig(config, {}).missingSecrets, [
    { path: 'stores[0].plugins[0].apiKey', env: 'T_KLAVIYO' },
    { path: 'smtp.auth.pass', env: 'T_SMTP_PASS' },
    { path: 'server.webhookSecrets[0]', env: 'T_WEBHOOK' },
  ]);
  assert.deepEqual(startupProblems(config, 'worker', { T_WEBHOOK: '' }), [
    'stores[0].plugins[0].apiKey: environment variable T_KLAVIYO is not set',
    'smtp.auth.pass: environment variable T_SMTP_PASS is not set',
  ]);
  assert.deepEqual(startupProblems(config, 'serve', { T_KLAVIYO: 'x', T_SMTP_PASS: 'y', T_WEBHOOK: 'z' }), []);
});

test('serve refuses to start on them, with every problem listed', async () => {
  await assert.rejects(startService(parseConfig(raw({ delivery: { leaseMs: 5_000 } })), { logLevel: 'silent' }), (err: unknown) => {
    assert.ok(err instanceof InputError);
    assert.match(err.message, /cannot run the service/);
    assert.equal(err.problems.length, 3, err.problems.join('\n'));
    assert.match(err.problems.join('\n'), /refund to the buyer/);
    assert.match(err.problems.join('\n'), /lane klaviyo:k: attemptTimeoutMs 30000 is not below delivery\.leaseMs 5000/);
    return true;
  });
});

test('check-config exits 1 and prints each error, an unset secret included; config/example.yaml is valid with its secrets set', () => {
  const file = path.join(dir, 'nosmtp.yaml');
  writeFileSync(file, stringify(raw()));
  const r = cli(file);
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stdout, /nosmtp\.yaml: 1 error\(s\); serve and worker refuse to start/);
  assert.match(r.stdout, /^error: store 1 "Showroom": refund to the buyer/m);
  assert.match(r.stdout, /^smtp: none \(no fallback emails can be sent\)$/m);
  // Every secret the example names, set: valid. Two unset: an error each, naming where the config uses it.
  const secrets = { RULE_API_KEY: 'r', KLAVIYO_API_KEY: 'k', VOYADO_API_KEY: 'v', SMTP_PASSWORD: 'p', CENTRA_WEBHOOK_SECRET: 'w', ADMIN_TOKEN: 'a', OPERATOR_TOKEN: 'o', CENTRA_API_TOKEN: 'c' };
  const example = cli('config/example.yaml', secrets);
  assert.equal(example.status, 0, example.stdout);
  assert.match(example.stdout, /^config\/example\.yaml: valid$/m);
  const unset = cli('config/example.yaml', { ...secrets, KLAVIYO_API_KEY: '', SMTP_PASSWORD: '' });
  assert.equal(unset.status, 1, unset.stdout);
  assert.match(unset.stdout, /^config\/example\.yaml: 2 error\(s\)/m);
  assert.match(unset.stdout, /^error: not set in this environment: KLAVIYO_API_KEY \(stores\[0\]\.plugins\[1\]\.apiKey, stores\[1\]\.plugins\[1\]\.apiKey\)$/m);
  assert.match(unset.stdout, /^error: not set in this environment: SMTP_PASSWORD \(smtp\.auth\.pass\)$/m);
});
