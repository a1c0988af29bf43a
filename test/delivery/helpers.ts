// Shared bits of the delivery tests: temp stores, planned deliveries, scriptable transports.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { PlannedDelivery, SendOutcome, Transport } from '../../src/delivery/types.ts';
import { openSqliteStorage } from '../../src/storage/sqlite/open.ts';

export function tempDir(prefix = 'delivery-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function tempStore() {
  const t = tempDir();
  const path = join(t.dir, 'sub', 'bridge.sqlite');
  const storage = openSqliteStorage({ path });
  return {
    storage,
    store: storage.deliveries,
    path,
    dir: t.dir,
    async cleanup() {
      await storage.close();
      t.cleanup();
    },
  };
}

export function planned(id: string, esp: string = 'klaviyo', plugin = 'main', extra: Partial<PlannedDelivery> = {}): PlannedDelivery {
  return {
    id,
    emailType: 'order',
    recipient: 'buyer',
    to: `${id}@example.com`,
    plugin,
    esp,
    request: { method: 'POST', url: `https://esp.example/${esp}`, headers: { 'content-type': 'application/json' }, body: { id } },
    ...extra,
  };
}

export type Script = (d: PlannedDelivery, call: number, signal: AbortSignal) => Promise<SendOutcome> | SendOutcome;

/** A transport whose answers a test scripts; records every call. */
export class FakeTransport implements Transport {
  readonly calls: Array<{ id: string; at: number }> = [];
  private perId = new Map<string, number>();
  constructor(
    readonly esp: string,
    private script: Script = () => ({ kind: 'delivered', status: 202 }),
  ) {}
  async send(d: PlannedDelivery, signal: AbortSignal): Promise<SendOutcome> {
    const n = (this.perId.get(d.id) ?? 0) + 1;
    this.perId.set(d.id, n);
    this.calls.push({ id: d.id, at: Date.now() });
    return this.script(d, n, signal);
  }
  sendsOf(id: string): number {
    return this.perId.get(id) ?? 0;
  }
}

/** Resolves when cond() is true; polls (no fixed sleeps as assertions). */
export async function waitFor(cond: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The most of `times` (ms, any order) that fall in one window of `windowMs`. */
export function maxInWindow(times: readonly number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  let lo = 0;
  for (let hi = 0; hi < sorted.length; hi++) {
    while (sorted[hi]! - sorted[lo]! >= windowMs) lo++;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}
