import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildSchema, parse, validate } from 'graphql';
import * as queries from '../../src/centra/queries.ts';
import { SNAPSHOT_KINDS, snapshotsQuery } from '../../src/centra/queries.ts';
import { CENTRA_SDL } from '../../sandbox/centra/schema.ts';

// Every document the bridge sends must validate against the emulator's Centra schema, so a
// query Centra would reject (a scalar variable where Centra's filter takes a list) fails CI.
const schema = buildSchema(CENTRA_SDL);
const documents = Object.entries(queries).filter(([, v]) => typeof v === 'string') as [string, string][];

test('the bridge sends at least the seven snapshot queries and the events operations', () => {
  assert.ok(documents.length >= 10, `found ${documents.length} documents`);
});

for (const [name, doc] of documents) {
  test(`${name} validates against the emulator's Centra schema`, () => {
    const errors = validate(schema, parse(doc));
    assert.deepEqual(errors.map((e) => e.message), []);
  });
}

test('a scalar variable where OrderFilter.number takes a list is rejected', () => {
  const bad = 'query Q($number: Int!) { orders(where: { number: $number }) { number } }';
  assert.ok(validate(schema, parse(bad)).length > 0);
});

test('an Int variable where AccountFilter.id takes [Int64!] is rejected', () => {
  const bad = 'query Q($id: Int!) { accounts(where: { id: [$id] }) { id } }';
  assert.ok(validate(schema, parse(bad)).length > 0);
});

test('fields Centra does not publish are rejected (the issue 11 defects)', () => {
  const errorsOf = (source: string) => validate(schema, parse(source)).map((e) => e.message).join();
  for (const field of ['language { code }', 'carrierInformation { carrierName }', 'subscriptionContracts { id }', 'paymentMethod { name }']) {
    assert.match(errorsOf(`{ orders { id ${field} } }`), /Cannot query field/, field);
  }
  for (const field of ['display { id }', 'recommendedRetailPrice { value }', 'media { sources { url } }', 'product { stockUnit }']) {
    assert.match(errorsOf(`{ orders { lines { id ${field} } } }`), /Cannot query field/, field);
  }
  for (const field of ['engageContactId', 'isRegistered', 'newsletter', 'language { code }']) {
    assert.match(errorsOf(`{ customers { id ${field} } }`), /Cannot query field/, field);
  }
  assert.match(errorsOf('{ accounts { buyers { id sendOrderReceipt } } }'), /Cannot query field "sendOrderReceipt"/);
  // Centra publishes no buyers query (centra.dev's query list): buyers are read through accounts.
  assert.match(errorsOf('{ buyers { id } }'), /Cannot query field "buyers" on type "Query"/);
  // InvoiceLine has brandName, no brand object (centra.dev/graphql/invoiceline.html).
  assert.match(errorsOf('{ invoices { lines { brand { name } } } }'), /Cannot query field "brand"/);
  assert.match(errorsOf('{ invoices { id address { city } } }'), /Cannot query field "address"/);
  assert.match(errorsOf('{ invoices { id link payLink } }'), /Cannot query field "link"/);
});

test('every combination of snapshot kinds in one batched document validates (127 documents)', () => {
  let n = 0;
  for (let mask = 1; mask < 1 << SNAPSHOT_KINDS.length; mask++) {
    const kinds = SNAPSHOT_KINDS.filter((_, i) => mask & (1 << i));
    assert.deepEqual(validate(schema, parse(snapshotsQuery(kinds))).map((e) => e.message), [], kinds.join(','));
    n++;
  }
  assert.equal(n, 127);
});

test('a document asking for several image sizes validates, one aliased source and variable per size', () => {
  const query = snapshotsQuery(SNAPSHOT_KINDS, 3);
  assert.deepEqual(validate(schema, parse(query)).map((e) => e.message), []);
  assert.match(query, /\$mediaSize: String!, \$mediaSize_1: String!, \$mediaSize_2: String!/);
  assert.match(query, /fragment LineImages on ProductMedia \{ source\(sizeName: \$mediaSize\) \{ url \} source_1: source\(sizeName: \$mediaSize_1\) \{ url \} source_2: source\(sizeName: \$mediaSize_2\) \{ url \} \}/);
  // Kinds without order lines ask for no image at all (an unused variable fails validation).
  assert.doesNotMatch(snapshotsQuery(['customer', 'buyer'], 3), /mediaSize/);
  assert.throws(() => snapshotsQuery(['order'], 0), /at least one image size/);
});
