// The demo end to end on a small data set: every event processed, every delivery settled, the
// summary's last line one JSON object whose figures agree with the emulators.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runDemo } from '../../src/demo/run.ts';
import { tempDir } from '../helpers/sandbox.ts';
import { readdirSync } from 'node:fs';
import path from 'node:path';

test('esp-bridge demo (100 orders): everything delivered, the summary adds up', async () => {
  const tmp = tempDir();
  const lines: string[] = [];
  try {
    const result = await runDemo({ orders: 100, seed: 7, dir: tmp.dir, write: (l) => lines.push(l) });
    const last = JSON.parse(lines[lines.length - 1]);
    assert.deepEqual(last, JSON.parse(JSON.stringify(result)));
    assert.deepEqual(Object.keys(last), ['events', 'deliveries', 'delivered', 'dead', 'retried', 'seconds', 'centraRequests', 'engage']);
    assert.ok(result.events > 250, `${result.events} events`);
    const total = Object.values(result.deliveries).reduce((a, b) => a + b, 0);
    assert.equal(result.delivered + result.dead, total);
    assert.equal(result.dead, 0);
    for (const esp of ['klaviyo', 'rule', 'voyado', 'smtp'] as const) assert.ok(result.deliveries[esp] > 0, `${esp} got nothing`);
    assert.ok(result.retried > 0, 'the injected faults were retried');
    const mails = readdirSync(path.join(tmp.dir, 'mail')).filter((f) => f.endsWith('.eml'));
    assert.equal(mails.length, result.deliveries.smtp);
  } finally {
    tmp.remove();
  }
});
