// End to end through the outbox: a store without ESP plugins gets the bridge's own emails over a
// real SMTP conversation, PDF receipt included; a 4xx reply is retried, a 5xx one is a dead letter.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { startSmtpEmulator } from '../../sandbox/index.ts';
import { parseConfig } from '../../src/config/load.ts';
import { openBridge, orderEvents, submitAll, tempDir } from '../helpers/sandbox.ts';
import { ROOT } from '../helpers/golden.ts';

function fallbackConfig(smtpPort: number, dir: string) {
  const raw = parse(readFileSync(path.join(ROOT, 'config/fallback-only.yaml'), 'utf8'));
  raw.smtp.port = smtpPort;
  raw.storage = { sqlitePath: path.join(dir, 'bridge.sqlite') };
  raw.delivery = { timeoutMs: 3_000, pollMs: 20, retry: { baseMs: 50, factor: 2, capMs: 200 } };
  return parseConfig(raw);
}

test('fallback emails go out over SMTP through the outbox, each exactly once', async () => {
  const smtp = await startSmtpEmulator();
  const tmp = tempDir();
  const bridge = openBridge(fallbackConfig(smtp.port, tmp.dir));
  try {
    smtp.control.failNext(2, 451, 'try again later', 'data');
    const ids = await submitAll(bridge, orderEvents('klaviyo-order.json', 1, 3));
    assert.equal(ids.length, 6, 'buyer and sales-rep copies');
    await bridge.worker.drain({ timeoutMs: 30_000 });
    const mails = smtp.messages;
    assert.equal(mails.length, 6);
    const byTo = mails.map((m) => m.envelope.to.join(','));
    assert.equal(byTo.filter((t) => t === 'hubert.zapala+buyer@centra.com').length, 3);
    assert.equal(byTo.filter((t) => t === 'hubert.zapala+salesrep@centra.com').length, 3);
    for (const m of mails) {
      const pdf = m.attachments.find((a) => a.contentType === 'application/pdf');
      assert.ok(pdf, 'the order receipt carries its PDF');
      assert.equal(pdf.content.subarray(0, 5).toString(), '%PDF-');
      assert.match(m.text ?? '', /10000[0-2]/);
    }
    const retried = (await bridge.outbox.listDeliveries({})).filter((d) => d.attempts > 1);
    assert.equal(retried.length, 2, 'the two 451 replies were retried');
    assert.ok((await bridge.outbox.countsByStateAndEsp()).every((c) => c.status === 'delivered' && c.esp === 'smtp'));
  } finally {
    await bridge.close();
    await smtp.close();
    tmp.remove();
  }
});

test('a permanent SMTP refusal is a dead letter with the server\'s reply kept', async () => {
  const smtp = await startSmtpEmulator();
  const tmp = tempDir();
  const bridge = openBridge(fallbackConfig(smtp.port, tmp.dir));
  try {
    smtp.control.failNext(1, 550, 'mailbox unavailable', 'rcpt');
    await submitAll(bridge, orderEvents('klaviyo-cancel.json', 1, 1));
    await bridge.worker.drain({ timeoutMs: 20_000 });
    const dead = await bridge.outbox.listDeliveries({ status: 'dead' });
    assert.equal(dead.length, 1);
    assert.match(dead[0].lastError!, /550/);
    assert.match(dead[0].lastError!, /mailbox unavailable/);
    assert.equal(smtp.messages.length, 0);
  } finally {
    await bridge.close();
    await smtp.close();
    tmp.remove();
  }
});
