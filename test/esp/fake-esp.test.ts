// Proof that an ESP is one folder + one registry line: a copy of the project gets test/fake-esp/
// as src/esp/fake/ and one line in src/esp/registry.ts, type-checks, and delivers through the
// real config parser, outbox and worker to a local HTTP server. Nothing else is edited.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');
const REGISTRY_LINE = "export { fakeEsp } from './fake/index.ts';\n";

test('a fourth ESP added as one folder and one registry line type-checks and delivers through the real worker', { timeout: 180_000 }, () => {
  const copy = mkdtempSync(path.join(tmpdir(), 'esp-bridge-fake-esp-'));
  try {
    for (const dir of ['src', 'sandbox']) cpSync(path.join(root, dir), path.join(copy, dir), { recursive: true });
    cpSync(path.join(root, 'package.json'), path.join(copy, 'package.json'));
    // The project's compiler options, over the copy's src/ and the runner.
    const { compilerOptions } = JSON.parse(readFileSync(path.join(root, 'tsconfig.json'), 'utf8'));
    writeFileSync(path.join(copy, 'tsconfig.json'), JSON.stringify({ compilerOptions, include: ['src', 'sandbox', 'run.ts'] }));
    symlinkSync(path.join(root, 'node_modules'), path.join(copy, 'node_modules'));
    cpSync(path.join(root, 'test/fake-esp/index.ts'), path.join(copy, 'src/esp/fake/index.ts'));
    cpSync(path.join(root, 'test/fake-esp/run.ts'), path.join(copy, 'run.ts'));
    const registry = path.join(copy, 'src/esp/registry.ts');
    const before = readFileSync(registry, 'utf8');
    appendFileSync(registry, REGISTRY_LINE);
    assert.equal(readFileSync(registry, 'utf8'), before + REGISTRY_LINE, 'the registry differs by one line');

    // Type-checks with nothing else changed.
    try {
      execFileSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', copy], { cwd: copy, encoding: 'utf8' });
    } catch (err) {
      assert.fail(`the copy with the fake ESP does not type-check:\n${(err as { stdout?: string }).stdout ?? err}`);
    }

    const out = JSON.parse(
      execFileSync(process.execPath, ['--import', 'tsx', path.join(copy, 'run.ts'), copy, path.join(root, 'test/golden/events/klaviyo-order.json')], { cwd: copy, encoding: 'utf8' }),
    );
    const fake = out.fake as { submitted: { esp: string; plugin: string }[]; stored: { status: string; esp: string; request: { body: Record<string, unknown> } }[] };
    assert.ok(fake.submitted.length >= 1, 'the order causes at least one email');
    assert.ok(fake.submitted.every((d) => d.esp === 'fake' && d.plugin === 'fake-main'));
    assert.ok(fake.stored.every((s) => s.status === 'delivered'), JSON.stringify(fake.stored.map((s) => s.status)));
    // Stored with the fake ESP's secret place redacted …
    assert.ok(fake.stored.every((s) => s.request.body.key === '[redacted]' && s.request.body.campaign === 'spring'));
    // … and sent with the real key, to the local server.
    const sent = (out.received as { url: string; body: Record<string, unknown> }[]).filter((r) => r.url === '/send');
    assert.equal(sent.length, fake.submitted.length);
    assert.ok(sent.every((r) => r.body.key === 'fake-secret-key' && r.body.trigger === 'fake-order'));

    // Rule's redaction is Rule's: its `{key, value}` fields are payload, only its apikey is a secret.
    const rule = out.rule as { stored: { status: string; request: { body: { apikey: string; subscribers: { fields: { key: string }[] } } } }[] };
    assert.ok(rule.stored.length >= 1 && rule.stored.every((s) => s.status === 'delivered'));
    for (const s of rule.stored) {
      assert.equal(s.request.body.apikey, '[redacted]');
      const keys = s.request.body.subscribers.fields.map((f) => f.key);
      assert.ok(keys.includes('Order.Number'), `Rule's field keys kept: ${keys.slice(0, 5).join(', ')}`);
    }
    const ruleSent = (out.received as { url: string; body: { apikey?: string } }[]).filter((r) => r.url === '/api/v2/subscribers');
    assert.ok(ruleSent.length >= 1 && ruleSent.every((r) => r.body.apikey === 'rule-secret-key'));
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
});
