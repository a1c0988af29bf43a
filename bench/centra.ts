// Centra requests for a burst of webhook events under Centra's example quota (the emulator's
// default: 20 requests / 10 s, 10,000 / h, and the complexity buckets): the service (processor on,
// worker off, every email planned to a Klaviyo plugin: mapping only, nothing rendered or sent)
// receives N webhook events of the emulator's timeline in signed calls of up to 100, and fetches
// their objects from the emulator. The emulator's GraphQL is warmed up in process first (not over
// HTTP, so neither counted nor charged to the quota): its own first-run cost is not the bridge's.
//   distinctObjects = the distinct objects those events need fetched (account events fetch nothing);
//   boundSeconds = what the quota alone forces for ⌈n / batch⌉ requests, each charged its share of
//   the tightest request bucket (10 s / 20 = 0.5 s; src/centra/quota.ts quotaBoundMs).
// Prints as its last line:
//   {"events":N,"distinctObjects":n,"centraRequests":r,"requestsPerEvent":r/N,"status429":k,"seconds":s,"boundSeconds":b}
// Usage: npm run bench:centra [-- --events N] [--batch B] [--orders O] [--seed S]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createWebhookSender, datasetEvents, DEFAULT_CENTRA_TOKEN, generateDataset, startCentraEmulator } from '../sandbox/index.ts';
import { executeCentra } from '../sandbox/centra/server.ts';
import { snapshotsQuery, snapshotVariables, SNAPSHOT_KINDS } from '../src/centra/queries.ts';
import { parseConfig } from '../src/config/load.ts';
import { CENTRA_EXAMPLE_REQUEST_QUOTA } from '../src/config/server.ts';
import { quotaBoundMs } from '../src/centra/quota.ts';
import { startService } from '../src/server/service.ts';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const EVENTS = arg('--events', 100);
const BATCH = arg('--batch', 100);
const SECRET = 'bench-secret';
const FETCHED = new Set(['order', 'shipment', 'return', 'customer', 'buyer', 'invoice']);

const dataset = generateDataset({ seed: arg('--seed', 3), orders: arg('--orders', Math.max(200, EVENTS)) });
const webhookEvents = datasetEvents(dataset)
  .filter((e) => e.channel === 'webhook')
  .map(({ type, action, id, date }) => ({ type, action, id, date }));
const burst = webhookEvents.slice(0, EVENTS);
// A warm-up call from the end of the timeline (other objects), before the counters are reset.
const warmUp = webhookEvents.slice(-20);
if (burst.length < EVENTS) throw new Error(`the timeline has only ${burst.length} webhook events: raise --orders`);
const distinctObjects = new Set(burst.filter((e) => FETCHED.has(e.type)).map((e) => `${e.type}:${e.id}`)).size;

// Every object in its final state (no clock): what a fetch after the burst sees.
const centra = await startCentraEmulator({ dataset });
for (let i = 0; i < 3; i++) {
  const variables = Object.fromEntries(SNAPSHOT_KINDS.flatMap((k) => [[snapshotVariables(k).keys, dataset.orders.slice(0, 30).map((o) => (k === 'order' ? o.number : o.id))], [snapshotVariables(k).limit, 30]]));
  await executeCentra(centra.state, snapshotsQuery(SNAPSHOT_KINDS), variables);
}
const klaviyo = (name: string) => [{ name, esp: 'klaviyo', apiKey: 'bench-key', baseUrl: 'http://127.0.0.1:9' }];
const dir = mkdtempSync(path.join(tmpdir(), 'bench-centra-'));
const config = parseConfig({
  stores: [
    { id: 1, name: 'Showroom', kind: 'wholesale', plugins: klaviyo('klaviyo-b2b') },
    { id: 2, name: 'Webshop', kind: 'dtc', plugins: klaviyo('klaviyo-dtc') },
  ],
  smtp: { host: '127.0.0.1', port: 9 },
  storage: { sqlitePath: path.join(dir, 'bridge.sqlite') },
  server: { host: '127.0.0.1', port: 0, webhookSecrets: [SECRET], adminToken: 'bench-admin' },
  centra: { url: `${centra.url}/graphql`, token: DEFAULT_CENTRA_TOKEN, batchSize: BATCH },
});
const service = await startService(config, { worker: false, probeCentra: false, logLevel: 'warn' });
try {
  const sender = createWebhookSender({ url: `${service.url}/webhooks/centra`, secret: SECRET, batchSize: 100 });
  // Warm up (JIT, the store's first pages): one call, processed, then the emulator's counters and
  // quota are reset and the client's buckets are given the time to refill (one request's share).
  await sender.send(warmUp);
  while ((await service.inbox.pendingCount()) > 0) await new Promise((r) => setTimeout(r, 10));
  await fetch(`${centra.url}/__control/reset`, { method: 'POST' });
  await new Promise((r) => setTimeout(r, 1_000));
  const t0 = performance.now();
  const sent = await createWebhookSender({ url: `${service.url}/webhooks/centra`, secret: SECRET, batchSize: 100 }).send(burst);
  if (sent.dropped) throw new Error(`${sent.dropped} webhook calls were dropped`);
  // When Centra's last answer came (the rest is the bridge planning and storing the events).
  let lastAnswerMs = 0;
  let answers = 0;
  while ((await service.inbox.pendingCount()) > 0) {
    if (centra.state.calls.length > answers) [answers, lastAnswerMs] = [centra.state.calls.length, performance.now() - t0];
    await new Promise((r) => setTimeout(r, 5));
  }
  if (centra.state.calls.length > answers) lastAnswerMs = performance.now() - t0;
  const seconds = (performance.now() - t0) / 1000;
  const counts = await service.inbox.counts();
  const r = centra.state.counters.requests;
  process.stdout.write(
    `${EVENTS} webhook events (${sent.batches} calls) for ${distinctObjects} objects: inbox ${JSON.stringify(counts)}; Centra answered ${JSON.stringify(centra.state.counters.byStatus)}, the last at ${(lastAnswerMs / 1000).toFixed(2)} s\n`,
  );
  const result = {
    events: EVENTS,
    distinctObjects,
    centraRequests: r,
    requestsPerEvent: Number((r / EVENTS).toFixed(4)),
    status429: centra.state.counters.status429,
    seconds: Number(seconds.toFixed(3)),
    boundSeconds: Number((quotaBoundMs(Math.ceil(distinctObjects / BATCH), CENTRA_EXAMPLE_REQUEST_QUOTA) / 1000).toFixed(3)),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
} finally {
  await service.close();
  await centra.close();
  rmSync(dir, { recursive: true, force: true });
}
