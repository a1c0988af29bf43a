// SPEC §2 as a table: each store / buyer setting × email type × with and without a sales rep
// → the emails and recipients, and a reason for every one not sent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseEvent } from '../../src/centra/parse-event.ts';
import type { CentraEvent } from '../../src/centra/event-schema.ts';
import { toCommerceEvent } from '../../src/centra/to-commerce-event.ts';
import { decideEmails } from '../../src/emails/decide.ts';
import { emailSettingsSchema, type EmailSettings } from '../../src/emails/settings.ts';
import { rawEventAt } from '../helpers/golden.ts';

/** The decision on a Centra event, converted to the domain as the pipeline does. */
const decide = (e: CentraEvent, s: EmailSettings) => decideEmails(toCommerceEvent(e), s);

const SEND_TO = ['none', 'sales_rep', 'buyer', 'both'] as const;
const settings = (s: Partial<EmailSettings>) => emailSettingsSchema.parse(s);

function orderEvent(file: string, opts: { rep: boolean; shippingEmail?: boolean; override?: boolean | null; context?: object }) {
  const e = rawEventAt(`test/golden/events/${file}`);
  const order = e.type === 'shipment' ? e.object.order : e.object;
  if (!opts.rep) order.account.salesRepresentative = null;
  if (opts.shippingEmail === false) order.account.shippingEmail = '';
  if (opts.override !== undefined) order.buyer.sendOrderReceipt = opts.override;
  e.context = { ...(e.context ?? {}), ...(opts.context ?? {}) };
  return parseEvent(e);
}

/** "buyer,sales_rep" of the intents, and every skipped copy has a reason. */
function recipients(d: ReturnType<typeof decideEmails>, emailType: string): string {
  for (const s of d.skipped) assert.ok(s.reason.length > 10, `skipped without a reason: ${JSON.stringify(s)}`);
  for (const i of d.intents) assert.equal(i.emailType, emailType);
  return d.intents.map((i) => i.recipient).join(',');
}

const expect = (buyer: boolean, rep: boolean) => [buyer && 'buyer', rep && 'sales_rep'].filter(Boolean).join(',');

test('order receipt: store on/off × buyer override × "send order confirmation emails to" × sales rep', () => {
  for (const orderReceipt of [true, false])
    for (const override of [null, true, false] as const)
      for (const to of SEND_TO)
        for (const rep of [true, false]) {
          const d = decide(orderEvent('klaviyo-order.json', { rep, override }), settings({ orderReceipt, orderConfirmationTo: to }));
          const buyer = override ?? orderReceipt;
          const salesRep = orderReceipt && (to === 'sales_rep' || to === 'both') && rep;
          assert.equal(recipients(d, 'order'), expect(buyer, salesRep), `receipt=${orderReceipt} override=${override} to=${to} rep=${rep}`);
          assert.equal(d.intents.length + d.skipped.length, 2);
        }
});

test('order confirmation: "send order confirmation emails to" × sales rep', () => {
  const table: Record<(typeof SEND_TO)[number], [boolean, boolean]> = { none: [false, false], sales_rep: [false, true], buyer: [true, false], both: [true, true] };
  for (const to of SEND_TO)
    for (const rep of [true, false]) {
      const d = decide(orderEvent('klaviyo-order_conf.json', { rep }), settings({ orderConfirmationTo: to }));
      assert.equal(recipients(d, 'order_conf'), expect(table[to][0], table[to][1] && rep), `to=${to} rep=${rep}`);
    }
});

test('shipment: "send shipment confirmation emails to" × sales rep × shipping-address email × manual completion', () => {
  for (const to of SEND_TO)
    for (const rep of [true, false])
      for (const shippingEmail of [true, false])
        for (const sendEmailToClient of [undefined, true, false]) {
          const d = decide(orderEvent('klaviyo-shipment.json', { rep, shippingEmail, context: sendEmailToClient === undefined ? {} : { sendEmailToClient } }), settings({ shipmentConfirmationTo: to }));
          const sent = sendEmailToClient !== false;
          const buyer = sent && (to === 'buyer' || to === 'both') && shippingEmail;
          const salesRep = sent && (to === 'sales_rep' || to === 'both') && rep;
          assert.equal(recipients(d, 'shipment'), expect(buyer, salesRep), `to=${to} rep=${rep} shippingEmail=${shippingEmail} send=${sendEmailToClient}`);
        }
});

test('cancel: only with "Send email to client" = Yes (default No), buyer only', () => {
  for (const rep of [true, false])
    for (const [sendEmailToClient, byDefault, sent] of [
      [undefined, false, false],
      [undefined, true, true],
      [true, false, true],
      [false, true, false],
    ] as const) {
      const d = decide(orderEvent('klaviyo-cancel.json', { rep, context: sendEmailToClient === undefined ? { sendEmailToClient: undefined } : { sendEmailToClient } }), settings({ cancelEmailByDefault: byDefault }));
      assert.equal(recipients(d, 'cancel'), expect(sent, false));
      if (sent) assert.equal(d.intents[0].message, 'additional message');
    }
});

test('welcome to Showroom: Yes / No / Only when created in Showroom', () => {
  for (const [welcomeEmail, createdIn, sent] of [
    ['yes', 'ams', true],
    ['yes', 'showroom', true],
    ['no', 'showroom', false],
    ['showroom_only', 'showroom', true],
    ['showroom_only', 'ams', false],
    ['showroom_only', 'api', false],
  ] as const) {
    const e = rawEventAt('test/golden/events/klaviyo-buyer_created.json');
    e.context.createdIn = createdIn;
    const d = decide(parseEvent(e), settings({ welcomeEmail }));
    assert.equal(recipients(d, 'buyer_created'), expect(sent, false), `${welcomeEmail}/${createdIn}`);
    assert.equal(d.intents[0]?.link ?? e.context.link, e.context.link);
  }
});

test('password reset always goes to the buyer, each request its own email', () => {
  const a = rawEventAt('test/golden/events/klaviyo-forgot_email.json');
  const b = structuredClone(a);
  b.date = '2024-07-10 08:00:00.000000';
  const da = decide(parseEvent(a), settings({ welcomeEmail: 'no', orderReceipt: false, orderConfirmationTo: 'none' }));
  const db = decide(parseEvent(b), settings({}));
  assert.equal(recipients(da, 'forgot_email'), 'buyer');
  assert.notEqual(da.intents[0].key, db.intents[0].key);
});

test('invoice: "Send e-mail invoice" × sales-rep copy × sales rep; credit notes alike', () => {
  for (const type of ['invoice', 'creditnote'] as const)
    for (const sendEmailInvoice of [true, false])
      for (const salesRepCopy of [true, false])
        for (const rep of [true, false]) {
          const e = rawEventAt('test/golden/events/klaviyo-invoice.json');
          e.object.type = type;
          e.context = { ...e.context, sendEmailInvoice, salesRepCopy };
          if (!rep) e.object.account.salesRepresentative = null;
          const d = decide(parseEvent(e), settings({}));
          assert.equal(recipients(d, type), expect(sendEmailInvoice, sendEmailInvoice && salesRepCopy && rep), `${type} send=${sendEmailInvoice} copy=${salesRepCopy} rep=${rep}`);
          if (sendEmailInvoice) assert.equal(d.intents[0].to, e.object.address.email);
        }
});

test('a buyer who does not receive automatic emails gets no receipt, confirmation or shipment email', () => {
  for (const file of ['klaviyo-order.json', 'klaviyo-order_conf.json', 'klaviyo-shipment.json']) {
    const e = rawEventAt(`test/golden/events/${file}`);
    const order = e.type === 'shipment' ? e.object.order : e.object;
    order.buyer.receiveAutoEmails = false;
    const d = decide(parseEvent(e), settings({ orderConfirmationTo: 'both', shipmentConfirmationTo: 'both' }));
    assert.equal(d.intents.map((i) => i.recipient).join(','), 'sales_rep', file);
    assert.match(d.skipped[0].reason, /automatic emails/);
  }
});

test('DTC: customer copies only, refund included, no sales-rep copies', () => {
  const e = rawEventAt('test/golden/events/klaviyo-order.json');
  e.object.store = { id: 2, name: 'DTC', type: 'DIRECT_TO_CONSUMER' };
  delete e.object.buyer;
  delete e.object.account;
  e.object.customer = { id: 8, email: 'c@example.com', firstName: 'C', lastName: 'D' };
  for (const [action, status, email] of [
    ['create', 'PENDING', 'order'],
    ['update', 'CONFIRMED', 'order_conf'],
  ] as const) {
    const ev = structuredClone(e);
    ev.action = action;
    ev.object.status = status;
    const d = decide(parseEvent(ev), settings({ orderConfirmationTo: 'both' }));
    assert.equal(recipients(d, email), 'customer');
    assert.equal(d.intents[0].to, 'c@example.com');
  }
  const ret = { type: 'return', action: 'update', id: 77, date: '2025-01-01 10:00:00', object: { id: 77, lines: [{ orderLine: { id: 1 }, quantity: 2 }], refundPaymentHistory: [{ entryType: 'REFUND', status: 'SUCCESS' }], order: e.object } };
  assert.equal(recipients(decide(parseEvent(ret), settings({})), 'refund'), 'customer');
  ret.object.refundPaymentHistory = [{ entryType: 'REFUND', status: 'PENDING' }];
  assert.equal(decide(parseEvent(ret), settings({})).intents.length, 0);
});

test('the same event twice gives the same keys; a hand-made resend gets a new key', () => {
  const a = decide(orderEvent('klaviyo-order.json', { rep: true }), settings({ orderConfirmationTo: 'both' }));
  const b = decide(orderEvent('klaviyo-order.json', { rep: true }), settings({ orderConfirmationTo: 'both' }));
  assert.deepEqual(a.intents.map((i) => i.key), b.intents.map((i) => i.key));
  assert.equal(new Set(a.intents.map((i) => i.key)).size, 2);
  const manual = decide(orderEvent('klaviyo-order.json', { rep: true, context: { manual: { emailType: 'order', requestId: 'r-1' } } }), settings({ orderReceipt: false }));
  assert.equal(recipients(manual, 'order'), 'buyer');
  assert.ok(!a.intents.some((i) => i.key === manual.intents[0].key));
});
