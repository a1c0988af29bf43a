// What the delivery benchmarks share: the ESP emulators in a process of their own, the Klaviyo
// emulator's warm-up, and order receipts planned from a golden event.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseEvent } from '../src/centra/parse-event.ts';
import type { Config } from '../src/config/schema.ts';
import type { PlannedDelivery } from '../src/delivery/types.ts';
import { planEvent } from '../src/pipeline/plan.ts';

export interface EspProcess {
  urls: { klaviyo: string; rule: string; voyado: string };
  /** GET /__control/summary of one emulator. */
  summary(url: string): Promise<any>;
  stop(): void;
}

/**
 * The ESPs run in a process of their own, as they would on the network, with a large young
 * generation: the emulator's own GC pauses would bunch arrivals up and trip its strict sliding window.
 */
export async function startEspProcess(options: object): Promise<EspProcess> {
  const esps = spawn(process.execPath, ['--max-semi-space-size=64', '--import', 'tsx', new URL('../sandbox/esp-process.ts', import.meta.url).pathname, JSON.stringify(options)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const urls = JSON.parse(await new Promise<string>((resolve) => createInterface({ input: esps.stdout! }).once('line', resolve)));
  return {
    urls,
    summary: async (url) => (await fetch(`${url}/__control/summary`)).json(),
    stop: () => esps.kill('SIGTERM'),
  };
}

/**
 * Warms the Klaviyo emulator up (JIT) on a key of its own, then clears it: a cold emulator
 * answers the first few hundred requests slowly and then all at once, which bunches their
 * arrival times up in its sliding window.
 */
export async function warmUpKlaviyo(url: string, request: { headers: Record<string, string>; body: unknown }, key = 'bench-warmup-key'): Promise<void> {
  const headers = { ...request.headers, Authorization: `Klaviyo-API-Key ${key}` };
  const body = request.body;
  for (let round = 0; round < 25; round++) {
    await Promise.all(Array.from({ length: 12 }, () => fetch(`${url}/api/events`, { method: 'POST', headers, body: JSON.stringify(body) }).then((r) => r.arrayBuffer())));
  }
  await fetch(`${url}/__control/reset`, { method: 'POST' });
}

/** n order receipts of one store, from a golden event with the order number changed. */
export function receipts(config: Config, file: string, storeId: number, n: number, from = 0): PlannedDelivery[] {
  const template = JSON.parse(readFileSync(new URL(`../test/golden/events/${file}`, import.meta.url), 'utf8'));
  template.object.store.id = storeId;
  const out: PlannedDelivery[] = [];
  for (let i = from; i < from + n; i++) {
    template.object.number = 1_000_000 + i;
    template.object.id = `h${i}`;
    out.push(...planEvent(parseEvent(template), config).deliveries);
  }
  return out;
}
