// The whole service (startService) with Engage sync on the DTC store: signed webhooks from the
// Centra sender, snapshots from the Centra emulator, contacts / receipts / redeems / emails into the
// Voyado Engage emulator. Promotions are redeemed once per paid, shipped order — and never for the
// others — even when Centra sends every webhook twice. The storefront route answers over HTTP.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createWebhookSender, generateDataset, startCentraEmulator, startKlaviyoEmulator, startVoyadoEmulator } from '../../../../sandbox/index.ts';
import { toOrder } from '../../../../src/centra/to-domain.ts';
import { parseConfig } from '../../../../src/config/load.ts';
import { startService } from '../../../../src/server/service.ts';
import { PROMOTION_ATTRIBUTE } from '../../../../src/esp/voyado/engage/receipt.ts';
import { tempDir, waitFor } from '../../../helpers/sandbox.ts';

const SECRET = 'whsec-engage';
const STOREFRONT = 'storefront-token';

test('signed webhooks → Engage: contacts, receipts for Members, redeems exactly once for paid shipped orders', async () => {
  const dataset = generateDataset({ seed: 11, orders: 120 });
  const [centra, klaviyo, voyado] = await Promise.all([startCentraEmulator({ dataset }), startKlaviyoEmulator(), startVoyadoEmulator()]);
  const tmp = tempDir();
  const config = parseConfig({
    stores: [
      { id: 1, name: 'Showroom', kind: 'wholesale', language: 'en', plugins: [{ name: 'klaviyo', esp: 'klaviyo', apiKey: 'klaviyo-test-key', baseUrl: klaviyo.url }] },
      {
        id: 2,
        name: 'Webshop',
        kind: 'dtc',
        language: 'sv-SE',
        emails: { accountCreated: false },
        plugins: [
          {
            name: 'engage',
            esp: 'voyado',
            apiKey: 'voyado-test-key',
            baseUrl: voyado.url,
            storeExternalId: 'market',
            engage: { syncContacts: 'registered', newsletterAsContact: true, receipts: true, promotions: { enabled: true, vouchers: { SUMMER: 'CENTRA-SUMMER-10' }, storefrontToken: STOREFRONT } },
          },
        ],
      },
    ],
    // The emails no plugin here has (wholesale refunds, DTC "account created") fall back; this test is not about them.
    smtp: { host: '127.0.0.1', port: 9 },
    storage: { sqlitePath: `${tmp.dir}/bridge.sqlite` },
    delivery: { timeoutMs: 2_000, retry: { baseMs: 50, factor: 2, capMs: 400 }, pollMs: 20, leaseMs: 10_000, limits: { default: { attemptTimeoutMs: 8_000 } } },
    server: { host: '127.0.0.1', port: 0, webhookSecrets: [SECRET], adminToken: 'admin-token' },
    centra: { url: `${centra.url}/graphql`, token: 'centra-test-token' },
  });
  const service = await startService(config, { logLevel: 'silent', processor: { retryBaseMs: 50, retryCapMs: 300, pollMs: 50 } });
  try {
    // Every promotion id the storefront put on an order exists in Engage (assigned to someone).
    const holder = voyado.state.seedContact({ email: 'promotions-holder@example.com' });
    const promoOrders = new Map<number, string>();
    for (const o of dataset.orders) {
      const a = o.attributes.find((x: any) => x.key === PROMOTION_ATTRIBUTE || x.name === PROMOTION_ATTRIBUTE || JSON.stringify(x).includes(PROMOTION_ATTRIBUTE));
      if (!a) continue;
      const snap = await service.centra.fetchSnapshot({ type: 'order', id: o.number });
      const id = toOrder(snap!).attributes[PROMOTION_ATTRIBUTE];
      if (!id) continue;
      promoOrders.set(o.number, id);
      voyado.state.seedPromotion({ id, contactId: holder.id });
    }
    assert.ok(promoOrders.size > 0, 'the dataset has orders with a promotion');

    const events = dataset.timeline.filter((e) => e.channel === 'webhook');
    const sender = createWebhookSender({ url: `${service.url}/webhooks/centra`, secret: SECRET, retryDelaysMs: [50, 100, 200] });
    assert.equal((await sender.send(events)).dropped, 0);
    assert.equal((await sender.send(events)).dropped, 0, 'Centra sends it all again');
    const backlog = async () => (await service.bridge.outbox.countsByStateAndEsp()).filter((c) => c.esp !== 'smtp' && c.status !== 'delivered' && c.status !== 'dead').reduce((n, c) => n + c.count, 0);
    await waitFor(async () => (await service.inbox.pendingCount()) === 0 && (await backlog()) === 0, 'inbox and deliveries drained', 90_000);
    assert.equal((await service.inbox.counts()).failed, 0);

    const rows = await service.bridge.outbox.listDeliveries({ esp: 'voyado', limit: 100_000 });
    const dead = rows.filter((r) => r.status === 'dead');
    assert.deepEqual(dead.map((r) => `${r.id}: ${r.lastError}`), []);

    // Which orders should have been redeemed: a promotion, a shipped shipment whose event was sent, a successful payment.
    const sentShipments = new Set(events.filter((e) => e.type === 'shipment').map((e) => Number(e.id)));
    const expected = new Set<string>();
    const notExpected = new Set<string>();
    for (const [number, promo] of promoOrders) {
      const order = toOrder((await service.centra.fetchSnapshot({ type: 'order', id: number }))!);
      const shipped = dataset.shipments.some((s) => s.orderNumber === number && s.shippedAt && sentShipments.has(s.id));
      (shipped && order.paymentSucceeded === true && order.store.kind === 'dtc' ? expected : notExpected).add(promo);
    }
    assert.ok(expected.size > 0, 'some paid orders shipped with a promotion');
    const redeemed = voyado.state.redemptions.map((r) => r.id);
    assert.equal(redeemed.length, new Set(redeemed).size, 'no promotion redeemed twice');
    assert.deepEqual(new Set(redeemed), expected);
    for (const p of notExpected) assert.equal(voyado.state.promotions.get(p)!.redeemed, false, `${p} was redeemed without a successful payment or shipment`);
    const redeemRows = rows.filter((r) => r.emailType === 'engage_redeem');
    assert.equal(redeemRows.length, expected.size);
    assert.ok(redeemRows.every((r) => r.status === 'delivered' && r.attempts === 1));

    // Receipts: one per uniqueReceiptId, each to a Member that exists.
    const receiptIds = voyado.state.receipts.map((r) => (r.body as any).uniqueReceiptId);
    assert.ok(receiptIds.length > 0);
    assert.equal(receiptIds.length, new Set(receiptIds).size);
    assert.equal(receiptIds.length, rows.filter((r) => r.emailType === 'engage_receipt').length);
    const registered = new Set(dataset.customers.filter((c) => c.isRegistered).map((c) => c.email.toLowerCase()));
    for (const r of voyado.state.receipts) assert.ok(registered.has(String((r.body as any).contact.matchKey).toLowerCase()) || (r.body as any).contact.matchKeyType === 'ContactId');
    // Contacts: never two for one email and type.
    const keys = [...voyado.state.contacts.values()].map((c) => `${String(c.attributes.email).toLowerCase()}|${c.contactType}`);
    assert.equal(keys.length, new Set(keys).size);

    // The storefront asks for a registered customer's promotions through the service, with its own token.
    const member = dataset.customers.find((c) => c.isRegistered)!;
    const contactId = voyado.state.findByEmail(member.email)[0]?.id ?? voyado.state.seedContact({ email: member.email }).id;
    const offer = voyado.state.seedPromotion({ contactId, externalId: 'SUMMER', name: 'Summer', redemptionChannels: [{ type: 'ECOM', valueType: 'EXTERNALOFFER', value: 'SUMMER-CODE' }] });
    const url = `${service.url}/api/promotions?customerId=${member.id}`;
    assert.equal((await fetch(url, { headers: { authorization: 'Bearer admin-token' } })).status, 401, 'the admin token is not the storefront token');
    const res = await fetch(url, { headers: { authorization: `Bearer ${STOREFRONT}` } });
    assert.equal(res.status, 200);
    const body = (await res.json()) as any;
    assert.equal(body.contactId, contactId);
    assert.deepEqual(body.promotions.map((p: any) => [p.id, p.centraVoucher]), [[offer.id, 'CENTRA-SUMMER-10']]);
  } finally {
    await service.close();
    await Promise.all([centra.close(), klaviyo.close(), voyado.close()]);
    tmp.remove();
  }
});
