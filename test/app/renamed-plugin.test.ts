// Renaming a plugin: stored deliveries name the old name. check-config says so (an error while some
// are still to be sent), and `renamedFrom:` on the renamed plugin sends them with its settings,
// instead of their dying as "may have been delivered".
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { storedPluginFindings } from '../../src/app/preflight.ts';
import { parseConfig } from '../../src/config/load.ts';
import type { Config } from '../../src/config/schema.ts';
import { openBridge, orderEvents, sandboxConfig, startEmulators, submitAll, tempDir } from '../helpers/sandbox.ts';

function renamed(config: Config, alias: boolean): Config {
  const c = structuredClone(config);
  const p = c.stores[0]!.plugins[0]!;
  p.name = 'klaviyo-eu';
  p.renamedFrom = alias ? ['klaviyo'] : [];
  return c;
}

test('deliveries stored under a plugin\'s old name: an error with the fix without renamedFrom; sent with the new settings with it', async () => {
  const em = await startEmulators();
  const tmp = tempDir();
  try {
    const before = sandboxConfig(em, {}, tmp.dir);
    const first = openBridge(before);
    const ids = await submitAll(first, orderEvents('klaviyo-order.json', 1, 3));
    const uses = await first.storage.maintenance.pluginsInUse();
    await first.close();
    assert.ok(ids.length >= 3);

    const f = storedPluginFindings(renamed(before, false), uses);
    assert.equal(f.errors.length, 1, f.errors.join('\n'));
    assert.match(f.errors[0]!, new RegExp(`${ids.length} stored deliveries still to be sent name klaviyo plugin "klaviyo"`));
    assert.match(f.errors[0]!, /add renamedFrom: klaviyo to the klaviyo plugin now called "klaviyo-eu", or move the rows with esp-bridge rename-plugin klaviyo <new name> --esp klaviyo/);
    assert.deepEqual(storedPluginFindings(before, uses), { errors: [], warnings: [] });

    const after = renamed(before, true);
    assert.deepEqual(storedPluginFindings(after, uses), { errors: [], warnings: [] }, 'the alias covers them');
    const second = openBridge(after);
    try {
      await second.worker.drain({ timeoutMs: 20_000 });
      for (const id of ids) assert.equal((await second.outbox.getDelivery(id))?.status, 'delivered', id);
      assert.equal(em.klaviyo.state.events.length, ids.length);
    } finally {
      await second.close();
    }
  } finally {
    await em.close();
    tmp.remove();
  }
});

test('renamedFrom may not name a current plugin, nor be shared by two plugins', () => {
  const store = (plugins: object[]) => ({ stores: [{ id: 1, name: 'S', kind: 'dtc', plugins }] });
  assert.throws(() => parseConfig(store([{ name: 'a', esp: 'klaviyo', apiKey: 'x' }, { name: 'b', esp: 'klaviyo', apiKey: 'x', renamedFrom: 'a' }])), /still a plugin's name/);
  assert.throws(() => parseConfig(store([{ name: 'a', esp: 'klaviyo', apiKey: 'x', renamedFrom: 'old' }, { name: 'b', esp: 'klaviyo', apiKey: 'x', renamedFrom: ['old'] }])), /also in plugin "a"'s renamedFrom/);
  assert.deepEqual(parseConfig(store([{ name: 'b', esp: 'klaviyo', apiKey: 'x', renamedFrom: 'old' }])).stores[0]!.plugins[0]!.renamedFrom, ['old']);
});
