// src/centra/generated/results.ts (`npm run generate:centra-types`) is what the queries and the
// schema generate now: a query edited without regenerating fails here, before the mappers that
// read the old shape can drift from what Centra is asked for.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { generateCentraTypes, GENERATED_RESULTS_FILE } from '../../scripts/generate-centra-types.ts';

test('results.ts matches a fresh generation from queries.ts and the schema (else: npm run generate:centra-types)', () => {
  assert.equal(readFileSync(GENERATED_RESULTS_FILE, 'utf8'), generateCentraTypes());
});

test('the generated file says it is generated and how to regenerate it', () => {
  assert.match(readFileSync(GENERATED_RESULTS_FILE, 'utf8').split('\n')[0], /^\/\/ generated — do not edit; npm run generate:centra-types/);
});

test('every snapshot query and events operation has its result type', () => {
  const text = generateCentraTypes();
  for (const name of ['Order', 'Shipment', 'Return', 'Customer', 'Buyer', 'Invoice', 'Account']) assert.match(text, new RegExp(`^export type ${name}SnapshotQuery = `, 'm'), name);
  for (const name of ['EventsQuery', 'SetEventListenersMutation', 'ConfirmEventsMutation', 'OrderFieldsFragment', 'AddrFragment']) assert.match(text, new RegExp(`^export type ${name} = `, 'm'), name);
});

test('nullability, enums, __typename and inline fragments follow the schema', () => {
  const text = generateCentraTypes();
  const block = (name: string) => text.slice(text.indexOf(`export type ${name} = `), text.indexOf('\n};\n', text.indexOf(`export type ${name} = `)));
  // Money.value is Float!: a non-null number; Address.city is nullable String.
  assert.match(block('MoneyFragment'), /\n {2}value: number;/);
  assert.match(block('AddrFragment'), /\n {2}city: string \| null;/);
  // Order is an interface: one member per implementation, told apart by the selected __typename,
  // each with only the fields of its own inline fragment.
  const order = text.slice(text.indexOf('export type OrderFieldsFragment = '), text.indexOf('export type OrderLineFieldsFragment'));
  const [dtc, wholesale, ...more] = order.split('\n} | {\n');
  assert.equal(more.length, 0);
  assert.match(dtc, /__typename: 'DirectToConsumerOrder';/);
  assert.match(dtc, /\n {2}customer: CustomerFieldsFragment \| null;/);
  assert.doesNotMatch(dtc, /purchaseOrderNumber/);
  assert.match(wholesale, /__typename: 'WholesaleOrder';/);
  assert.match(wholesale, /\n {2}purchaseOrderNumber: string \| null;/);
  assert.doesNotMatch(wholesale, /customer:/);
  assert.match(text, /^export type OrderStatus = 'PENDING' \| /m);
  // Account.id is Int64: a number or, beyond 2^53, a string.
  assert.match(block('AccountFieldsFragment'), /\n {2}id: number \| string;/);
});
