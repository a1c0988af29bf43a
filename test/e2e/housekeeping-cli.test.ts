// The store's housekeeping from the command line, on a real SQLite file: erase a person (the audit
// line names a digest, never the address), rename a plugin, prune by retention, and check-config
// reading the plugin names stored rows still use.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { personRef } from '../../src/app/erase.ts';
import { createOutbox } from '../../src/delivery/outbox.ts';
import { openSqliteStorage } from '../../src/storage/sqlite/open.ts';
import { planned } from '../delivery/helpers.ts';
import { tempDir } from '../helpers/sandbox.ts';
import { ROOT } from '../helpers/golden.ts';

const cli = (...args: string[]) => spawnSync(process.execPath, [path.join(ROOT, 'bin/esp-bridge.js'), ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, LOG_LEVEL: 'info' } });

async function seeded(dir: string): Promise<string> {
  const file = path.join(dir, 'bridge.sqlite');
  const storage = openSqliteStorage({ path: file });
  const outbox = createOutbox(storage.deliveries);
  await outbox.enqueue([planned('to-eva', 'klaviyo', 'old-name', { to: 'Eva.Lind@Shop.example' }), planned('to-bo', 'klaviyo', 'old-name', { to: 'bo@shop.example' })], 'ev-1');
  await storage.close();
  return file;
}

test('erase --email: removes the person\'s data; the audit line carries a digest, never the address', async () => {
  const tmp = tempDir();
  try {
    const file = await seeded(tmp.dir);
    const r = cli('erase', '--email', 'eva.lind@shop.example', '--store', file);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`erased ${personRef('EVA.LIND@shop.example ')}: 1 deliveries to the address and 0 to others carrying it \\(1 not yet sent, now dead and never sent\\), 0 stored events, 0 contact links`));
    assert.doesNotMatch(r.stderr, /eva/i, 'the address is not logged');
    const audit = r.stderr.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
    assert.equal(audit.find((l) => l.msg === 'personal data erased on request')?.person, personRef('eva.lind@shop.example'));
    const storage = openSqliteStorage({ path: file });
    assert.equal((await storage.deliveries.getDelivery('to-eva'))?.status, 'dead');
    assert.equal((await storage.deliveries.getDelivery('to-bo'))?.status, 'pending');
    await storage.close();
    const bad = cli('erase', '--email', 'not-an-address', '--store', file);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /bad erase request/);
    const none = cli('erase', '--email', 'x@y.example', '--store', path.join(tmp.dir, 'nope.sqlite'));
    assert.equal(none.status, 2, 'a missing store is an error, never a new empty one');
  } finally {
    tmp.remove();
  }
});

test('check-config --store flags stored deliveries of a plugin the config lacks; rename-plugin moves them; prune runs', async () => {
  const tmp = tempDir();
  try {
    const file = await seeded(tmp.dir);
    const cfg = path.join(tmp.dir, 'bridge.yaml');
    writeFileSync(cfg, `stores:\n  - id: 1\n    name: S\n    kind: wholesale\n    plugins:\n      - { name: new-name, esp: klaviyo, apiKey: k }\nsmtp: { host: 127.0.0.1 }\nstorage: { sqlitePath: ${file} }\n`);
    const before = cli('check-config', cfg);
    assert.equal(before.status, 1, before.stdout);
    assert.match(before.stdout, /error: 2 stored deliveries still to be sent name klaviyo plugin "old-name", which this config does not have/);
    assert.match(before.stdout, /renamedFrom: old-name/);

    const renamed = cli('rename-plugin', 'old-name', 'new-name', '--esp', 'klaviyo', '--store', file);
    assert.equal(renamed.status, 0, renamed.stderr);
    assert.match(renamed.stdout, /klaviyo plugin "old-name" → "new-name": 2 deliveries and 0 contact links moved/);
    const after = cli('check-config', cfg, '--store', file);
    assert.equal(after.status, 0, after.stdout);
    assert.match(after.stdout, /stored deliveries \(.*bridge\.sqlite\): 2 still to be sent, across 1 plugin\(s\)/);
    assert.equal(cli('rename-plugin', 'a', 'b', '--esp', 'nope', '--store', file).status, 2);

    const pruned = cli('prune', '--config', cfg);
    assert.equal(pruned.status, 0, pruned.stderr);
    assert.match(pruned.stdout, /retention \(deliveries 30 days, events 30 days\): 0 deliveries and 0 events pruned/);
  } finally {
    tmp.remove();
  }
});
