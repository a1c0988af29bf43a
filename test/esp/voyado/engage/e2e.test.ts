// End to end: Centra events → openBridge(...).submit → outbox → worker → real HTTP to the Voyado
// Engage emulator. Contact sync per mode, receipts for Members only, transactional contacts for
// unknown recipients, promotions redeemed exactly once and only for paid orders.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { startVoyadoEmulator } from '../../../../sandbox/index.ts';
import { openBridge, type Bridge } from '../../../../src/app/bridge.ts';
import { tempDir } from '../../../helpers/sandbox.ts';
import { customerEvent, dtcConfig, orderEvent, returnEvent, shipmentEvent, type EngageOptions } from './fixtures.ts';

type Voyado = Awaited<ReturnType<typeof startVoyadoEmulator>>;

async function withBridge(engage: EngageOptions, run: (b: Bridge, v: Voyado) => Promise<void>): Promise<void> {
  const v = await startVoyadoEmulator();
  const tmp = tempDir();
  const bridge = openBridge(dtcConfig(v.url, engage, path.join(tmp.dir, 'bridge.sqlite')));
  try {
    await run(bridge, v);
  } finally {
    await bridge.close();
    await v.close();
    tmp.remove();
  }
}

async function deliver(bridge: Bridge, ...events: Parameters<Bridge['submit']>[0][]) {
  for (const e of events) await bridge.submit(e);
  await bridge.worker.drain({ timeoutMs: 20_000 });
}

async function allDelivered(bridge: Bridge) {
  const rows = await bridge.outbox.listDeliveries({ limit: 1000 });
  for (const r of rows) assert.equal(r.status, 'delivered', `${r.id}: ${r.status} ${r.lastError ?? ''}`);
  return rows;
}

const typeOf = (v: Voyado, email: string) => v.state.findByEmail(email).map((c) => c.contactType);

test('mode all: customers become Members (created once, then updated), purchase and return receipts once each', async () => {
  await withBridge({ syncContacts: 'all' }, async (bridge, v) => {
    const guest = { id: 21, email: 'guest@example.com', isRegistered: false };
    await deliver(bridge, customerEvent(guest), customerEvent({ ...guest, newsletter: true }, 'update', '2024-07-02 08:00:00.000000'));
    assert.deepEqual(typeOf(v, guest.email), ['Member']);
    assert.equal(v.state.createdContacts.length, 1);
    assert.equal(v.state.createdContacts[0].storeExternalId, 'NordicMarket');
    assert.equal(v.state.createdContacts[0].source, 'centra');
    assert.equal(v.state.contactUpdates.length, 1, 'the second event updated the contact it remembered');
    const id = v.state.createdContacts[0].id;
    assert.equal(v.state.contactUpdates[0].contactId, id);
    assert.deepEqual((await bridge.storage.contacts.byCustomer('engage', 21))?.contactId, id);

    const o = { number: 5001, customer: guest };
    await deliver(bridge, orderEvent(o), orderEvent(o), shipmentEvent(o), returnEvent(o, 61));
    assert.equal(v.state.receipts.length, 2);
    const [purchase, ret] = v.state.receipts.map((r) => r.body as any);
    assert.equal(purchase.uniqueReceiptId, 'centra-2-order-5001');
    assert.equal(ret.uniqueReceiptId, 'centra-2-return-61');
    assert.ok(ret.items.every((i: any) => i.quantity < 0));
    // Emails: confirmation, shipped, returned as v2 orders; no second contact was created for them.
    assert.deepEqual(v.state.orders.map((x) => (x.body as any).orderStatus), ['ORDER_CONFIRMED', 'ORDER_SHIPPED', 'ORDER_RETURNED']);
    assert.equal(v.state.createdContacts.length, 1);
    const rows = await allDelivered(bridge);
    assert.deepEqual(rows.filter((r) => r.emailType === 'engage_receipt').map((r) => r.id).sort(), ['2:engage_receipt:order-5001', '2:engage_receipt:return-61']);
    for (const r of rows) assert.ok(!JSON.stringify(r).includes('voyado-test-key'));
    // A receipt posted again (an operator replay) is ignored by Engage: still two receipts.
    assert.equal(await bridge.outbox.replay('2:engage_receipt:order-5001', { evenDelivered: true }), true);
    await bridge.worker.drain({ timeoutMs: 20_000 });
    assert.equal(v.state.receipts.length, 2);
    assert.equal(v.state.counters.duplicates, 1);
  });
});

test('mode registered: registered → Member with receipts; an unknown guest gets a transactional contact first, then the email, no receipt', async () => {
  await withBridge({ syncContacts: 'registered' }, async (bridge, v) => {
    const guest = { id: 31, email: 'walkin@example.com', isRegistered: false };
    const member = { id: 32, email: 'member@example.com', isRegistered: true };
    await deliver(bridge, customerEvent(guest), customerEvent(member));
    assert.deepEqual(typeOf(v, guest.email), [], 'non-members are not synced on customer events');
    assert.deepEqual(typeOf(v, member.email), ['Member']);

    await deliver(bridge, orderEvent({ number: 6001, customer: guest }), orderEvent({ number: 6002, customer: member }));
    assert.deepEqual(typeOf(v, guest.email), ['TransactionalContact']);
    const created = v.state.createdContacts.find((c) => c.attributes.email === guest.email)!;
    const email = v.state.orders.find((x) => (x.body as any).orderNumber === '6001')!;
    assert.ok(Date.parse(created.createdOn) <= Date.parse(email.receivedAt), 'the contact existed before the order call');
    assert.equal((email.body as any).contact.matchKey, guest.email);
    assert.deepEqual(v.state.receipts.map((r) => (r.body as any).uniqueReceiptId), ['centra-2-order-6002'], 'receipts only for the Member');
    await deliver(bridge, shipmentEvent({ number: 6001, customer: guest }));
    assert.equal(v.state.createdContacts.filter((c) => c.attributes.email === guest.email).length, 1, 'the transactional contact is reused');

    // The guest registers: the customer update promotes the transactional contact to Member (never the reverse).
    await deliver(bridge, customerEvent({ ...guest, isRegistered: true }, 'update', '2024-08-01 08:00:00.000000'));
    assert.deepEqual(typeOf(v, guest.email), ['Member']);
    assert.equal(v.state.createdContacts.filter((c) => c.attributes.email === guest.email).length, 1);
    await allDelivered(bridge);
  });
});

test('mode engage_id: the carried contactId is updated in place and receipts match on it; others only get transactional contacts', async () => {
  await withBridge({ syncContacts: 'engage_id', newsletterAsContact: true }, async (bridge, v) => {
    const known = v.state.seedContact({ email: 'old-address@example.com', contactType: 'Member' });
    const withId = { id: 41, email: 'new-address@example.com', engageContactId: known.id };
    const subscriber = { id: 42, email: 'news@example.com', newsletter: true };
    const plain = { id: 43, email: 'plain@example.com' };
    await deliver(bridge, customerEvent(withId), customerEvent(subscriber), customerEvent(plain));
    assert.equal(v.state.contacts.get(known.id)!.attributes.email, 'new-address@example.com', 'updated by contactId, email included');
    assert.deepEqual(typeOf(v, subscriber.email), ['Contact'], 'newsletter subscribers → Contact');
    assert.deepEqual(typeOf(v, plain.email), []);
    assert.equal(v.state.createdContacts.length, 1);

    await deliver(bridge, orderEvent({ number: 7001, customer: withId }), orderEvent({ number: 7002, customer: plain }), orderEvent({ number: 7003, customer: subscriber }));
    assert.deepEqual(v.state.receipts.map((r) => (r.body as any).contact), [{ matchKey: known.id, matchKeyType: 'ContactId' }]);
    assert.deepEqual(typeOf(v, plain.email), ['TransactionalContact']);
    assert.deepEqual(typeOf(v, subscriber.email), ['Contact'], 'an existing contact gets the email as it is');
    assert.equal(v.state.orders.length, 3);
    await allDelivered(bridge);
  });
});

test('mode off: emails as before, no contact sync, no receipts, no redeem', async () => {
  await withBridge({ syncContacts: 'off', receipts: true, promotions: { enabled: false } }, async (bridge, v) => {
    const c = { id: 51, email: 'x@example.com' };
    await deliver(bridge, customerEvent(c), orderEvent({ number: 8001, customer: c, promotionId: 'p' }), shipmentEvent({ number: 8001, customer: c, promotionId: 'p' }));
    assert.equal(v.state.createdContacts.length, 0);
    assert.equal(v.state.receipts.length, 0);
    assert.equal(v.state.orders.length, 2);
    assert.equal(v.state.redemptions.length, 0);
  });
});

test('promotion on a paid order: redeemed exactly once, even when the shipped event arrives twice and on a second shipment', async () => {
  await withBridge({ syncContacts: 'registered', promotions: { enabled: true } }, async (bridge, v) => {
    const contact = v.state.seedContact({ email: 'promo@example.com' });
    const promo = v.state.seedPromotion({ contactId: contact.id, externalId: 'SUMMER10', redemptionChannels: [{ type: 'ECOM', valueType: 'EXTERNALOFFER', value: 'SUMMER10' }] });
    const o = { number: 9001, customer: { id: 61, email: 'promo@example.com' }, promotionId: promo.id };
    const shipped = shipmentEvent(o, 701);
    const first = await bridge.submit(shipped);
    const again = await bridge.submit(shipped);
    assert.ok(first.deliveries.some((d) => d.id === '2:engage_redeem:order-9001'));
    assert.equal(again.inserted, 0);
    await bridge.worker.drain({ timeoutMs: 20_000 });
    await deliver(bridge, shipmentEvent(o, 702, { date: '2024-07-10 09:00:00.000000' }));
    assert.equal(v.state.redemptions.length, 1);
    assert.equal(v.state.redemptions[0].id, promo.id);
    assert.equal(v.state.promotions.get(promo.id)!.redeemed, true);
    const row = (await bridge.outbox.getDelivery('2:engage_redeem:order-9001'))!;
    assert.equal(row.status, 'delivered');
    assert.equal(row.emailType, 'engage_redeem');
    assert.equal(row.attempts, 1);
    // A redeem that reaches Engage again (answer lost, operator replay): 409 PromotionAlreadyRedeemed counts as delivered.
    assert.equal(await bridge.outbox.replay(row.id, { evenDelivered: true }), true);
    await bridge.worker.drain({ timeoutMs: 20_000 });
    const replayed = (await bridge.outbox.getDelivery(row.id))!;
    assert.equal(replayed.status, 'delivered');
    assert.equal(replayed.lastStatus, 409);
    assert.equal(v.state.redemptions.length, 1);
    assert.deepEqual(await bridge.outbox.listDeliveries({ emailType: 'engage_redeem' }).then((r) => r.map((x) => x.id)), [row.id]);
  });
});

test('promotion on an unpaid or failed-payment order, or one not yet shipped: not redeemed', async () => {
  await withBridge({ syncContacts: 'registered', promotions: { enabled: true } }, async (bridge, v) => {
    const contact = v.state.seedContact({ email: 'unpaid@example.com' });
    const p1 = v.state.seedPromotion({ contactId: contact.id });
    const p2 = v.state.seedPromotion({ contactId: contact.id });
    const p3 = v.state.seedPromotion({ contactId: contact.id });
    const customer = { id: 71, email: 'unpaid@example.com' };
    await deliver(
      bridge,
      shipmentEvent({ number: 9101, customer, promotionId: p1.id, payment: 'failed' }),
      shipmentEvent({ number: 9102, customer, promotionId: p2.id, payment: 'none' }),
      shipmentEvent({ number: 9103, customer, promotionId: p3.id }, 803, { isShipped: false, isGoodToGo: true }),
    );
    assert.equal(v.state.redemptions.length, 0);
    assert.ok([p1, p2, p3].every((p) => !v.state.promotions.get(p.id)!.redeemed));
    assert.equal((await bridge.outbox.listDeliveries({ emailType: 'engage_redeem' })).length, 0);
  });
});

test('a redeem whose answer is lost (timeout after Engage acted): retried, 409 PromotionAlreadyRedeemed counts as delivered, one redemption', async () => {
  const v = await startVoyadoEmulator();
  const tmp = tempDir();
  const bridge = openBridge(dtcConfig(v.url, { syncContacts: 'registered', promotions: { enabled: true } }, path.join(tmp.dir, 'b.sqlite'), { timeoutMs: 300 }));
  try {
    const contact = v.state.seedContact({ email: 'lost@example.com' });
    const promo = v.state.seedPromotion({ contactId: contact.id });
    const event = shipmentEvent({ number: 9201, customer: { id: 81, email: 'lost@example.com', isRegistered: false }, promotionId: promo.id });
    event.context.sendEmailToClient = false; // only the redeem goes out
    const r = await fetch(`${v.url}/__control/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ mode: 'hang', count: 1, afterProcessing: true }) });
    assert.equal(r.status, 200);
    await deliver(bridge, event);
    const row = (await bridge.outbox.getDelivery('2:engage_redeem:order-9201'))!;
    assert.equal(row.status, 'delivered', row.lastError ?? '');
    assert.equal(row.attempts, 2);
    assert.equal(row.lastStatus, 409);
    assert.equal(v.state.redemptions.length, 1);
  } finally {
    await bridge.close();
    await v.close();
    tmp.remove();
  }
});
