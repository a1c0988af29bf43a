// The operator's view from the command line: a dead letter (a wrong API key: 401, permanent),
// listed with `deliveries`, fixed in the config, replayed with `replay`, delivered by `worker`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { startKlaviyoEmulator } from '../../sandbox/index.ts';
import { parseConfig } from '../../src/config/load.ts';
import { openBridge, orderEvents, submitAll, tempDir } from '../helpers/sandbox.ts';
import { ROOT } from '../helpers/golden.ts';

/** Runs the CLI without blocking this process (the emulator lives here). */
function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [path.join(ROOT, 'bin/esp-bridge.js'), ...args], { cwd: ROOT, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (c) => (stdout += c));
    p.stderr.on('data', (c) => (stderr += c));
    p.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

test('deliveries lists a dead letter, replay re-queues it, the worker delivers it', async () => {
  const klaviyo = await startKlaviyoEmulator();
  const tmp = tempDir();
  const raw = (keyEnv: string) => ({
    // Klaviyo has no wholesale refund email: turned off, so nothing can fall back (no smtp: here).
    stores: [{ id: 1, name: 'S', kind: 'wholesale', emails: { orderConfirmationTo: 'none' }, plugins: [{ name: 'klaviyo', esp: 'klaviyo', apiKey: { env: keyEnv }, baseUrl: klaviyo.url, emails: { refund: false } }] }],
    storage: { sqlitePath: path.join(tmp.dir, 'bridge.sqlite') },
    delivery: { timeoutMs: 2_000, pollMs: 20, retry: { baseMs: 20, factor: 2, capMs: 100 } },
  });
  const configFile = path.join(tmp.dir, 'config.yaml');
  writeFileSync(configFile, stringify(raw('KLAVIYO_API_KEY')));
  try {
    const bridge = openBridge(parseConfig(raw('KLAVIYO_API_KEY')));
    const [id] = await submitAll(bridge, orderEvents('klaviyo-order.json', 1, 1));
    await bridge.close();

    const first = await cli(['worker', '--config', configFile, '--until-idle'], { KLAVIYO_API_KEY: 'pk_wrong' });
    assert.equal(first.code, 0, first.stderr);
    assert.equal(klaviyo.state.events.length, 0);
    assert.doesNotMatch(first.stdout + first.stderr, /pk_wrong/, 'the key never reaches a log line');

    const dead = await cli(['deliveries', '--config', configFile, '--status', 'dead']);
    assert.equal(dead.code, 0, dead.stderr);
    assert.match(dead.stdout, new RegExp(id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    assert.match(dead.stdout, /HTTP 401/);
    const json = JSON.parse((await cli(['deliveries', '--config', configFile, '--json'])).stdout);
    assert.equal(json.length, 1);
    assert.equal(json[0].status, 'dead');

    assert.match(dead.stdout, /^created \(UTC\) +status +order +email /m, 'an aligned header');
    assert.match(dead.stdout, /^1–1 of 1 deliveries$/m);
    assert.match(dead.stderr, /^store: .*bridge\.sqlite/m, 'the store it read');
    const limit = await cli(['deliveries', '--config', configFile, '--limit', 'abc']);
    assert.equal(limit.code, 2);
    assert.match(limit.stderr, /bad --limit:\n {2}- "abc" is not a whole number from 1 to 1000/);
    assert.doesNotMatch(limit.stderr, /\n\s+at /, 'no stack trace');
    const nowhere = await cli(['deliveries', '--store', path.join(tmp.dir, 'nope.sqlite')]);
    assert.equal(nowhere.code, 2);
    assert.match(nowhere.stderr, /no store at .*nope\.sqlite/);
    const order = json[0].orderNumber as string;
    assert.match(order, /^\d+$/);
    const tree = await cli(['trace', '--order', order, '--config', configFile]);
    assert.equal(tree.code, 0, tree.stderr);
    assert.match(tree.stdout, new RegExp(`^trace of order ${order}: 1 event\\(s\\), 1 delivery`));
    assert.match(tree.stdout, /✓ order → buyer <.+> via klaviyo\/klaviyo: dead/);
    assert.match(tree.stdout, /attempt 1 .* permanent — HTTP 401/);
    assert.match(tree.stdout, /note: not in the inbox/, 'submitted straight to the bridge: no inbox event, its deliveries still shown');
    assert.doesNotMatch(tree.stdout, /HTTP 401 HTTP 401/);
    const traceJson = JSON.parse((await cli(['trace', '--email', json[0].to.toUpperCase(), '--json', '--store', path.join(tmp.dir, 'bridge.sqlite')])).stdout);
    assert.equal(traceJson.deliveryCount, 1);
    const noFlag = await cli(['trace', '--config', configFile]);
    assert.equal(noFlag.code, 2);
    assert.match(noFlag.stderr, /esp-bridge trace needs --order <number> or --email <address>/);

    const bad = await cli(['deliveries', '--config', configFile, '--status', 'lost']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /"lost" is not one of pending, in_flight, delivered, retry_scheduled, dead/);

    const replay = await cli(['replay', id, '--config', configFile]);
    assert.equal(replay.code, 0, replay.stderr);
    assert.match(replay.stdout, /queued again/);
    const second = await cli(['worker', '--config', configFile, '--until-idle'], { KLAVIYO_API_KEY: 'klaviyo-test-key' });
    assert.equal(second.code, 0, second.stderr);
    assert.equal(klaviyo.state.events.length, 1);
    assert.equal(klaviyo.state.events[0].uniqueId, id);
    const after = JSON.parse((await cli(['deliveries', '--config', configFile, '--json'])).stdout);
    assert.equal(after[0].status, 'delivered');
    assert.equal((await cli(['replay', '--config', configFile, '--all-dead'])).stdout.trim(), '0 dead deliveries queued again');

    // A delivered row: refused without --force (it would be sent again), replayed with it and a warning.
    const unforced = await cli(['replay', id, '--config', configFile]);
    assert.equal(unforced.code, 2, unforced.stderr);
    assert.match(unforced.stderr, /already delivered/);
    assert.match(unforced.stderr, /a second time/);
    assert.match(unforced.stderr, /--force/);
    assert.equal(JSON.parse((await cli(['deliveries', '--config', configFile, '--json'])).stdout)[0].status, 'delivered', 'a refused replay changes nothing');
    const forced = await cli(['replay', id, '--force', '--config', configFile]);
    assert.equal(forced.code, 0, forced.stderr);
    assert.match(forced.stderr, /warning: .* had been delivered; it will be sent to the recipient again/);
    assert.equal(JSON.parse((await cli(['deliveries', '--config', configFile, '--json'])).stdout)[0].status, 'pending');
    assert.match((await cli(['replay', 'no-such-id', '--config', configFile])).stderr, /no delivery no-such-id/);
  } finally {
    await klaviyo.close();
    tmp.remove();
  }
});
