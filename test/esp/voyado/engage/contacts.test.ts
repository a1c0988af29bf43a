// The one Engage contact client: its answers for each status Engage documents (reference §4.1–4.3),
// over a recorded call (the HTTP edge); the real HTTP path is covered against the emulator in
// e2e.test.ts, promotions-route.test.ts and test/esp/transports.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { HttpResult } from '../../../../src/delivery/http.ts';
import { contactClient, type EngageCall } from '../../../../src/esp/voyado/engage/contacts.ts';
import { ContactIdCache } from '../../../../src/esp/voyado/engage/contact-cache.ts';
import { memoryContactLinks } from '../../../../src/storage/contacts.ts';

const KEY = 'secret-key-123';
const response = (status: number, body: unknown): HttpResult => ({ kind: 'response', status, headers: {}, body: typeof body === 'string' ? body : JSON.stringify(body) });

function clientAnswering(...answers: HttpResult[]) {
  const calls: { method: string; url: string; body?: unknown }[] = [];
  const call: EngageCall = async (method, url, body) => {
    calls.push({ method, url, body });
    const next = answers.shift();
    assert.ok(next, `unexpected call ${method} ${url}`);
    return next;
  };
  const links = memoryContactLinks();
  const client = contactClient({ base: 'https://t.voyado.com', plugin: 'p', call, secrets: [KEY], links, cache: new ContactIdCache(10) });
  return { client, calls, links };
}

test('lookup: 200 id, 404 none, 409 MultipleMatches the first id, 409 without ids permanent, 5xx and no answer transient and never ambiguous', async () => {
  let c = clientAnswering(response(200, '"id-1"'));
  assert.deepEqual(await c.client.lookup('a+b@example.com'), { ok: true, id: 'id-1', multiple: false });
  assert.equal(c.calls[0].url, 'https://t.voyado.com/api/v3/contacts/id?email=a%2Bb%40example.com');

  c = clientAnswering(response(404, { errorCode: 'ContactNotFound' }));
  assert.deepEqual(await c.client.lookup('x@example.com'), { ok: true, id: null, multiple: false });

  c = clientAnswering(response(409, { errorCode: 'MultipleMatches', messageDetails: { multipleMatchesFound: ['first', 'second'] } }));
  assert.deepEqual(await c.client.lookup('twin@example.com'), { ok: true, id: 'first', multiple: true });

  c = clientAnswering(response(409, { errorCode: 'MultipleMatches', message: `key ${KEY}` }));
  const noIds = await c.client.lookup('twin@example.com');
  assert.equal(noIds.ok, false);
  if (!noIds.ok) {
    assert.equal(noIds.outcome.kind, 'permanent');
    assert.equal(noIds.outcome.status, 409);
    assert.ok(!noIds.outcome.error.includes(KEY), 'the key is scrubbed from errors');
  }

  c = clientAnswering(response(500, 'boom'), { kind: 'failure', error: 'timeout', timedOut: true, requestSent: true });
  for (const expectStatus of [500, undefined]) {
    const r = await c.client.lookup('e@example.com');
    assert.equal(r.ok, false);
    if (!r.ok) {
      assert.equal(r.outcome.kind, 'transient');
      assert.equal(r.outcome.status, expectStatus);
      assert.equal((r.outcome as { ambiguous?: boolean }).ambiguous, undefined);
      assert.match(r.outcome.error, /^looking up contact: /);
    }
  }

  c = clientAnswering(response(200, '{"not":"an id"}'));
  const noId = await c.client.lookup('e@example.com');
  assert.equal(!noId.ok && noId.outcome.kind, 'transient');
});

test('create, read, update, promotions: paths, bodies and typed answers; remember and cache per plugin', async () => {
  const c = clientAnswering(
    response(201, { id: 'new-1' }),
    response(200, { id: 'new-1', meta: { contactType: 'Member' } }),
    response(404, { errorCode: 'ContactNotFound' }),
    response(200, { id: 'new-1' }),
    response(404, { errorCode: 'ContactNotFound' }),
    response(200, [{ id: 'promo-1' }]),
    response(404, { errorCode: 'ContactNotFound' }),
  );
  assert.deepEqual(await c.client.create({ email: 'n@example.com' }, { contactType: 'Member', source: 'centra', storeExternalId: 'SE' }), { ok: true, id: 'new-1' });
  assert.deepEqual(c.calls[0], { method: 'POST', url: 'https://t.voyado.com/api/v3/contacts?source=centra&storeExternalId=SE', body: { email: 'n@example.com', contactType: 'Member' } });
  assert.deepEqual(await c.client.read('new-1'), { ok: true, found: true, type: 'Member' });
  assert.deepEqual(await c.client.read('gone'), { ok: true, found: false });
  assert.deepEqual(await c.client.update('new-1', { contactType: 'Member' }), { ok: true, found: true });
  assert.equal(c.calls[3].url, 'https://t.voyado.com/api/v2/contacts/new-1');
  assert.deepEqual(await c.client.update('gone', {}), { ok: true, found: false });
  assert.deepEqual(await c.client.ecomPromotions('new-1'), { ok: true, promotions: [{ id: 'promo-1' }] });
  assert.equal(c.calls[5].url, 'https://t.voyado.com/api/v2/contacts/new-1/promotions?redemptionChannelType=ECOM');
  assert.deepEqual(await c.client.ecomPromotions('gone'), { ok: true, promotions: null });

  await c.client.remember(7, ' N@Example.com ', 'new-1', 'Member');
  assert.deepEqual(await c.links.byCustomer('p', 7), { plugin: 'p', customerId: 7, email: 'n@example.com', contactId: 'new-1', contactType: 'Member' });
  assert.equal((await c.client.remembered(7))?.contactId, 'new-1');
  await c.client.forget(7);
  assert.equal(await c.client.remembered(7), null);
  c.client.cache('N@example.com', 'new-1');
  assert.equal(c.client.cached('n@EXAMPLE.com'), 'new-1');
  c.client.uncache('n@example.com');
  assert.equal(c.client.cached('n@example.com'), undefined);
});
