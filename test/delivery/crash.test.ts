// A worker killed with SIGKILL mid-batch: a second worker finishes; nothing lost, and a
// delivery is only sent twice in the at-least-once window (answered by the ESP, not yet recorded).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createOutbox } from '../../src/delivery/outbox.ts';
import { createWorker } from '../../src/delivery/worker.ts';
import { recordingTransport } from '../fixtures/worker-child.ts';
import { planned, tempStore, waitFor } from './helpers.ts';

const child = fileURLToPath(new URL('../fixtures/worker-child.ts', import.meta.url));

interface Rec { id: string; phase: 'start' | 'done'; worker: string; at: number }
const readRecords = (file: string): Rec[] =>
  existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Rec) : [];

test('SIGKILL mid-batch: a second worker finishes, every delivery delivered, repeats only in the window', async () => {
  const t = tempStore();
  const record = join(t.dir, 'sends.jsonl');
  writeFileSync(record, '');
  const ids = Array.from({ length: 60 }, (_, i) => `c${String(i).padStart(2, '0')}`);
  const leaseMs = 1500;
  try {
    await createOutbox(t.store).enqueue(ids.map((id) => planned(id)), 'ev-crash');
    const proc = spawn(process.execPath, ['--import', 'tsx', child, t.path, record, 'child', String(leaseMs), '25'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise<NodeJS.Signals | null>((r) => proc.on('exit', (_c, s) => r(s)));
    await waitFor(() => readRecords(record).filter((r) => r.phase === 'done').length >= 15, 20_000, 'child to send 15');
    proc.kill('SIGKILL');
    assert.equal(await exited, 'SIGKILL');
    const killedAt = Date.now();

    const atKill = new Map((await t.store.listDeliveries({ limit: 1000 })).map((r) => [r.id, r]));
    const beforeKill = readRecords(record);
    const deliveredAtKill = [...atKill.values()].filter((r) => r.status === 'delivered').map((r) => r.id);
    const inFlightAtKill = [...atKill.values()].filter((r) => r.status === 'in_flight');
    assert.ok(deliveredAtKill.length >= 1 && deliveredAtKill.length < ids.length, `delivered at kill: ${deliveredAtKill.length}`);
    assert.ok(inFlightAtKill.length >= 1, 'killed mid-batch');

    const worker = createWorker({
      store: t.store,
      transports: [recordingTransport('klaviyo', record, 'second', 1)],
      workerId: 'second',
      leaseMs,
      pollMs: 20,
      limits: { esp: { klaviyo: { rates: [], concurrency: 4 } } },
    });
    await worker.drain({ timeoutMs: 20_000 });
    await worker.stop();

    const rows = await t.store.listDeliveries({ limit: 1000 });
    assert.equal(rows.length, ids.length);
    assert.ok(rows.every((r) => r.status === 'delivered'), 'every delivery ends delivered');

    const all = readRecords(record);
    const starts = (id: string) => all.filter((r) => r.id === id && r.phase === 'start');
    for (const id of ids) assert.ok(all.some((r) => r.id === id && r.phase === 'done'), `${id} sent at least once`);
    // Recorded as delivered before the kill → never sent again.
    for (const id of deliveredAtKill) assert.equal(starts(id).length, 1, `${id} sent once`);
    // A repeat only for rows leased by the dead worker, and only after that lease lapsed.
    const repeated = ids.filter((id) => starts(id).length > 1);
    for (const id of repeated) {
      const row = atKill.get(id)!;
      assert.equal(row.status, 'in_flight', `${id} repeated though not in flight at kill`);
      const second = starts(id).find((r) => r.worker === 'second')!;
      assert.ok(second.at >= row.leaseUntil!, `${id} re-sent before its lease lapsed`);
      assert.ok(starts(id).length === 2, `${id} sent at most twice`);
    }
    // The window is bounded by the dead worker's concurrency.
    assert.ok(repeated.length <= 4, `repeats: ${repeated.length}`);
    const doneBeforeKill = new Set(beforeKill.filter((r) => r.phase === 'done').map((r) => r.id));
    const windowIds = [...doneBeforeKill].filter((id) => atKill.get(id)?.status !== 'delivered');
    for (const id of repeated) assert.ok(windowIds.includes(id) || !doneBeforeKill.has(id));
    assert.ok(Date.now() - killedAt >= 0);
  } finally {
    await t.cleanup();
  }
});
