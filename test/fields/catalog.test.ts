// The marketers' field catalog: docs/fields/<esp>.md is what the mappers produce on the examples
// today, and it lists every field the golden payloads carry (so a template built from the docs
// finds its data in the real emails).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { ESP_MODULES } from '../../src/esp/modules.ts';
import { fieldCatalog, leafFields } from '../../src/fields/catalog.ts';
import { catalogMarkdown } from '../../src/fields/render.ts';
import { planEvent } from '../../src/pipeline/plan.ts';
import { configAt, eventAt, readManifest, ROOT } from '../helpers/golden.ts';

const catalogs = fieldCatalog(ROOT);

for (const c of catalogs) {
  test(`docs/fields/${c.esp}.md is in sync with the mappers`, () => {
    const file = path.join(ROOT, 'docs/fields', `${c.esp}.md`);
    assert.equal(readFileSync(file, 'utf8'), catalogMarkdown(c), `${file} is stale: run npx esp-bridge fields --write-docs docs/fields`);
  });
}

test('every registered ESP has a catalog with each email type and its trigger', () => {
  assert.deepEqual(catalogs.map((c) => c.esp), ESP_MODULES.map((m) => m.name));
  for (const c of catalogs) {
    const wholesale = c.emails.filter((e) => e.storeKind === 'wholesale').map((e) => e.emailType);
    assert.deepEqual(wholesale, ['buyer_created', 'forgot_email', 'order', 'order_conf', 'shipment', 'cancel', 'invoice', 'creditnote'], c.esp);
    for (const e of c.emails) assert.ok(e.triggers.length > 0 && e.fields.length > 0, `${c.esp} ${e.emailType}`);
  }
});

test('each golden payload’s fields are all in the catalog of its email type', () => {
  for (const entry of readManifest()) {
    const esp = entry.golden.split('/')[0];
    const module = ESP_MODULES.find((m) => m.name === esp)!;
    const d = planEvent(eventAt(entry.event), configAt(entry.config)).deliveries.find((x) => x.esp === esp && x.emailType === entry.emailType && x.recipient === entry.recipient)!;
    const golden = leafFields(module.templateFields ? module.templateFields(d.request) : d.request.body).map((f) => f.path);
    const email = catalogs.find((c) => c.esp === esp)!.emails.find((e) => e.emailType === entry.emailType && e.storeKind === 'wholesale')!;
    const listed = new Set(email.fields.map((f) => f.path));
    const missing = golden.filter((p) => !listed.has(p));
    assert.deepEqual(missing, [], `${entry.golden}: fields not in docs/fields/${esp}.md`);
  }
});

test('esp-bridge fields --esp klaviyo --email order prints the trigger and the fields; a bad --esp is one line, exit 2', () => {
  const bin = path.join(ROOT, 'bin/esp-bridge.js');
  const out = execFileSync(process.execPath, [bin, 'fields', '--esp', 'klaviyo', '--email', 'order'], { cwd: ROOT, encoding: 'utf8' });
  assert.match(out, /klaviyo · wholesale · order — trigger "Placed Order" \(buyer\), "Placed Order - Sales Rep" \(sales rep\)/);
  assert.match(out, /^ {2}OrderId +string +11592$/m);
  assert.doesNotMatch(out, /^(rule|voyado) · /m, 'only klaviyo');
  assert.equal(out.match(/^klaviyo · /gm)?.length, 2, 'the order email of each store kind');
  let code = 0;
  let stderr = '';
  try {
    execFileSync(process.execPath, [bin, 'fields', '--esp', 'mailchimp'], { cwd: ROOT, encoding: 'utf8', stdio: 'pipe' });
  } catch (e) {
    code = (e as { status: number }).status;
    stderr = String((e as { stderr: string }).stderr);
  }
  assert.equal(code, 2);
  assert.match(stderr, /bad --esp:\n {2}- "mailchimp" is not one of klaviyo, rule, voyado/);
});
