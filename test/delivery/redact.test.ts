import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { redactSecrets } from '../../src/delivery/redact.ts';
import { createLogger } from '../../src/log.ts';

test('redacts secret headers (any case), body keys at any depth, and tokens inside strings', () => {
  const input = {
    method: 'POST',
    url: 'https://app.rule.io/api/v2/subscribers?apikey=s3cr3t&x=1',
    headers: { Authorization: 'Klaviyo-API-Key pk_live_1', 'X-API-KEY': 'k2', apiKey: 'k3', 'content-type': 'application/json' },
    body: { apikey: 'rule-key', data: [{ nested: { Password: 'p', token: 't', api_key: 'a', keep: 'visible' } }] },
  };
  const out = redactSecrets(input);
  const text = JSON.stringify(out);
  for (const secret of ['pk_live_1', 'k2', 'k3', 'rule-key', '"p"', '"t"', '"a"', 's3cr3t']) assert.ok(!text.includes(secret), secret);
  assert.equal(out.headers['content-type'], 'application/json');
  assert.equal(out.body.data[0]!.nested.keep, 'visible');
  assert.equal(input.headers.Authorization, 'Klaviyo-API-Key pk_live_1', 'input untouched');
  assert.equal(redactSecrets('401: bad header Klaviyo-API-Key pk_abc, or Bearer eyJ.x.y'), '401: bad header Klaviyo-API-Key [redacted], or Bearer [redacted]');
});

test('the logger redacts the same things', () => {
  let out = '';
  const destination = new Writable({ write(chunk, _e, cb) { out += String(chunk); cb(); } });
  const log = createLogger({ level: 'info', destination: destination as never });
  log.info({ request: { headers: { authorization: 'Bearer abc123' }, body: { deep: { apikey: 'zzz' } } }, error: 'got Klaviyo-API-Key pk_x' }, 'sent');
  assert.ok(out.includes('[redacted]'));
  for (const s of ['abc123', 'zzz', 'pk_x']) assert.ok(!out.includes(s), s);
});

test('every resolved secret value is scrubbed from any text, in any shape; too short a value is left alone', async () => {
  const { resolveSecret } = await import('../../src/config/secret.ts');
  const { redactString, redactSecrets } = await import('../../src/delivery/redact.ts');
  const value = resolveSecret({ env: 'REDACT_TEST_SECRET' }, { REDACT_TEST_SECRET: 'zx81/spectrum+c64' });
  assert.equal(redactString(`echo: ${value}!`), 'echo: [redacted]!');
  assert.equal(redactString(`url-encoded: ${encodeURIComponent(value)}`), 'url-encoded: [redacted]');
  assert.deepEqual(redactSecrets({ nested: [{ text: `a${value}b` }] }), { nested: [{ text: 'a[redacted]b' }] });
  // A connection URL's password is scrubbed on its own too.
  resolveSecret('postgres://bridge:pa55-w0rd-x@db.example:5432/app');
  assert.equal(redactString('auth failed for pa55-w0rd-x'), 'auth failed for [redacted]');
  resolveSecret('abc');
  assert.equal(redactString('abc abcdef'), 'abc abcdef');
});
