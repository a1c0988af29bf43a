// The order receipt's HTML in headless Chromium at desktop and phone widths: the rendered text
// carries the order number and the totals, and nothing is wider than the screen.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { readEventFile } from '../../src/centra/parse-event.ts';
import type { SmtpMessageBody } from '../../src/esp/smtp/message.ts';
import { planEvent } from '../../src/pipeline/plan.ts';
import { loadFallbackConfig } from './helpers.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

describe('order receipt in a browser', () => {
  let browser: Browser;
  const outDir = mkdtempSync(join(tmpdir(), 'smtp-screens-'));
  before(async () => {
    assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y chromium fonts-dejavu-core (the screenshot test does not skip)`);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  });
  after(async () => browser?.close());

  const [delivery] = planEvent(readEventFile('examples/order.json'), loadFallbackConfig()).deliveries;
  const body = delivery.request.body as SmtpMessageBody;
  const total = /^Total: (.+)$/m.exec(body.text)![1];
  const subtotal = /^Subtotal: (.+)$/m.exec(body.text)![1];
  const number = /Order receipt (\d+)/.exec(body.subject)![1];

  for (const [name, width] of [['desktop', 1200], ['phone', 375]] as const) {
    it(`${name} (${width}px): order number and totals are shown, nothing overflows`, async () => {
      const page = await browser.newPage({ viewport: { width, height: 900 } });
      try {
        await page.setContent(body.html, { waitUntil: 'load' });
        const text = await page.innerText('body');
        assert.ok(text.includes(number), 'order number');
        assert.ok(text.includes(total), `total ${total}`);
        assert.ok(text.includes(subtotal), `subtotal ${subtotal}`);
        assert.match(text, /Thank you for your order/);
        const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
        assert.ok(scrollWidth <= width + 1, `page is ${scrollWidth}px wide at ${width}px`);
        const file = join(outDir, `order-receipt-${name}.png`);
        await page.screenshot({ path: file, fullPage: true });
        assert.ok(statSync(file).size > 5000, 'screenshot written');
        process.stdout.write(`# screenshot: ${file}\n`);
      } finally {
        await page.close();
      }
    });
  }
});
