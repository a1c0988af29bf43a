// `esp-bridge replay` by filter, spawned against a real SQLite file: a dry run counts the dead
// letters a filter matches and changes nothing; --expect with another count refuses (exit 2) and
// changes nothing; the right --expect replays exactly those rows (never a delivered or pending one);
// the command the dry run suggests works as printed; the flags that make no sense together are refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { createOutbox } from '../../src/delivery/outbox.ts';
import { openSqliteStorage } from '../../src/storage/sqlite/open.ts';
import { planned } from '../delivery/helpers.ts';
import { tempDir } from '../helpers/sandbox.ts';
import { ROOT } from '../helpers/golden.ts';

const cli = (...args: string[]) => spawnSync(process.execPath, [path.join(ROOT, 'bin/esp-bridge.js'), ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, LOG_LEVEL: 'info' } });

/**
 * Order 1: k1, k2 dead and k3 delivered at Klaviyo; order 2: r1 dead and r2 pending at Rule.
 * Every row was attempted once (Klaviyo's at `now`, Rule's likewise), so `--since` covers them all.
 */
async function seeded(dir: string): Promise<string> {
  const file = path.join(dir, 'bridge.sqlite');
  const storage = openSqliteStorage({ path: file });
  const outbox = createOutbox(storage.deliveries);
  await outbox.enqueue([planned('k1', 'klaviyo'), planned('k2', 'klaviyo'), planned('k3', 'klaviyo')], 'ev-1', { orderNumber: '1', object: 'order-1' });
  await outbox.enqueue([planned('r1', 'rule'), planned('r2', 'rule')], 'ev-2', { orderNumber: '2', object: 'order-2' });
  const now = Date.now() + 10;
  const claimed = [
    ...(await storage.deliveries.claimDue({ lane: 'klaviyo:main', owner: 'w', now, leaseMs: 60_000, limit: 10 })),
    ...(await storage.deliveries.claimDue({ lane: 'rule:main', owner: 'w', now, leaseMs: 60_000, limit: 1 })),
  ];
  assert.deepEqual(claimed.map((c) => c.id).sort(), ['k1', 'k2', 'k3', 'r1']);
  for (const id of ['k1', 'k2', 'k3', 'r1']) {
    const attempt = { deliveryId: id, attempt: 1, workerId: 'w', startedAt: now, finishedAt: now + 1, outcome: 'permanent' as const, status: 400, error: 'bad', durationMs: 1 };
    const next = id === 'k3' ? { status: 'delivered' as const, at: now + 1 } : { status: 'dead' as const, reason: 'bad request' };
    assert.equal(await storage.deliveries.finishAttempt({ id, owner: 'w', now: now + 1, lastStatus: 400, next, attempt }), true);
  }
  await storage.close();
  return file;
}

async function statuses(file: string): Promise<Record<string, string | undefined>> {
  const storage = openSqliteStorage({ path: file });
  try {
    const out: Record<string, string | undefined> = {};
    for (const id of ['k1', 'k2', 'k3', 'r1', 'r2']) out[id] = (await storage.deliveries.getDelivery(id))?.status;
    return out;
  } finally {
    await storage.close();
  }
}
const BEFORE = { k1: 'dead', k2: 'dead', k3: 'delivered', r1: 'dead', r2: 'pending' };

/** Runs `body` with a freshly seeded store in a temporary folder, removed afterwards. */
async function withStore(body: (file: string, dir: string) => Promise<void>): Promise<void> {
  const tmp = tempDir();
  try {
    await body(await seeded(tmp.dir), tmp.dir);
  } finally {
    tmp.remove();
  }
}

test('replay by filter: a dry run prints the count and changes nothing; a wrong --expect refuses; the right one replays exactly those rows', () =>
  withStore(async (file) => {
    assert.deepEqual(await statuses(file), BEFORE);

    const dry = cli('replay', '--store', file, '--order', '1');
    assert.equal(dry.status, 0, dry.stderr);
    assert.match(dry.stdout, /^2 dead letter\(s\) match; nothing was replayed \(a dry run\)$/m, 'the delivered row of the order is not counted');
    assert.equal(/^to replay them: (.+)$/m.exec(dry.stdout)?.[1], `esp-bridge replay --store ${file} --order 1 --expect 2`, 'the command to confirm, with the store');
    assert.deepEqual(await statuses(file), BEFORE, 'a dry run changes nothing');

    const wrong = cli('replay', '--store', file, '--order', '1', '--expect', '3');
    assert.equal(wrong.status, 2, wrong.stderr);
    assert.match(wrong.stderr, /not replayed: 2 dead letter\(s\) match now, not the 3 given with --expect/);
    assert.match(wrong.stderr, /nothing was replayed/);
    assert.match(wrong.stderr, /run again with --expect 2/);
    assert.doesNotMatch(wrong.stderr, /\n\s+at /, 'no stack trace');
    assert.deepEqual(await statuses(file), BEFORE, 'a wrong count changes nothing');

    const right = cli('replay', '--store', file, '--order', '1', '--expect', '2');
    assert.equal(right.status, 0, right.stderr);
    assert.match(right.stdout, /^2 dead letter\(s\) queued again$/m);
    assert.deepEqual(await statuses(file), { ...BEFORE, k1: 'pending', k2: 'pending' }, "exactly order 1's dead letters: not its delivered row, not order 2's");
    const audit = right.stderr.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
    const line = audit.find((l) => l.msg === 'dead letters replayed in bulk by an operator');
    assert.deepEqual([line?.by, line?.replayed, line?.filter?.order], ['cli', 2, '1']);

    // Nothing dead left for the filter: the dry run says 0 and suggests nothing.
    const none = cli('replay', '--store', file, '--order', '1');
    assert.equal(none.status, 0, none.stderr);
    assert.match(none.stdout, /^0 dead letter\(s\) match; nothing was replayed \(a dry run\)$/m);
    assert.doesNotMatch(none.stdout, /to replay them/);
  }));

test('replay by filter: the command a dry run prints (relative times written out) replays as printed', () =>
  withStore(async (file) => {
    const dry = cli('replay', '--store', file, '--esp', 'rule', '--since', '1d');
    assert.equal(dry.status, 0, dry.stderr);
    assert.match(dry.stdout, /^1 dead letter\(s\) match/m, 'the pending Rule row is not a dead letter');
    const suggested = /^to replay them: esp-bridge replay (.+)$/m.exec(dry.stdout)?.[1];
    assert.ok(suggested, dry.stdout);
    assert.match(suggested, /^--store \S+ --esp rule --since \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z --expect 1$/, '"1d" ago written as the time it meant');
    const run = cli('replay', ...suggested.split(' '));
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^1 dead letter\(s\) queued again$/m);
    assert.deepEqual(await statuses(file), { ...BEFORE, r1: 'pending' });
  }));

test('replay: flags that do not go together are refused with a message, before anything changes; --help explains bulk replay', () =>
  withStore(async (file, dir) => {
    const cases: [string[], RegExp][] = [
      [['--order', '1', '--force'], /--force does not apply to a bulk replay[\s\S]*never a delivered row/],
      [['--expect', '2'], /--expect confirms the count of a bulk replay[\s\S]*give the filter it was counted with/],
      [['k1', '--order', '1'], /give a delivery id or --order, not both/],
      [['--all-dead', '--esp', 'klaviyo'], /give --all-dead or a filter, not both/],
      [['--esp', 'mailchimp'], /bad --esp:\n {2}- "mailchimp" is not one of/],
      [['--order', '1', '--expect', 'two'], /bad --expect:\n {2}- "two" is not a whole number/],
      [['--since', 'yesterday'], /bad --since/],
      [[], /nothing to replay[\s\S]*or a filter/],
    ];
    for (const [args, message] of cases) {
      const r = cli('replay', '--store', file, ...args);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message, args.join(' '));
    }
    assert.deepEqual(await statuses(file), BEFORE);
    const missing = cli('replay', '--store', path.join(dir, 'nope.sqlite'), '--order', '1');
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /no store at .*nope\.sqlite/, 'never a new empty store');

    const help = cli('replay', '--help');
    assert.equal(help.status, 0);
    for (const flag of ['--order', '--email', '--esp', '--email-type', '--since', '--until', '--expect', '--store']) assert.match(help.stdout, new RegExp(`^ +${flag} `, 'm'), flag);
    assert.match(help.stdout, /a dry run: prints the count, changes nothing/);
  }));
