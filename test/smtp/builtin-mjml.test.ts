// The built-in templates' compiled MJML (src/esp/smtp/builtin-mjml.json, `npm run build:templates`)
// is what the templates compile to now: planning reads it and never compiles MJML itself.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { buildBuiltinMjml } from '../../scripts/build-templates.ts';
import { BUILTIN_MJML_FILE, type BuiltinMjml } from '../../src/esp/smtp/templates.ts';
import { EMAIL_TYPES } from '../../src/emails/catalog.ts';

describe('built-in fallback templates compiled at build time', () => {
  it('builtin-mjml.json matches a fresh compile of every built-in template (else: npm run build:templates)', async () => {
    const stored = JSON.parse(readFileSync(BUILTIN_MJML_FILE, 'utf8')) as BuiltinMjml;
    const fresh = await buildBuiltinMjml();
    assert.deepEqual(Object.keys(stored.emails).sort(), [...EMAIL_TYPES].sort());
    for (const type of EMAIL_TYPES) {
      assert.equal(stored.emails[type].sourceSha256, fresh.emails[type].sourceSha256, `${type}.mjml changed since the last npm run build:templates`);
      assert.equal(stored.emails[type].html, fresh.emails[type].html, `${type}: compiled HTML differs (mjml ${fresh.mjmlVersion} vs ${stored.mjmlVersion})`);
      assert.ok(stored.emails[type].html.length > 1000, `${type} compiled to real HTML`);
    }
  });

  it('planning a fallback email starts no child process and loads no MJML compiler', async () => {
    const script = `
      import cp from 'node:child_process';
      import { syncBuiltinESMExports, createRequire } from 'node:module';
      for (const k of ['execFileSync','execSync','spawnSync','spawn','execFile','exec','fork']) cp[k] = () => { throw new Error('child process: ' + k); };
      syncBuiltinESMExports();
      const { loadTemplateSet } = await import('./src/esp/smtp/templates.ts');
      const set = loadTemplateSet('');
      if (set.problems.length) throw new Error(set.problems.join('; '));
      set.get('order');
      const loaded = Object.keys(createRequire(import.meta.url).cache).filter((p) => p.includes('/node_modules/mjml'));
      process.stdout.write(JSON.stringify({ ok: true, mjmlModules: loaded.length }));`;
    const { execFileSync } = await import('node:child_process');
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: new URL('../../', import.meta.url).pathname }).toString();
    assert.deepEqual(JSON.parse(out), { ok: true, mjmlModules: 0 });
  });
});
