// Command-line mistakes are readable errors, never a stack trace: render --out onto a file;
// serve's --log-level exists and refuses a level it does not know.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../helpers/golden.ts';
import { tempDir } from '../helpers/sandbox.ts';

const cli = (args: string[]) => spawnSync(process.execPath, [path.join(ROOT, 'bin/esp-bridge.js'), ...args], { cwd: ROOT, encoding: 'utf8' });

test('render --out onto an existing file: exit 2, the reason, no stack trace; a directory works', () => {
  const tmp = tempDir();
  try {
    const file = path.join(tmp.dir, 'taken.txt');
    writeFileSync(file, 'keep me');
    const r = cli(['render', '--config', 'config/fallback-only.yaml', 'examples/order.json', '--out', file]);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /--out .*taken\.txt is an existing file/);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    const dir = path.join(tmp.dir, 'out');
    const ok = cli(['render', '--config', 'config/fallback-only.yaml', 'examples/order.json', '--out', dir]);
    assert.equal(ok.status, 0, ok.stderr);
    assert.ok(existsSync(dir));
  } finally {
    tmp.remove();
  }
});

test('serve --log-level is an option; an unknown level is refused readably', () => {
  assert.match(cli(['serve', '--help']).stdout, /--log-level <level>/);
  const r = cli(['serve', '--config', 'config/fallback-only.yaml', '--log-level', 'loud']);
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /--log-level/);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
});
