// A sandbox for end-to-end delivery tests: the three ESP emulators on loopback, a config whose
// plugins point at them, and a bridge on a temporary SQLite file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startKlaviyoEmulator, startRuleEmulator, startVoyadoEmulator } from '../../sandbox/index.ts';
import { parseConfig } from '../../src/config/load.ts';
import { openBridge, type Bridge } from '../../src/app/bridge.ts';
import { parseEvent } from '../../src/centra/parse-event.ts';
import type { Config } from '../../src/config/schema.ts';
import { rawEventAt } from './golden.ts';

export type Emulators = Awaited<ReturnType<typeof startEmulators>>;

export async function startEmulators(opts: { klaviyo?: Parameters<typeof startKlaviyoEmulator>[0]; rule?: Parameters<typeof startRuleEmulator>[0] } = {}) {
  const [klaviyo, rule, voyado] = await Promise.all([startKlaviyoEmulator(opts.klaviyo), startRuleEmulator(opts.rule), startVoyadoEmulator()]);
  return {
    klaviyo,
    rule,
    voyado,
    async close() {
      await Promise.all([klaviyo.close(), rule.close(), voyado.close()]);
    },
  };
}

/** Store 1 (wholesale) sends to Klaviyo, store 3 (wholesale) to Rule, store 4 (wholesale) to Voyado. */
export function sandboxConfig(em: Emulators, delivery: Record<string, unknown> = {}, dir?: string): Config {
  const base = { kind: 'wholesale', language: 'en', urls: { showroom: 'http://showroom.example', company: 'http://brand.example' }, trackingUrl: 'https://track.example/?n={trackingNumber}', emails: { orderConfirmationTo: 'both', shipmentConfirmationTo: 'both' } };
  return parseConfig({
    stores: [
      { id: 1, name: 'Klaviyo store', ...base, plugins: [{ name: 'klaviyo', esp: 'klaviyo', apiKey: 'klaviyo-test-key', baseUrl: em.klaviyo.url }] },
      { id: 3, name: 'Rule store', ...base, plugins: [{ name: 'rule', esp: 'rule', apiKey: 'rule-test-key', baseUrl: em.rule.url, shortProductName: true }] },
      { id: 4, name: 'Voyado store', ...base, plugins: [{ name: 'voyado', esp: 'voyado', apiKey: 'voyado-test-key', baseUrl: em.voyado.url, storeExternalId: 'wholesale' }] },
    ],
    storage: { sqlitePath: path.join(dir ?? mkdtempSync(path.join(tmpdir(), 'bridge-e2e-')), 'bridge.sqlite') },
    // Rule's emulator allows 50 req/s by default; the bridge's own Rule default (about 1/s) is for the real Rule.
    // Fast retries and fast breaker probes, as the tests' ESP faults are short (the outage test asks for the defaults).
    delivery: { timeoutMs: 2_000, retry: { baseMs: 50, factor: 2, capMs: 400 }, breaker: { probeBaseMs: 50, probeCapMs: 400 }, pollMs: 20, leaseMs: 10_000, limits: { esp: { rule: { rates: [{ limit: 50, intervalMs: 1000 }] } } }, ...delivery },
  });
}

export function tempDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'bridge-e2e-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** n distinct order events from a golden event file, in the given store (order numbers 100000 + i). */
export function orderEvents(file: string, storeId: number, n: number, from = 0) {
  const template = rawEventAt(`test/golden/events/${file}`);
  return Array.from({ length: n }, (_, k) => {
    const i = from + k;
    const e = structuredClone(template);
    const order = e.type === 'shipment' ? e.object.order : e.object;
    order.number = 100000 + i;
    order.id = `hash${i}`;
    order.store.id = storeId;
    e.id = e.type === 'shipment' ? 900000 + i : order.number;
    if (e.type === 'shipment') e.object.id = 900000 + i;
    return parseEvent(e);
  });
}

export async function submitAll(bridge: Bridge, events: ReturnType<typeof orderEvents>): Promise<string[]> {
  const ids: string[] = [];
  for (const e of events) ids.push(...(await bridge.submit(e)).deliveries.map((d) => d.id));
  return ids;
}

export { openBridge };

/** Waits until `check` holds, polling; fails with `what` after the timeout. */
export async function waitFor(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
