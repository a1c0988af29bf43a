import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startVoyadoEmulator } from '../../sandbox/index.ts';
import { control, get, post } from './helpers.ts';

const KEY = 'voyado-key-1';
const h = { apikey: KEY, 'user-agent': 'test/1.0', 'content-type': 'application/json' };
const goldenOrder = JSON.parse(readFileSync(new URL('../../../shared/golden/voyado/order.json', import.meta.url), 'utf8'));
const receipt = (id: string, contactId: string) => ({
  contact: { matchKey: contactId, matchKeyType: 'ContactId' },
  uniqueReceiptId: id,
  receiptNumber: '1001',
  createdDate: '2024-07-09T15:34:18+02:00',
  storeExternalId: 'SE',
  currency: 'SEK',
  totalGrossPrice: 100,
  paymentMethods: [{ type: 'card', value: 100 }],
  items: [{ type: 'PURCHASE', sku: 'S1', articleNumber: 'A1', articleName: 'Shirt', quantity: 1, grossPaidPrice: 100, taxAmount: 20, taxPercent: 25 }],
});

describe('Voyado emulator', () => {
  let emu: Awaited<ReturnType<typeof startVoyadoEmulator>>;
  before(async () => {
    emu = await startVoyadoEmulator({ apiKeys: [KEY] });
  });
  after(() => emu.close());
  beforeEach(() => {
    emu.state.reset();
    emu.state.setLimits({ requestsPerSecond: 200 });
  });

  it('requires apikey (401), User-Agent (400) and Content-Type on bodies (500)', async () => {
    assert.equal((await get(`${emu.url}/api/v3/contacts/id?email=a@b.se`, { 'user-agent': 'x' })).status, 401);
    const noUa = await fetch(`${emu.url}/api/v3/contacts/id?email=a@b.se`, { headers: { apikey: KEY, 'user-agent': '' } });
    assert.equal(noUa.status, 400);
    assert.equal(emu.state.missingUserAgent, 1);
    const r = await post(`${emu.url}/api/v2/orders`, { apikey: KEY, 'user-agent': 'x', 'content-type': 'text/plain' }, goldenOrder);
    assert.equal(r.status, 500);
    assert.match(r.text, /An error has occurred/);
  });

  it('finds a contact id by email: 200 JSON string, 404 ContactNotFound, 409 MultipleMatches', async () => {
    const missing = await get(`${emu.url}/api/v3/contacts/id?email=${encodeURIComponent('x@example.com')}`, h);
    assert.equal(missing.status, 404);
    assert.equal(missing.json.errorCode, 'ContactNotFound');
    const seeded = await control(emu.url, 'contacts', { email: 'X@example.com' });
    const id = seeded.json.contacts[0].id;
    const found = await get(`${emu.url}/api/v3/contacts/id?email=x%40example.com`, h);
    assert.equal(found.status, 200);
    assert.equal(found.text, JSON.stringify(id));
    emu.state.seedContact({ email: 'x@example.com' });
    const multi = await get(`${emu.url}/api/v3/contacts/id?email=x%40example.com`, h);
    assert.equal(multi.status, 409);
    assert.equal(multi.json.errorCode, 'MultipleMatches');
    assert.equal(multi.json.messageDetails.multipleMatchesFound.length, 2);
  });

  it('creates contacts (default Member; unknown type 400) and returns them by id', async () => {
    const r = await post(`${emu.url}/api/v3/contacts?source=e-com&storeExternalId=SE`, h, { email: 'n@example.com', firstName: 'N' });
    assert.equal(r.status, 201);
    assert.equal(r.json.attributes.email, 'n@example.com');
    assert.equal(r.json.meta.contactType, 'Member');
    assert.equal(emu.state.createdContacts[0].storeExternalId, 'SE');
    const t = await post(`${emu.url}/api/v3/contacts`, h, { email: 't@example.com', contactType: 'TransactionalContact' });
    assert.equal(t.status, 201);
    const bad = await post(`${emu.url}/api/v3/contacts`, h, { email: 'u@example.com', contactType: 'Alien' });
    assert.equal(bad.status, 400);
    assert.equal(bad.json.errorCode, 'InvalidContactType');
    const back = await get(`${emu.url}/api/v3/contacts/${r.json.id}`, h);
    assert.equal(back.status, 200);
    assert.equal(back.json.id, r.json.id);
  });

  it('accepts the golden order with 202, records every call (no de-dup), rejects a missing field', async () => {
    assert.equal((await post(`${emu.url}/api/v2/orders`, h, goldenOrder)).status, 202);
    assert.equal((await post(`${emu.url}/api/v2/orders`, h, goldenOrder)).status, 202);
    assert.equal(emu.state.orders.length, 2);
    const { orderStatus: _, ...bad } = goldenOrder;
    const r = await post(`${emu.url}/api/v2/orders`, h, bad);
    assert.equal(r.status, 400);
    assert.match(r.json.message, /orderStatus/);
    assert.equal(emu.state.orders.length, 2);
  });

  it('custom trigger: 404 for an unknown contact, 200 and recorded for a known one', async () => {
    const path = (c: string) => `${emu.url}/api/v2/automation/customTriggers/WELCOME_TO_SHOWROOM/triggerByContactId/${c}`;
    const nf = await post(path('00000000-0000-0000-0000-000000000000'), h, { a: 1 });
    assert.equal(nf.status, 404);
    assert.equal(nf.json.errorCode, 'ContactNotFound');
    const c = emu.state.seedContact({ email: 'w@example.com' });
    assert.equal((await post(path(c.id), h, { a: 1 })).status, 200);
    assert.deepEqual(emu.state.triggers.map((t) => [t.triggerId, t.contactId]), [['WELCOME_TO_SHOWROOM', c.id]]);
  });

  it('receipts: required fields, de-dup on uniqueReceiptId (counted), negative RETURN quantities', async () => {
    const c = emu.state.seedContact({ email: 'r@example.com' });
    assert.equal((await post(`${emu.url}/api/v3/receipts`, h, receipt('R1', c.id))).status, 201);
    const dup = await post(`${emu.url}/api/v3/receipts`, h, receipt('R1', c.id));
    assert.ok(dup.status === 200 || dup.status === 201);
    assert.equal(emu.state.receipts.length, 1);
    assert.equal(emu.state.counters.duplicates, 1);
    const ret = receipt('R2', c.id);
    ret.items[0].type = 'RETURN';
    assert.equal((await post(`${emu.url}/api/v3/receipts`, h, ret)).status, 400);
    ret.items[0].quantity = -1;
    assert.equal((await post(`${emu.url}/api/v3/receipts`, h, ret)).status, 201);
    const { uniqueReceiptId: _, ...noId } = receipt('R3', c.id);
    assert.equal((await post(`${emu.url}/api/v3/receipts`, h, noId)).status, 400);
  });

  it('promotions: list by channel, redeem once, second redeem 409 PromotionAlreadyRedeemed', async () => {
    const c = emu.state.seedContact({ email: 'p@example.com' });
    const seeded = await control(emu.url, 'promotions', [
      { contactId: c.id, name: 'Ten off', redemptionChannels: [{ type: 'ECOM', valueType: 'EXTERNALOFFER', value: 'TENOFF' }] },
      { contactId: c.id, name: 'Store only', redemptionChannels: [{ type: 'POS', valueType: 'PERCENT', value: 10 }] },
    ]);
    assert.equal(seeded.status, 201);
    const list = await get(`${emu.url}/api/v2/contacts/${c.id}/promotions?redemptionChannelType=ECOM`, h);
    assert.equal(list.status, 200);
    assert.deepEqual(list.json.map((p: any) => p.name), ['Ten off']);
    const id = list.json[0].id;
    const redeem = () => post(`${emu.url}/api/v2/promotions/codes/${id}/redeem`, h, { redemptionChannel: 'ECOM' });
    assert.equal((await redeem()).status, 200);
    const again = await redeem();
    assert.equal(again.status, 409);
    assert.equal(again.json.errorCode, 'PromotionAlreadyRedeemed');
    assert.equal(emu.state.redemptions.length, 1);
    const posId = seeded.json.promotions[1].id;
    const wrong = await post(`${emu.url}/api/v2/promotions/codes/${posId}/redeem`, h, { redemptionChannel: 'ECOM' });
    assert.equal(wrong.json.errorCode, 'PromotionNotValidForRedemptionChannel');
  });

  it('rate-limits per key with 429 above the configured rate', async () => {
    await control(emu.url, 'limits', { requestsPerSecond: 3 });
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await get(`${emu.url}/api/v3/contacts/id?email=z%40example.com`, h)).status);
    assert.deepEqual(statuses, [404, 404, 404, 429, 429]);
    assert.equal(emu.state.counters.status429, 2);
  });

  it('injects 5xx for a count and hang until the client gives up', async () => {
    await control(emu.url, 'faults', { mode: '5xx', count: 1 });
    assert.equal((await post(`${emu.url}/api/v2/orders`, h, goldenOrder)).status, 503);
    await control(emu.url, 'faults', { mode: 'hang' });
    await assert.rejects(fetch(`${emu.url}/api/v2/orders`, { method: 'POST', headers: h, body: JSON.stringify(goldenOrder), signal: AbortSignal.timeout(200) }));
    assert.equal((await post(`${emu.url}/api/v2/orders`, h, goldenOrder)).status, 202);
    assert.equal(emu.state.orders.length, 1);
  });
});
