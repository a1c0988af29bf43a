// planSync: which sync operations each event yields, for every mode × registered × Engage id × newsletter.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CentraEvent } from '../../../../src/centra/event-schema.ts';
import { toCommerceEvent } from '../../../../src/centra/to-commerce-event.ts';
import type { StoreConfig } from '../../../../src/config/schema.ts';
import { planSync } from '../../../../src/pipeline/plan.ts';
import { planEvent } from '../../../../src/pipeline/plan.ts';
import { parseDirective } from '../../../../src/esp/voyado/engage/contact-type.ts';
import { customerEvent, dtcConfig, orderEvent, returnEvent, shipmentEvent, type EngageOptions } from './fixtures.ts';

/** The sync a Centra event causes, converted to the domain as the pipeline does. */
const syncOf = (e: CentraEvent, s: StoreConfig) => planSync(toCommerceEvent(e), s);

const BASE = 'https://tenant.voyado.com';
const store = (e: EngageOptions) => dtcConfig(BASE, e).stores[0];
const MODES = ['all', 'registered', 'engage_id', 'off'] as const;

/** What the seed says each combination becomes. */
function expectedRole(mode: (typeof MODES)[number], registered: boolean, engageId: boolean, newsletter: boolean, newsletterAsContact: boolean) {
  const member = mode === 'all' || (mode === 'registered' && registered) || (mode === 'engage_id' && engageId);
  if (mode === 'off') return 'none';
  if (member) return 'Member';
  if (newsletterAsContact && newsletter) return 'Contact';
  return 'transactional';
}

test('contact sync: every mode × registered × Engage id × newsletter × toggle', () => {
  let n = 0;
  for (const mode of MODES)
    for (const registered of [true, false])
      for (const engageId of [true, false])
        for (const newsletter of [true, false])
          for (const newsletterAsContact of [true, false]) {
            const s = store({ syncContacts: mode, newsletterAsContact });
            const c = { id: 40 + n++, email: `c${n}@example.com`, isRegistered: registered, newsletter, engageContactId: engageId ? 'f3b1c2d4-0000-4000-8000-000000000001' : null };
            const plan = syncOf(customerEvent(c), s);
            const want = expectedRole(mode, registered, engageId, newsletter, newsletterAsContact);
            const label = JSON.stringify({ mode, registered, engageId, newsletter, newsletterAsContact });
            if (want === 'none' || want === 'transactional') {
              assert.equal(plan.length, 0, label);
              continue;
            }
            assert.equal(plan.length, 1, label);
            const d = plan[0];
            assert.equal(d.emailType, 'engage_contact');
            assert.equal(d.esp, 'voyado');
            assert.equal(d.plugin, 'engage');
            assert.equal(d.recipient, 'customer');
            assert.match(d.id, new RegExp(`^2:engage_contact:customer-${c.id}:[0-9a-f]{12}$`));
            assert.equal((d.request.body as { contactType: string }).contactType, want, label);
            assert.match(d.request.url, /\/api\/v3\/contacts\?source=centra&storeExternalId=NordicMarket$/);
            const dir = parseDirective(d.request.headers)!;
            assert.equal(dir.customerId, c.id);
            assert.equal(dir.contactId, engageId ? c.engageContactId! : undefined);
            assert.equal(dir.minRank, want === 'Member' ? 3 : 2);
          }
  assert.equal(n, 64);
});

test('contact sync: the same event twice has one id; an update is a new delivery; password resets sync nothing', () => {
  const s = store({ syncContacts: 'all' });
  const c = { id: 9, email: 'nine@example.com' };
  const a = syncOf(customerEvent(c, 'create'), s)[0].id;
  assert.equal(syncOf(customerEvent(c, 'create'), s)[0].id, a);
  assert.notEqual(syncOf(customerEvent(c, 'update', '2024-07-02 08:00:00.000000'), s)[0].id, a);
  assert.deepEqual(syncOf(customerEvent(c, 'password_reset'), s), []);
});

test('receipts: Purchase on a confirmed order and a Return on a refund, only for Members', () => {
  for (const mode of MODES)
    for (const registered of [true, false])
      for (const engageId of [true, false]) {
        const s = store({ syncContacts: mode, newsletterAsContact: true });
        const customer = { id: 5, email: 'r@example.com', isRegistered: registered, newsletter: true, engageContactId: engageId ? 'a1b2c3d4-0000-4000-8000-00000000000a' : null };
        const o = { number: 3001, customer };
        const purchase = syncOf(orderEvent(o), s);
        const ret = syncOf(returnEvent(o, 77), s);
        const member = mode !== 'off' && expectedRole(mode, registered, engageId, true, true) === 'Member';
        const label = JSON.stringify({ mode, registered, engageId });
        assert.equal(purchase.length, member ? 1 : 0, label);
        assert.equal(ret.length, member ? 1 : 0, label);
        if (!member) continue;
        assert.equal(purchase[0].id, '2:engage_receipt:order-3001');
        assert.equal(ret[0].id, '2:engage_receipt:return-77');
        const body = purchase[0].request.body as any;
        assert.equal(body.uniqueReceiptId, 'centra-2-order-3001');
        assert.equal(body.storeExternalId, 'NordicMarket');
        assert.deepEqual(body.contact, engageId ? { matchKey: customer.engageContactId, matchKeyType: 'ContactId' } : { matchKey: 'r@example.com', matchKeyType: 'Email', contactType: 'Member' });
        assert.equal((ret[0].request.body as any).uniqueReceiptId, 'centra-2-return-77');
      }
});

test('receipts: not before confirmation, not with receipts off, not for a failed payment; the same id from order and shipment', () => {
  const s = store({ syncContacts: 'all' });
  const c = { id: 6, email: 'p@example.com' };
  assert.deepEqual(syncOf(orderEvent({ number: 1, customer: c, status: 'PENDING' }), s), []);
  assert.deepEqual(syncOf(orderEvent({ number: 1, customer: c }), store({ syncContacts: 'all', receipts: false })), []);
  assert.deepEqual(syncOf(orderEvent({ number: 1, customer: c, payment: 'failed' }), s), []);
  assert.deepEqual(syncOf(returnEvent({ number: 1, customer: c }, 8, { refunded: false }), s), []);
  const fromOrder = syncOf(orderEvent({ number: 1, customer: c }), s).map((d) => d.id);
  const fromShipment = syncOf(shipmentEvent({ number: 1, customer: c }, 501, { isShipped: false, isGoodToGo: true }), s).map((d) => d.id);
  assert.deepEqual(fromOrder, ['2:engage_receipt:order-1']);
  assert.deepEqual(fromShipment, fromOrder);
});

test('redeem: once shipped with a successful payment, with a stable id; never unpaid, failed, unshipped or disabled', () => {
  const s = store({ syncContacts: 'registered', receipts: false });
  const c = { id: 7, email: 'promo@example.com', isRegistered: false };
  const paid = { number: 4001, customer: c, promotionId: 'inst-1' };
  const a = syncOf(shipmentEvent(paid, 601), s);
  const b = syncOf(shipmentEvent(paid, 602, { date: '2024-07-10 10:00:00.000000' }), s);
  assert.equal(a.length, 1);
  assert.equal(a[0].id, '2:engage_redeem:order-4001');
  assert.deepEqual(b.map((d) => d.id), [a[0].id], 'a second shipment of the order plans the same redeem');
  assert.equal(a[0].emailType, 'engage_redeem');
  assert.equal(a[0].request.url, `${BASE}/api/v2/promotions/codes/inst-1/redeem`);
  assert.deepEqual(a[0].request.body, { redemptionChannel: 'ECOM' });
  assert.deepEqual(syncOf(shipmentEvent({ ...paid, payment: 'failed' }), s), []);
  assert.deepEqual(syncOf(shipmentEvent({ ...paid, payment: 'none' }), s), []);
  assert.deepEqual(syncOf(shipmentEvent(paid, 603, { isShipped: false }), s), []);
  assert.deepEqual(syncOf(shipmentEvent({ number: 4002, customer: c }), s), [], 'no promotion on the order');
  assert.deepEqual(syncOf(shipmentEvent(paid), store({ syncContacts: 'all', receipts: false, promotions: { enabled: false } })), []);
});

test('wiring: planEvent appends the sync deliveries; order emails carry the contact directive; off = nothing new', () => {
  const config = dtcConfig(BASE, { syncContacts: 'registered' });
  const plan = planEvent(shipmentEvent({ number: 12, customer: { id: 3, email: 'g@example.com', isRegistered: false }, promotionId: 'x' }), config);
  assert.deepEqual(plan.deliveries.map((d) => d.emailType).sort(), ['engage_redeem', 'shipment']);
  const email = plan.deliveries.find((d) => d.emailType === 'shipment')!;
  assert.equal(email.request.url, `${BASE}/api/v2/orders`);
  assert.equal(parseDirective(email.request.headers)!.type, 'TransactionalContact');
  const off = planEvent(shipmentEvent({ number: 12, customer: { id: 3, email: 'g@example.com' }, promotionId: 'x' }), dtcConfig(BASE, { syncContacts: 'off', receipts: false, promotions: { enabled: false } }));
  assert.deepEqual(off.deliveries.map((d) => d.emailType), ['shipment']);
  assert.equal(parseDirective(off.deliveries[0].request.headers), null);
});
