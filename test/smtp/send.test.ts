// A real SMTP conversation: the planned fallback deliveries, sent by the SMTP transport to the
// sandbox SMTP server, parsed back with mailparser.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSmtpEmulator, type SmtpEmulatorHandle } from '../../sandbox/index.ts';
import { readEventFile } from '../../src/centra/parse-event.ts';
import { resolveSecret } from '../../src/config/secret.ts';
import type { Config } from '../../src/config/schema.ts';
import type { PlannedDelivery } from '../../src/delivery/types.ts';
import type { SmtpMessageBody } from '../../src/esp/smtp/message.ts';
import { smtpServerSchema } from '../../src/esp/smtp/settings.ts';
import { classifySmtpError, createSmtpTransport } from '../../src/esp/smtp/transport.ts';
import { planEvent } from '../../src/pipeline/plan.ts';
import { loadFallbackConfig, pdfText } from './helpers.ts';

const signal = () => new AbortController().signal;
const plan = (config: Config, file: string) => planEvent(readEventFile(file), config).deliveries;
const body = (d: PlannedDelivery) => d.request.body as SmtpMessageBody;

describe('fallback emails over SMTP', () => {
  let emu: SmtpEmulatorHandle;
  const emlDir = mkdtempSync(join(tmpdir(), 'smtp-eml-'));
  const server = () => smtpServerSchema.parse({ host: '127.0.0.1', port: emu.port, connectionTimeoutMs: 2000, greetingTimeoutMs: 2000, socketTimeoutMs: 3000 });
  before(async () => (emu = await startSmtpEmulator({ emlDir })));
  after(() => emu.close());
  beforeEach(() => emu.control.reset());

  it('order receipt to the buyer and the sales rep: recipients, subject, every line and total in html and text, the PDF', async () => {
    const config = loadFallbackConfig();
    const deliveries = plan(config, 'examples/order.json');
    assert.deepEqual(deliveries.map((d) => [d.recipient, d.esp]), [['buyer', 'smtp'], ['sales_rep', 'smtp']]);
    const transport = createSmtpTransport({ server: server(), resolveSecret });
    for (const d of deliveries) assert.equal((await transport.send(d, signal())).kind, 'delivered');
    const mails = await emu.control.waitForMessages(2);
    const event = readEventFile('examples/order.json');
    const order = event.object as { number: number };
    for (const [i, d] of deliveries.entries()) {
      const mail = mails[i];
      assert.deepEqual(mail.envelope.to, [d.to]);
      assert.equal(mail.to && !Array.isArray(mail.to) ? mail.to.value[0].address : '', d.to);
      assert.equal(mail.from?.value[0].address, 'showroom@centrapany.example');
      assert.equal(mail.replyTo?.value[0].address, 'orders@centrapany.example');
      assert.equal(mail.subject, d.recipient === 'buyer' ? `Order receipt ${order.number}` : `Copy: Order receipt ${order.number}`);
      assert.equal(mail.messageId, `<${d.id.replace(/[^A-Za-z0-9._-]/g, '.')}@esp-bridge>`);
      const html = String(mail.html);
      const text = mail.text ?? '';
      const b = body(d);
      // every line: name, quantity × unit price, amount; and every total row
      const lines = [...b.text.matchAll(/^(\d+) × (.+?)(?: \(|$)/gm)];
      assert.ok(lines.length >= 1);
      for (const m of lines) {
        assert.ok(text.includes(m[2]), `text has ${m[2]}`);
        assert.ok(html.includes(m[2].replace(/&/g, '&amp;')) || html.includes(m[2]), `html has ${m[2]}`);
      }
      for (const m of b.text.matchAll(/^ {4}\d+ × (.+) = (.+)$/gm)) for (const v of [m[1], m[2]]) assert.ok(text.includes(v) && html.includes(v), v);
      for (const label of ['Subtotal', 'Shipping', 'Total', 'VAT 38% included']) {
        const value = new RegExp(`^${label}: (.+)$`, 'm').exec(text)?.[1];
        assert.ok(value, `text total ${label}`);
        assert.ok(html.includes(label) && html.includes(value), `html total ${label} ${value}`);
      }
      assert.ok(text.includes('8 690.00 DKK'));
      const pdf = mail.attachments.find((a) => a.contentType === 'application/pdf');
      assert.ok(pdf, 'PDF attached');
      assert.equal(pdf.filename, `order-${order.number}.pdf`);
      assert.equal(pdf.content.subarray(0, 5).toString('latin1'), '%PDF-');
      const drawn = pdfText(pdf.content);
      assert.match(drawn, new RegExp(`Order ${order.number}`));
      assert.ok(drawn.includes('8 690.00 DKK'), 'PDF total');
      assert.ok(drawn.includes('voyado test') || drawn.includes('PO number'), 'PDF PO number');
      assert.ok(mail.raw.length > 1000);
    }
    assert.equal(readdirSync(emlDir).filter((f) => f.endsWith('.eml')).length >= 2, true, '.eml files written');
  });

  it('the PDF is deterministic', () => {
    const config = loadFallbackConfig();
    const a = body(plan(config, 'examples/order.json')[0]).attachments[0].contentBase64;
    const b = body(plan(config, 'examples/order.json')[0]).attachments[0].contentBase64;
    assert.equal(a, b);
  });

  it('a Swedish DTC store: the customer gets a Swedish receipt', async () => {
    const config = loadFallbackConfig();
    const [d] = plan(config, 'examples/dtc-order.json');
    assert.equal(d.recipient, 'customer');
    const transport = createSmtpTransport({ server: server(), resolveSecret });
    assert.equal((await transport.send(d, signal())).kind, 'delivered');
    const [mail] = await emu.control.waitForMessages(1);
    assert.match(mail.subject ?? '', /^Orderkvitto \d+$/);
    assert.match(mail.text ?? '', /Totalt: /);
    assert.match(String(mail.html), /Tack för din order/);
  });

  it('the language setting: store language sv-SE with fallback.language store', async () => {
    const base = loadFallbackConfig();
    const config: Config = { ...base, stores: base.stores.map((s) => (s.id === 1 ? { ...s, language: 'sv-SE', fallback: { ...s.fallback, language: 'store' } } : s)) };
    const [d] = plan(config, 'examples/shipment.json');
    await createSmtpTransport({ server: server(), resolveSecret }).send(d, signal());
    const [mail] = await emu.control.waitForMessages(1);
    assert.match(mail.subject ?? '', /^Order \d+ har skickats$/);
    assert.match(mail.text ?? '', /Spåra din leverans: https:\/\/tracking\.example\/track\?number=/);
  });

  it('4xx is transient, 5xx permanent with the server reply kept', async () => {
    const [d] = plan(loadFallbackConfig(), 'examples/cancel.json');
    const transport = createSmtpTransport({ server: server(), resolveSecret });
    emu.control.failNext(1, 451, 'Try again later (greylisted)');
    const t = await transport.send(d, signal());
    assert.equal(t.kind, 'transient');
    assert.equal((t as { status?: number }).status, 451);
    assert.ok(!(t as { ambiguous?: boolean }).ambiguous);
    emu.control.failNext(1, 550, 'Mailbox unavailable', 'rcpt');
    const p = await transport.send(d, signal());
    assert.equal(p.kind, 'permanent');
    assert.equal((p as { status?: number }).status, 550);
    assert.match((p as { error: string }).error, /Mailbox unavailable/);
    emu.control.failNext(1, 552, 'Message too big');
    const p2 = await transport.send(d, signal());
    assert.equal(p2.kind, 'permanent');
    assert.match((p2 as { error: string }).error, /552.*Message too big/);
    assert.equal(emu.messages.length, 0);
    assert.equal((await transport.send(d, signal())).kind, 'delivered');
  });

  it('a timeout after DATA is transient and ambiguous; a refused connection transient', async () => {
    const [d] = plan(loadFallbackConfig(), 'examples/cancel.json');
    emu.control.hangNext(1);
    const fast = createSmtpTransport({ server: { ...server(), socketTimeoutMs: 300 }, resolveSecret });
    const o = await fast.send(d, signal());
    assert.equal(o.kind, 'transient');
    assert.equal((o as { ambiguous?: boolean }).ambiguous, true);
    const refused = createSmtpTransport({ server: { ...server(), port: 1 }, resolveSecret });
    const r = await refused.send(d, signal());
    assert.equal(r.kind, 'transient');
    assert.ok(!(r as { ambiguous?: boolean }).ambiguous);
  });

  it('AUTH: right credentials deliver, wrong ones are permanent (535)', async () => {
    const authEmu = await startSmtpEmulator({ authRequired: true, users: { bridge: 's3cret' } });
    try {
      const [d] = plan(loadFallbackConfig(), 'examples/cancel.json');
      const cfg = smtpServerSchema.parse({ host: '127.0.0.1', port: authEmu.port, auth: { user: 'bridge', pass: { env: 'SMTP_TEST_PASS' } } });
      const env = { SMTP_TEST_PASS: 's3cret' };
      assert.equal((await createSmtpTransport({ server: cfg, resolveSecret: (ref) => resolveSecret(ref, env) }).send(d, signal())).kind, 'delivered');
      const bad = await createSmtpTransport({ server: cfg, resolveSecret: () => 'wrong' }).send(d, signal());
      assert.equal(bad.kind, 'permanent');
      assert.equal((bad as { status?: number }).status, 535);
      const none = await createSmtpTransport({ server: { ...cfg, auth: undefined }, resolveSecret }).send(d, signal());
      assert.equal(none.kind, 'permanent');
    } finally {
      await authEmu.close();
    }
  });

  it('classification without a server', () => {
    assert.equal(classifySmtpError(Object.assign(new Error('x'), { responseCode: 421, response: '421 busy' }), false).kind, 'transient');
    assert.equal(classifySmtpError(Object.assign(new Error('x'), { responseCode: 554, response: '554 no' }), true).kind, 'permanent');
    assert.deepEqual(classifySmtpError(Object.assign(new Error('Connection timeout'), { code: 'ETIMEDOUT', command: 'CONN' }), false), { kind: 'transient', error: 'ETIMEDOUT on CONN Connection timeout' });
    assert.equal((classifySmtpError(Object.assign(new Error('Timeout'), { code: 'ETIMEDOUT' }), true) as { ambiguous?: boolean }).ambiguous, true);
  });
});
