// Starts the whole service in-process against the Centra emulator and the ESP emulators.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { startCentraEmulator, startKlaviyoEmulator, startRuleEmulator, startSmtpEmulator, generateDataset, type Dataset, type EmulatorHandle, type CentraState, type SmtpEmulatorHandle } from '../../sandbox/index.ts';
import { parseConfig } from '../../src/config/load.ts';
import type { Config } from '../../src/config/schema.ts';
import { startService, type RunningService, type StartServiceOptions } from '../../src/server/service.ts';
import { tempDir, waitFor } from '../helpers/sandbox.ts';

export const SECRET = 'whsec-test';
export const OLD_SECRET = 'whsec-old';
export const ADMIN = 'admin-test-token';
/** The token that may also replay (server.operatorToken). */
export const OPERATOR = 'operator-test-token';
export { waitFor };

/** Log lines captured from the service's pino logger. */
export class LogCapture extends Writable {
  lines: any[] = [];
  override _write(chunk: Buffer, _enc: string, cb: () => void) {
    for (const l of chunk.toString('utf8').split('\n')) if (l.trim()) this.lines.push(JSON.parse(l));
    cb();
  }
  has(msg: RegExp): boolean {
    return this.lines.some((l) => msg.test(String(l.msg)));
  }
}

export interface Harness {
  centra: EmulatorHandle<CentraState>;
  klaviyo: Awaited<ReturnType<typeof startKlaviyoEmulator>>;
  rule: Awaited<ReturnType<typeof startRuleEmulator>>;
  /** Receives the fallback emails (what neither plugin has: wholesale refunds, Rule's missing DTC emails). */
  smtp: SmtpEmulatorHandle;
  dataset: Dataset;
  service: RunningService;
  config: Config;
  logs: LogCapture;
  auth: Record<string, string>;
  close(): Promise<void>;
}

/** Store 1 (Centra emulator's wholesale store) → Klaviyo emulator; store 2 (DTC) → Rule emulator; the rest → the SMTP emulator. */
export function harnessConfig(
  urls: { centra: string; klaviyo: string; rule: string; smtpPort: number },
  dir: string,
  centra: Record<string, unknown> = {},
  server: Record<string, unknown> = {},
  storage: Record<string, unknown> = {},
): Config {
  return parseConfig({
    stores: [
      {
        id: 1, name: 'Showroom', kind: 'wholesale', language: 'en',
        urls: { showroom: 'http://showroom.example', company: 'http://brand.example' },
        trackingUrl: 'https://track.example/?n={trackingNumber}',
        emails: { orderConfirmationTo: 'both', shipmentConfirmationTo: 'both' },
        plugins: [{ name: 'klaviyo', esp: 'klaviyo', apiKey: 'klaviyo-test-key', baseUrl: urls.klaviyo }],
      },
      {
        id: 2, name: 'Webshop', kind: 'dtc', language: 'sv-SE',
        plugins: [{ name: 'rule-dtc', esp: 'rule', apiKey: 'rule-test-key', baseUrl: urls.rule }],
      },
    ],
    smtp: { host: '127.0.0.1', port: urls.smtpPort },
    storage: { sqlitePath: `${dir}/bridge.sqlite`, ...storage },
    delivery: { timeoutMs: 2_000, retry: { baseMs: 50, factor: 2, capMs: 400 }, pollMs: 20, leaseMs: 10_000, limits: { default: { attemptTimeoutMs: 8_000 } } },
    server: { host: '127.0.0.1', port: 0, webhookSecrets: [SECRET, OLD_SECRET], adminToken: ADMIN, operatorToken: OPERATOR, maxBodyBytes: 64 * 1024, ...server },
    centra: { url: `${urls.centra}/graphql`, token: 'centra-test-token', timeoutMs: 5_000, ...centra },
  });
}

export async function startHarness(
  opts: {
    orders?: number;
    centra?: Record<string, unknown>;
    server?: Record<string, unknown>;
    storage?: Record<string, unknown>;
    service?: StartServiceOptions;
    /** The Centra emulator's quota (default: Centra's example), as startCentraEmulator takes it. */
    centraQuota?: NonNullable<Parameters<typeof startCentraEmulator>[0]>['quota'];
    /** Changes the parsed configuration before the service starts (a plugin setting, say). */
    configure?: (config: Config) => void;
  } = {},
): Promise<Harness> {
  const dataset = generateDataset({ seed: 7, orders: opts.orders ?? 40 });
  const [centra, klaviyo, rule, smtp] = await Promise.all([startCentraEmulator({ dataset, quota: opts.centraQuota }), startKlaviyoEmulator(), startRuleEmulator(), startSmtpEmulator()]);
  const tmp = tempDir();
  const config = harnessConfig({ centra: centra.url, klaviyo: klaviyo.url, rule: rule.url, smtpPort: smtp.port }, tmp.dir, opts.centra, opts.server, opts.storage);
  opts.configure?.(config);
  const logs = new LogCapture();
  const service = await startService(config, {
    logDestination: logs,
    logLevel: 'debug',
    processor: { retryBaseMs: 50, retryCapMs: 300, pollMs: 50 },
    ...opts.service,
  });
  return {
    centra, klaviyo, rule, smtp, dataset, service, config, logs,
    auth: { authorization: `Bearer ${ADMIN}` },
    async close() {
      await service.close();
      await Promise.all([centra.close(), klaviyo.close(), rule.close(), smtp.close()]);
      tmp.remove();
    },
  };
}

export async function api(h: Harness, method: string, path: string, body?: unknown, headers: Record<string, string> = h.auth): Promise<{ status: number; json: any; text: string }> {
  const res = await fetch(`${h.service.url}${path}`, {
    method,
    headers: { ...headers, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text };
}

export async function inboxRows(h: Harness): Promise<number> {
  const c = await h.service.inbox.counts();
  return c.pending + c.retry + c.processed + c.failed;
}

/** Deliveries to the ESP emulators not yet delivered nor dead (the fallback's excluded: the tests are about the ESPs). */
const ok2xx = (byStatus: Record<string, number>) => Object.entries(byStatus).filter(([s]) => s.startsWith('2')).reduce((n, [, c]) => n + c, 0);

/**
 * Checks that each delivered row of an ESP reached it once, apart from repeats the bridge could not
 * avoid: a send whose answer never came (an engine timeout, a dropped connection — at-least-once;
 * on a starved machine a 2 s timeout happens) may have arrived and is tried again. So the ESP's 2xx
 * answers must equal the delivered rows plus, at most, the attempts recorded as ambiguous; any
 * other repeat (a row sent twice after a lost lease) fails.
 */
export async function assertSentOnce(h: Harness, esp: 'klaviyo' | 'rule', byStatus: Record<string, number>): Promise<void> {
  const delivered = await h.service.bridge.outbox.listDeliveries({ status: 'delivered', esp, limit: 10_000 });
  let ambiguous = 0;
  for (const d of delivered) ambiguous += ((await h.service.bridge.outbox.getDelivery(d.id))?.attemptLog ?? []).filter((a) => a.outcome === 'timeout' || a.outcome === 'ambiguous').length;
  const answered = ok2xx(byStatus);
  assert.ok(answered >= delivered.length && answered <= delivered.length + ambiguous, `${esp}: ${answered} accepted by the ESP for ${delivered.length} delivered rows and ${ambiguous} attempts without an answer`);
}

export async function espBacklog(h: Harness): Promise<number> {
  const counts = await h.service.bridge.outbox.countsByStateAndEsp();
  return counts.filter((c) => c.esp !== 'smtp' && c.status !== 'delivered' && c.status !== 'dead').reduce((n, c) => n + c.count, 0);
}
