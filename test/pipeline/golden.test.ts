// Every golden payload of ../shared/golden is reproduced by the pipeline from a Centra event.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { planEvent } from '../../src/pipeline/plan.ts';
import { configAt, eventAt, GOLDEN_DIR, readGolden, readManifest, ROOT } from '../helpers/golden.ts';

const manifest = readManifest();

function payloadOf(esp: string, body: any): unknown {
  if (esp === 'klaviyo') return body.data.attributes.properties;
  const { apikey: _key, ...rest } = body;
  return rest;
}

test('the manifest covers every golden file', () => {
  const files = readdirSync(GOLDEN_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) => readdirSync(path.join(GOLDEN_DIR, d.name)).filter((f) => f.endsWith('.json')).map((f) => `${d.name}/${f}`))
    .sort();
  assert.equal(files.length, 24);
  assert.deepEqual(manifest.map((e) => e.golden).sort(), files);
});

for (const entry of manifest) {
  test(`golden ${entry.golden}`, () => {
    const esp = entry.golden.split('/')[0];
    const plan = planEvent(eventAt(entry.event), configAt(entry.config));
    const delivery = plan.deliveries.find((d) => d.esp === esp && d.emailType === entry.emailType && d.recipient === entry.recipient);
    assert.ok(delivery, `no ${esp} delivery for ${entry.emailType}/${entry.recipient}; skipped: ${JSON.stringify(plan.skipped)}`);
    const expected = readGolden(entry.golden) as Record<string, unknown>;
    if (esp === 'rule') delete expected.apikey;
    assert.deepEqual(payloadOf(esp, delivery.request.body), expected);
  });
}

test('the CLI preview prints the same payload (klaviyo/order.sales_rep.json)', () => {
  const entry = manifest.find((e) => e.golden === 'klaviyo/order.sales_rep.json')!;
  const out = execFileSync(process.execPath, [path.join(ROOT, 'bin/esp-bridge.js'), 'preview', '--config', entry.config, entry.event], { cwd: ROOT, encoding: 'utf8' });
  const plan = JSON.parse(out);
  const d = plan.deliveries.find((x: any) => x.recipient === 'sales_rep' && x.emailType === 'order');
  assert.deepEqual(d.request.body.data.attributes.properties, readGolden(entry.golden));
  assert.equal(d.request.body.data.attributes.metric.data.attributes.name, 'Placed Order - Sales Rep');
  assert.equal(d.request.headers.Authorization, '[redacted]');
});
