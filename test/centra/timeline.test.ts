// The whole generated timeline, replayed in order against the emulator's clock, through the
// client and the pipeline's planner: every event yields a valid snapshot, and the mix of
// events yields every email type.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { centraEventSchema } from '../../src/centra/event-schema.ts';
import { createCentraClient } from '../../src/centra/graphql-client.ts';
import { parseConfig } from '../../src/config/load.ts';
import { planEvent } from '../../src/pipeline/plan.ts';
import { CentraState, executeCentra } from '../../sandbox/centra/server.ts';
import { datasetEvents, generateDataset } from '../../sandbox/centra/data.ts';

test('timeline of 200 orders: every event fetches a valid snapshot; all email types are planned', async () => {
  const dataset = generateDataset({ seed: 1, orders: 200 });
  const state = new CentraState(dataset);
  // In-process transport: same queries and mapping as over HTTP, without sockets.
  const fetchImpl = (async (_url: string, init: RequestInit) => {
    const { query, variables } = JSON.parse(String(init.body));
    const result = await executeCentra(state, query, variables);
    return new Response(JSON.stringify(result), { status: 200, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
  const client = createCentraClient({ url: 'http://centra.invalid/graphql', token: 't', fetchImpl });
  const config = parseConfig({
    stores: [
      { id: 1, name: 'Showroom', kind: 'wholesale', emails: { orderConfirmationTo: 'both', shipmentConfirmationTo: 'both' }, plugins: [{ name: 'klaviyo-b2b', esp: 'klaviyo', apiKey: { env: 'KLAVIYO_API_KEY' } }] },
      { id: 2, name: 'Webshop', kind: 'dtc', plugins: [{ name: 'klaviyo-dtc', esp: 'klaviyo', apiKey: { env: 'KLAVIYO_API_KEY' } }] },
    ],
  });
  const emailTypes = new Map<string, number>();
  let planned = 0;
  for (const e of datasetEvents(dataset)) {
    if (e.type === 'account') continue;
    state.clock = e.at;
    const object = await client.fetchSnapshot({ type: e.type, id: e.id });
    assert.ok(object, `${e.type} ${e.id} exists at ${e.date}`);
    const parsed = centraEventSchema.safeParse({ type: e.type, action: e.action, id: e.id, date: e.date, object, context: e.context ?? {} });
    if (!parsed.success) assert.fail(`${e.type} ${e.id}: ${JSON.stringify(parsed.error.issues.slice(0, 2))}`);
    const plan = planEvent(parsed.data, config);
    for (const d of plan.deliveries) emailTypes.set(d.emailType, (emailTypes.get(d.emailType) ?? 0) + 1);
    planned += plan.deliveries.length;
  }
  for (const t of ['buyer_created', 'forgot_email', 'order', 'order_conf', 'shipment', 'cancel', 'refund', 'invoice', 'creditnote']) {
    assert.ok((emailTypes.get(t) ?? 0) > 0, `${t} planned (${JSON.stringify(Object.fromEntries(emailTypes))})`);
  }
  assert.ok(planned > 400, `planned ${planned}`);
  console.log(`planned ${planned} deliveries: ${JSON.stringify(Object.fromEntries(emailTypes))}`);
});
