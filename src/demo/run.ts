// esp-bridge demo: the whole system on loopback. Starts the sandbox emulators (Centra, Klaviyo,
// Rule, Voyado, SMTP) and the service with the embedded store, plays a generated Centra timeline
// (wholesale and DTC) through signed webhooks and the direct-event API, waits until every
// delivery is settled, and summarizes. Nothing leaves the machine.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  createWebhookSender,
  datasetEvents,
  DEFAULT_CENTRA_TOKEN,
  generateDataset,
  startCentraEmulator,
  startKlaviyoEmulator,
  startRuleEmulator,
  startSmtpEmulator,
  startVoyadoEmulator,
  type TimelineEvent,
} from '../../sandbox/index.ts';
import { parseConfig } from '../config/load.ts';
import { CHANNEL_NAMES, SYNC_KINDS } from '../esp/modules.ts';
import { startService } from '../server/service.ts';

export interface DemoOptions {
  orders?: number;
  seed?: number;
  /** Where the store and the received emails are kept (default: a new temporary folder). */
  dir?: string;
  write?: (line: string) => void;
}

export interface DemoResult {
  events: number;
  deliveries: Record<string, number>;
  delivered: number;
  dead: number;
  retried: number;
  seconds: number;
  /** Requests the Centra emulator received (its quota, Centra's example, is on). */
  centraRequests: number;
  engage: { contacts: number; receipts: number; promotionsRedeemed: number };
}

const WEBHOOK_SECRET = 'demo-webhook-secret';
const ADMIN_TOKEN = 'demo-admin-token';

/** The demo's config (raw, as in a YAML file): which plugin each market reaches, and what falls back to SMTP. */
function demoConfig(urls: { centra: string; klaviyo: string; rule: string; voyado: string; smtpPort: number }, dir: string) {
  const showroom = { urls: { showroom: 'http://showroom.brand.example', company: 'https://brand.example' }, trackingUrl: 'https://tracking.example/?number={trackingNumber}' };
  return {
    stores: [
      {
        id: 1,
        name: 'Showroom',
        kind: 'wholesale',
        language: 'en',
        sender: { name: 'Brand Showroom', email: 'showroom@brand.example' },
        ...showroom,
        emails: { welcomeEmail: 'showroom_only', orderConfirmationTo: 'both', shipmentConfirmationTo: 'both', orderReceiptPdf: true },
        plugins: [
          { name: 'rule-nordics', esp: 'rule', apiKey: 'rule-test-key', baseUrl: urls.rule, restrictions: { markets: ['Nordics B2B'] }, language: 'delivery_country', shortProductName: true },
          { name: 'klaviyo-b2b', esp: 'klaviyo', apiKey: 'klaviyo-test-key', baseUrl: urls.klaviyo, restrictions: { markets: ['EU B2B'] } },
        ],
      },
      {
        id: 2,
        name: 'Webshop',
        kind: 'dtc',
        language: 'en-GB',
        sender: { name: 'Brand', email: 'hello@brand.example' },
        ...showroom,
        emails: { orderReceiptPdf: true, cancelEmailByDefault: false },
        plugins: [
          {
            name: 'engage',
            esp: 'voyado',
            apiKey: 'voyado-test-key',
            baseUrl: urls.voyado,
            restrictions: { markets: ['Sweden', 'Denmark'] },
            language: 'site',
            storeExternalId: 'market',
            engage: { syncContacts: 'registered', newsletterAsContact: true, receipts: true, promotions: { enabled: true } },
          },
          { name: 'klaviyo-dtc', esp: 'klaviyo', apiKey: 'klaviyo-test-key', baseUrl: urls.klaviyo, restrictions: { markets: ['Germany', 'United Kingdom'] }, language: 'site' },
        ],
      },
    ],
    smtp: { host: '127.0.0.1', port: urls.smtpPort, secure: false },
    storage: { sqlitePath: path.join(dir, 'bridge.sqlite') },
    // The default 10 s per call: on a busy machine a 2 s timeout fired, and an ambiguous Voyado timeout is a dead letter by design.
    // The demo's Rule emulator allows 200 req/s: the bridge is told 100/s (its default for the real Rule is about 1/s).
    delivery: { pollMs: 50, retry: { baseMs: 200, factor: 2, capMs: 2_000 }, limits: { esp: { rule: { rates: [{ limit: 100, intervalMs: 1_000 }] } } } },
    server: { port: 0, host: '127.0.0.1', webhookSecrets: [WEBHOOK_SECRET], adminToken: ADMIN_TOKEN },
    centra: { url: `${urls.centra}/graphql`, token: DEFAULT_CENTRA_TOKEN, mode: 'webhook', timeoutMs: 5_000 },
  };
}

/**
 * Groups the timeline into what Centra would send together: webhook calls of up to 100 events in a
 * row, each direct event on its own. Several events of one object in a call are fetched once (the
 * bridge batches its fetches), so they all see the object's later state, as a late fetch would.
 * Before each call the emulator's clock is set to its last event: one call, one Centra request.
 */
export function batchesOf(timeline: readonly TimelineEvent[]): TimelineEvent[][] {
  const batches: TimelineEvent[][] = [];
  let current: TimelineEvent[] = [];
  const flush = () => {
    if (current.length) batches.push(current);
    current = [];
  };
  for (const e of timeline) {
    if (e.channel === 'direct') {
      flush();
      batches.push([e]);
      continue;
    }
    if (current.length === 100) flush();
    current.push(e);
  }
  flush();
  return batches;
}

async function until(check: () => Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`demo: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export async function runDemo(opts: DemoOptions = {}): Promise<DemoResult> {
  const write = opts.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const started = Date.now();
  const dir = opts.dir ?? mkdtempSync(path.join(tmpdir(), 'esp-bridge-demo-'));
  const mailDir = path.join(dir, 'mail');
  mkdirSync(mailDir, { recursive: true });
  const dataset = generateDataset({ seed: opts.seed ?? 7, orders: opts.orders ?? 220 });
  const timeline = datasetEvents(dataset);

  const [centra, klaviyo, rule, voyado, smtp] = await Promise.all([
    startCentraEmulator({ dataset, clock: Number.NEGATIVE_INFINITY }),
    startKlaviyoEmulator(),
    startRuleEmulator({ requestsPerSecond: 200 }),
    startVoyadoEmulator(),
    startSmtpEmulator({ emlDir: mailDir }),
  ]);
  const raw = demoConfig({ centra: centra.url, klaviyo: klaviyo.url, rule: rule.url, voyado: voyado.url, smtpPort: smtp.port }, dir);
  const configFile = path.join(dir, 'config.yaml');
  writeFileSync(configFile, `# Written by esp-bridge demo; its emulators are gone once the demo ends.\n${stringify(raw)}`);
  const config = parseConfig(raw, configFile);
  const service = await startService(config, { port: 0, host: '127.0.0.1', logLevel: 'silent', probeCentra: false });
  write(`esp-bridge demo: service on ${service.url}, store ${path.join(dir, 'bridge.sqlite')}`);
  write(`  emulators: Centra ${centra.url}, Klaviyo ${klaviyo.url}, Rule ${rule.url}, Voyado ${voyado.url}, SMTP ${smtp.url}`);
  write(`  playing ${timeline.length} Centra events (${dataset.orders.length} orders, wholesale and DTC)…`);

  // The storefront's multichannel promotions: every promotion id an order carries exists in Engage.
  const holder = voyado.state.seedContact({ email: 'promotions@brand.example' });
  for (const order of dataset.orders) {
    for (const a of order.attributes) {
      if (a.type.name !== 'voyado_promotion_id') continue;
      for (const el of a.elements) if (el.__typename === 'AttributeStringElement') voyado.state.seedPromotion({ id: el.value, contactId: holder.id });
    }
  }

  // Realism: Klaviyo has a bad minute and Rule throttles; the bridge retries both.
  klaviyo.state.faults.set({ mode: '5xx', count: 12, status: 503 });
  rule.state.faults.set({ mode: '429', count: 4, retryAfter: '1' });

  const sender = createWebhookSender({ url: `${service.url}/webhooks/centra`, secret: WEBHOOK_SECRET, timeoutMs: 5_000 });
  const inboxSettled = async () => (await service.inbox.pendingCount()) === 0;
  try {
    for (const batch of batchesOf(timeline)) {
      centra.state.clock = batch[batch.length - 1].at;
      const first = batch[0];
      if (first.channel === 'direct') {
        // Another system (or an operator) posts the complete event, with what Centra's pop-up knew. It is
        // fetched through the service's client: one process, one Centra quota (the emulator enforces it).
        const object = await service.centra.fetchSnapshot({ type: first.type as never, id: first.id });
        if (object) {
          const res = await fetch(`${service.url}/api/events`, {
            method: 'POST',
            headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
            body: JSON.stringify({ type: first.type, action: first.action, id: first.id, date: first.date, object, context: first.context ?? {} }),
          });
          if (res.status >= 300) throw new Error(`demo: direct event ${first.type} ${first.id} answered ${res.status}: ${await res.text()}`);
        }
      } else {
        await sender.send(batch.map(({ type, action, id, date }) => ({ type, action, id, date })));
      }
      await until(inboxSettled, 'the inbox to be processed', 30_000);
    }
    await until(async () => (await service.bridge.outbox.queueDepth()) === 0 && (await inboxSettled()), 'every delivery to settle', 90_000);

    const counts = await service.bridge.outbox.countsByStateAndEsp();
    const deliveries: Record<string, number> = Object.fromEntries(CHANNEL_NAMES.map((name) => [name, 0]));
    let delivered = 0;
    let dead = 0;
    for (const c of counts) {
      deliveries[c.esp] += c.count;
      if (c.status === 'delivered') delivered += c.count;
      if (c.status === 'dead') dead += c.count;
    }
    const retried = await service.storage.deliveries.retriedCount();
    const v = voyado.state;
    const result: DemoResult = {
      events: timeline.length,
      deliveries,
      delivered,
      dead,
      retried,
      seconds: Math.round((Date.now() - started) / 100) / 10,
      centraRequests: centra.state.counters.requests,
      engage: { contacts: v.createdContacts.length, receipts: v.receipts.length, promotionsRedeemed: v.redemptions.length },
    };
    const inbox = await service.inbox.counts();
    write('');
    write(`Events in: ${timeline.length} (${sender.stats.batches} signed webhook calls, ${timeline.filter((e) => e.channel === 'direct').length} direct events); inbox: ${JSON.stringify(inbox)}`);
    const syncOps = (await service.storage.deliveries.countsByEmailType()).filter((c) => SYNC_KINDS.includes(c.emailType)).reduce((n, c) => n + c.count, 0);
    write(`Deliveries: Klaviyo ${deliveries.klaviyo}, Rule ${deliveries.rule}, Voyado ${deliveries.voyado} (${deliveries.voyado - syncOps} emails, ${syncOps} Engage contact / receipt / redeem operations), SMTP fallback ${deliveries.smtp}`);
    write(`  delivered ${delivered}, dead letters ${dead}, retried ${retried} (Klaviyo answered 503 ${klaviyo.state.counters.faultsInjected} times, Rule 429 ${rule.state.counters.faultsInjected} times)`);
    write(`  emulators accepted: Klaviyo ${klaviyo.state.events.length} events, Rule ${rule.state.subscribers.length} subscribers, Voyado ${v.orders.length} orders + ${v.triggers.length} triggers, SMTP ${smtp.messages.length} emails`);
    write(`Centra: ${result.centraRequests} Integration API requests for ${timeline.length} events under Centra's example quota (20 per 10 s), ${centra.state.counters.status429} answered 429`);
    write(`Engage: ${result.engage.contacts} contacts created, ${result.engage.receipts} receipts, ${result.engage.promotionsRedeemed} promotions redeemed`);
    write(`Where to look next: the fallback emails are in ${mailDir} (.eml, open with any mail client); the store is ${path.join(dir, 'bridge.sqlite')}`);
    write(`  the deliveries: npx esp-bridge deliveries --config ${configFile} [--status dead] [--esp rule]`);
    write(JSON.stringify(result));
    return result;
  } finally {
    await service.close();
    await Promise.all([centra.close(), klaviyo.close(), rule.close(), voyado.close(), smtp.close()]);
  }
}
