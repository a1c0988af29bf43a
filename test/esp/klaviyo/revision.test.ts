// Klaviyo revision policy (src/esp/klaviyo/revision.ts): the default is current, a revision retires
// two years after its release, check-config warns within 90 days and refuses a retired one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { checkConfig, startupProblems } from '../../../src/app/preflight.ts';
import { parseConfig } from '../../../src/config/load.ts';
import { KLAVIYO_REVISION, retirementDate, revisionStatus } from '../../../src/esp/klaviyo/revision.ts';
import { ROOT } from '../../helpers/golden.ts';

const raw = (revision?: string) => ({
  stores: [{ id: 1, name: 'Showroom', kind: 'wholesale', plugins: [{ name: 'k', esp: 'klaviyo', apiKey: 'key', emails: { refund: false }, ...(revision ? { revision } : {}) }] }],
  smtp: { host: 'smtp.example' },
});
const at = (iso: string) => new Date(`${iso}T12:00:00Z`);

test('a revision retires two years after its release; the date must exist', () => {
  assert.equal(retirementDate('2024-10-15')?.toISOString().slice(0, 10), '2026-10-15');
  assert.equal(retirementDate('2026-07-15.pre')?.toISOString().slice(0, 10), '2028-07-15');
  for (const bad of ['2026-13-01', '2026-02-30', '2026/10/15', '26-10-15', '']) assert.equal(retirementDate(bad), null, bad);
  assert.deepEqual(revisionStatus('2024-10-15', at('2026-12-03')), { state: 'retired', retiresOn: '2026-10-15' });
  assert.deepEqual(revisionStatus('2025-01-15', at('2026-12-03')), { state: 'retiring', retiresOn: '2027-01-15', daysLeft: 43 });
  assert.equal(revisionStatus('2025-04-15', at('2027-01-15')).state, 'retiring'); // 90 days left
  assert.equal(revisionStatus('2025-04-15', at('2027-01-14')).state, 'supported'); // 91 days left
});

test('the default revision is the current one, configurable, and not within 90 days of retiring', () => {
  const config = parseConfig(raw());
  assert.equal((config.stores[0].plugins[0] as { revision: string }).revision, KLAVIYO_REVISION);
  assert.equal(KLAVIYO_REVISION, '2026-10-15');
  assert.equal(revisionStatus(KLAVIYO_REVISION, at('2026-12-03')).state, 'supported');
  assert.equal((parseConfig(raw('2026-07-15')).stores[0].plugins[0] as { revision: string }).revision, '2026-07-15');
  assert.throws(() => parseConfig(raw('2026-02-30')), /revision/);
});

test('check-config: a retired revision is an error that stops serve and worker; one retiring within 90 days a warning', () => {
  const now = at('2026-12-03');
  const retired = checkConfig(parseConfig(raw('2024-10-15')), {}, now);
  assert.equal(retired.errors.length, 1);
  assert.match(retired.errors[0], /store 1 plugin "k": Klaviyo revision 2024-10-15 was retired on 2026-10-15/);
  assert.match(startupProblems(parseConfig(raw('2024-10-15')), 'worker', { }, now).join('\n'), /retired/);
  const retiring = checkConfig(parseConfig(raw('2025-01-15')), {}, now);
  assert.deepEqual(retiring.errors, []);
  assert.match(retiring.warnings.join('\n'), /revision 2025-01-15 retires on 2027-01-15, in 43 day\(s\)/);
  const current = checkConfig(parseConfig(raw()), {}, now);
  assert.deepEqual([current.errors, current.warnings], [[], []]);
});

test('esp-bridge check-config exits 1 on a retired revision (today)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'klaviyo-revision-'));
  const file = path.join(dir, 'config.yaml');
  writeFileSync(file, stringify(raw('2024-10-15')));
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/esp-bridge.js'), 'check-config', file], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /error: store 1 plugin "k": Klaviyo revision 2024-10-15 was retired/);
});
