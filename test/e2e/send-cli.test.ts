// `esp-bridge send`: one email by hand for a Centra object (Centra's "Send email" modal): the
// object is fetched from Centra, the delivery stored; `worker` sends it. A second send is a new email.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { DEFAULT_CENTRA_TOKEN, generateDataset, startCentraEmulator, startKlaviyoEmulator } from '../../sandbox/index.ts';
import { tempDir } from '../helpers/sandbox.ts';
import { ROOT } from '../helpers/golden.ts';

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [path.join(ROOT, 'bin/esp-bridge.js'), ...args], { cwd: ROOT });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (c) => (stdout += c));
    p.stderr.on('data', (c) => (stderr += c));
    p.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

test('send: an order receipt by hand, twice, arrives twice; an unknown order is a readable error', async () => {
  const dataset = generateDataset({ seed: 5, orders: 30 });
  const [centra, klaviyo] = await Promise.all([startCentraEmulator({ dataset }), startKlaviyoEmulator()]);
  const tmp = tempDir();
  const configFile = path.join(tmp.dir, 'config.yaml');
  writeFileSync(
    configFile,
    stringify({
      stores: [
        { id: 1, name: 'Showroom', kind: 'wholesale', plugins: [{ name: 'klaviyo', esp: 'klaviyo', apiKey: 'klaviyo-test-key', baseUrl: klaviyo.url, emails: { refund: false } }] },
        { id: 2, name: 'Webshop', kind: 'dtc', plugins: [{ name: 'klaviyo-dtc', esp: 'klaviyo', apiKey: 'klaviyo-test-key', baseUrl: klaviyo.url }] },
      ],
      storage: { sqlitePath: path.join(tmp.dir, 'bridge.sqlite') },
      delivery: { pollMs: 20 },
      centra: { url: `${centra.url}/graphql`, token: DEFAULT_CENTRA_TOKEN },
    }),
  );
  try {
    const order = dataset.orders.find((o) => o.store.id === 2)!;
    const args = ['send', '--config', configFile, '--type', 'order', '--id', String(order.number), '--email', 'order'];
    const first = await cli(args);
    assert.equal(first.code, 0, first.stderr);
    const out = JSON.parse(first.stdout);
    assert.equal(out.deliveries.length, 1);
    assert.equal(out.deliveries[0].recipient, 'customer');
    const second = await cli(args);
    assert.equal(second.code, 0, second.stderr);
    assert.notEqual(JSON.parse(second.stdout).deliveries[0].id, out.deliveries[0].id, 'a hand-made resend is its own email');

    const worker = await cli(['worker', '--config', configFile, '--until-idle']);
    assert.equal(worker.code, 0, worker.stderr);
    assert.equal(klaviyo.state.events.length, 2);
    assert.ok(klaviyo.state.events.every((e) => e.metric === 'Placed Order' && e.properties.OrderId === String(order.number)));

    const missing = await cli(['send', '--config', configFile, '--type', 'order', '--id', '999999', '--email', 'order']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /manual send failed/);
    assert.doesNotMatch(missing.stderr, /\n\s+at /);
  } finally {
    await Promise.all([centra.close(), klaviyo.close()]);
    tmp.remove();
  }
});
