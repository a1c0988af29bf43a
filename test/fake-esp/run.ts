// Runs inside the copy of the project that has the fake ESP registered (see fake-esp.test.ts):
// the real config parser, bridge, outbox and worker deliver one order to a local HTTP server
// through the fake ESP and one through Rule; prints what the server received and what was stored.
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { openBridge } from './src/app/bridge.ts';
import { parseConfig } from './src/config/load.ts';
import { parseEvent } from './src/centra/parse-event.ts';

const [dir, eventFile] = process.argv.slice(2);
const received: { url: string; body: unknown }[] = [];
const server = createServer((req, res) => {
  let text = '';
  req.on('data', (c) => (text += c));
  req.on('end', () => {
    received.push({ url: req.url ?? '', body: JSON.parse(text) });
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;

const event = parseEvent(JSON.parse(readFileSync(eventFile, 'utf8')), eventFile);
const storeOf = (id: number, plugin: Record<string, unknown>) => ({ id, name: `Store ${id}`, kind: 'wholesale', plugins: [plugin], emails: { orderConfirmationTo: 'buyer' } });
const config = parseConfig({
  stores: [storeOf(1, { name: 'fake-main', esp: 'fake', apiKey: 'fake-secret-key', baseUrl: base, campaign: 'spring' })],
  delivery: { limits: { esp: { fake: { concurrency: 2 } } }, retry: { esps: { fake: { idempotent: true } } } },
});
const ruleConfig = parseConfig({ stores: [storeOf(1, { name: 'rule-main', esp: 'rule', apiKey: 'rule-secret-key', baseUrl: base })] });

const out: Record<string, unknown> = { base };
for (const [name, cfg] of [['fake', config], ['rule', ruleConfig]] as const) {
  const bridge = openBridge(cfg, { sqlitePath: path.join(dir, `${name}.sqlite`) });
  const submitted = await bridge.submit(event);
  await bridge.worker.drain({ timeoutMs: 10_000 });
  const stored = await Promise.all(submitted.deliveries.map((d) => bridge.outbox.getDelivery(d.id)));
  out[name] = { submitted: submitted.deliveries, stored: stored.map((s) => ({ status: s?.status, esp: s?.esp, request: s?.request })) };
  await bridge.close();
}
out.received = received;
server.close();
process.stdout.write(JSON.stringify(out));
