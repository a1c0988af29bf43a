import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildSchema, parse, validate } from 'graphql';
import * as queries from '../../src/centra/queries.ts';
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
