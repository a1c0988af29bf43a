// Every plugin gets the product image in the size it names (`imageSize`): the client asks Centra
// for each configured size (aliased `source(sizeName:)`), and each ESP's payload carries its own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCentraClient, mapOrderLine } from '../../src/centra/graphql-client.ts';
import { imageSizesOf } from '../../src/app/image-sizes.ts';
import { parseConfig } from '../../src/config/load.ts';
import { DEFAULT_CENTRA_TOKEN } from '../../sandbox/centra/server.ts';
import { generateDataset } from '../../sandbox/centra/data.ts';
import { centraEmulatorFor } from './emulator.ts';
import type { CentraOrder } from '../../src/centra/event-schema.ts';
import type { OrderLineFieldsFragment } from '../../src/centra/generated/results.ts';

const dataset = generateDataset({ seed: 21, orders: 40 });
const emu = centraEmulatorFor(dataset);

const config = (sizes: (string | undefined)[]) =>
  parseConfig({
    stores: [
      {
        id: 1,
        name: 'Shop',
        kind: 'dtc',
        plugins: sizes.map((imageSize, i) => ({ name: `k${i}`, esp: 'klaviyo', apiKey: 'k', ...(imageSize ? { imageSize } : {}) })),
      },
    ],
  });

test('imageSizesOf: each distinct plugin size once, "standard" (the default) first', () => {
  assert.deepEqual(imageSizesOf(config(['full', undefined, 'mini', 'full'])), ['standard', 'full', 'mini']);
  assert.deepEqual(imageSizesOf(config(['full'])), ['full']);
  assert.deepEqual(imageSizesOf(config([])), []);
});

test('one request carries every size: each line image has the URL of each size the emulator holds', async () => {
  const client = createCentraClient({ url: `${emu.url}/graphql`, token: DEFAULT_CENTRA_TOKEN, imageSizes: ['standard', 'full', 'mini', 'nosuchsize'] });
  const numbers = dataset.orders.slice(0, 12).map((o) => o.number);
  const results = await client.fetchSnapshots(numbers.map((id) => ({ type: 'order' as const, id })));
  assert.equal(client.requests, 1);
  let lines = 0;
  for (const n of numbers) {
    const order = results.get(`order:${n}`) as CentraOrder;
    const source = dataset.orders.find((o) => o.number === n)!;
    order.lines.forEach((line, i) => {
      const held = source.lines[i].media?.[0]?.sources ?? [];
      const expected = Object.fromEntries(held.filter((s) => ['standard', 'full', 'mini'].includes(s.sizeName)).map((s) => [s.sizeName, s.url]));
      if (!held.length) assert.deepEqual(line.media, [], `order ${n} line ${i}: no image`);
      else assert.deepEqual(line.media?.[0]?.sources, expected, `order ${n} line ${i}`);
      lines++;
    });
  }
  assert.ok(lines >= 12);
  // A size Centra does not have is absent rather than an empty string or another size's URL.
  assert.ok([...results.values()].every((o) => (o as CentraOrder).lines.every((l) => !('nosuchsize' in (l.media?.[0]?.sources ?? {})))));
});

test('without sizes the client asks for "standard" only, as before', async () => {
  const client = createCentraClient({ url: `${emu.url}/graphql`, token: DEFAULT_CENTRA_TOKEN });
  const n = dataset.orders.find((o) => o.lines.some((l) => l.media?.length))!.number;
  const order = (await client.fetchSnapshot({ type: 'order', id: n }))!;
  const withImage = order.lines.find((l) => l.media?.length)!;
  assert.deepEqual(Object.keys(withImage.media![0].sources), ['standard']);
});

test('an order line Centra answers without its product (nullable) is refused by name, not mapped to a crash', () => {
  const line = { __typename: 'ProductOrderLine', id: 77, product: null, productVariant: { id: 1, name: null } } as unknown as OrderLineFieldsFragment;
  assert.throws(() => mapOrderLine(line), /order line 77 has no product$/);
});
