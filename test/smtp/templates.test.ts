// Every email type in every language renders completely: no missing translation, no output that
// renders empty, undefined, NaN or [object Object]; sales-rep copies say so; overrides are checked.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EMAIL_TYPES } from '../../src/emails/catalog.ts';
import { LANGUAGES, languageCode, translationKeys } from '../../src/esp/smtp/i18n.ts';
import { renderFallbackEmail } from '../../src/esp/smtp/render.ts';
import { checkFallbackTemplates } from '../../src/esp/smtp/check.ts';
import { BUILTIN_TEMPLATES_DIR, prepareTemplateSets, TemplatesNotPreparedError } from '../../src/esp/smtp/templates.ts';
import { formatMoney } from '../../src/esp/smtp/format.ts';
import { dec } from '../../src/domain/money.ts';
import { allIntents, loadFallbackConfig } from './helpers.ts';

const BAD = /\bundefined\b|\bNaN\b|\[object Object\]|\{\{|\}\}/;

describe('fallback templates', () => {
  const config = loadFallbackConfig();
  const intents = allIntents(config);

  it('the example events cover every email type, wholesale copies and DTC', () => {
    const seen = new Set(intents.map((x) => `${x.intent.emailType}/${x.intent.recipient}`));
    for (const type of EMAIL_TYPES) assert.ok([...seen].some((s) => s.startsWith(`${type}/`)), `no example for ${type}`);
    assert.ok(seen.has('order/sales_rep') && seen.has('order/customer') && seen.has('refund/customer'));
  });

  it('every language file has exactly the English keys', () => {
    assert.deepEqual([...LANGUAGES].sort(), ['de', 'en', 'sv']);
    const en = translationKeys('en').sort();
    for (const lang of LANGUAGES) assert.deepEqual(translationKeys(lang).sort(), en, `${lang}.json keys differ from en.json`);
  });

  it('language codes: locales, codes and unknown languages', () => {
    assert.equal(languageCode('sv-SE'), 'sv');
    assert.equal(languageCode('de_AT'), 'de');
    assert.equal(languageCode('EN'), 'en');
    assert.equal(languageCode('fr-FR'), 'en');
  });

  for (const lang of ['en', 'sv-SE', 'de']) {
    it(`renders every intent in ${lang} without problems`, () => {
      let count = 0;
      for (const { file, intent, store } of intents) {
        const r = renderFallbackEmail(intent, store, lang);
        const where = `${file} ${intent.emailType}/${intent.recipient} ${lang}`;
        assert.deepEqual(r.problems, [], where);
        assert.ok(r.subject.length > 3, `${where}: subject`);
        for (const [part, s] of [['subject', r.subject], ['html', r.html], ['text', r.text]] as const) assert.doesNotMatch(s, BAD, `${where}: ${part}`);
        assert.match(r.html, /^<!doctype html>/i, where);
        if (intent.recipient === 'sales_rep') assert.ok(r.view.copyNote && r.text.includes(r.view.copyNote), `${where}: copy note`);
        for (const l of r.view.lines) {
          assert.ok(r.text.includes(l.name) && r.text.includes(l.amount), `${where}: line in text`);
          assert.ok(r.html.includes(l.amount), `${where}: line amount in html`);
        }
        if (r.view.total) assert.ok(r.text.includes(r.view.total) && r.html.includes(r.view.total), `${where}: total`);
        count++;
      }
      assert.ok(count >= 15);
    });
  }

  it('subjects follow the language', () => {
    const order = intents.find((x) => x.intent.emailType === 'order' && x.intent.recipient === 'buyer')!;
    assert.equal(renderFallbackEmail(order.intent, order.store, 'en').subject, 'Order receipt 11592');
    assert.equal(renderFallbackEmail(order.intent, order.store, 'sv-SE').subject, 'Orderkvitto 11592');
    assert.equal(renderFallbackEmail(order.intent, order.store, 'de-DE').subject, 'Bestellbeleg 11592');
    assert.equal(renderFallbackEmail(order.intent, order.store, 'fi').subject, 'Order receipt 11592');
  });

  it('money per language from decimal strings', () => {
    assert.equal(formatMoney(dec('7919.225'), 'DKK', 'en'), '7 919.23 DKK');
    assert.equal(formatMoney(dec('7919.2'), 'DKK', 'sv'), '7 919,20 DKK');
    assert.equal(formatMoney(dec('-1234567.5'), 'EUR', 'de'), '-1.234.567,50 EUR');
  });

  it('an override replaces a built-in template by name; a broken one is reported by the check', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'smtp-override-'));
    writeFileSync(join(dir, 'order.subject.hbs'), 'Custom {{ref}} for {{store.name}}');
    writeFileSync(join(dir, 'order.text.hbs'), 'Order {{ref}} total {{total}}\n{{#each lines}}{{name}} {{amount}}\n{{/each}}');
    writeFileSync(join(dir, 'order.mjml'), readFileSync(join(BUILTIN_TEMPLATES_DIR, 'order.mjml'), 'utf8').replace('<mj-body', '<mj-body css-class="custom-order"'));
    const base = loadFallbackConfig();
    const store = { ...base.stores[0], fallback: { ...base.stores[0].fallback, templatesDir: dir } };
    const order = intents.find((x) => x.intent.emailType === 'order' && x.intent.recipient === 'buyer')!;
    assert.throws(() => renderFallbackEmail(order.intent, store, 'en'), TemplatesNotPreparedError, 'an override is compiled at start-up, never while planning');
    await prepareTemplateSets([dir]);
    const r = renderFallbackEmail(order.intent, store, 'en');
    assert.match(r.html, /custom-order/);
    assert.equal(r.subject, 'Custom 11592 for Showroom');
    assert.match(r.text, /^Order 11592 total 8 690\.00 DKK/);
    assert.deepEqual(checkFallbackTemplates({ ...base, stores: [store] }), []);

    const broken = mkdtempSync(join(tmpdir(), 'smtp-broken-'));
    writeFileSync(join(broken, 'cancel.mjml'), '<mjml><mj-body><mj-section><mj-column><mj-text>{{#if x}}unclosed</mj-text></mj-column></mj-section></mj-body></mjml>');
    writeFileSync(join(broken, 'shipment.text.hbs'), '{{t "no.such.key"}} {{nosuchfield}}');
    await prepareTemplateSets([broken]);
    const problems = checkFallbackTemplates({ ...base, stores: [{ ...store, fallback: { ...store.fallback, templatesDir: broken } }] });
    assert.ok(problems.some((p) => p.includes('cancel.mjml')), problems.join('\n'));
    assert.ok(problems.some((p) => p.includes('no.such.key')), problems.join('\n'));
    assert.ok(problems.some((p) => p.includes('nosuchfield')), problems.join('\n'));
  });
});
