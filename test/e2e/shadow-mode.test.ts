// Shadow mode (docs/moving-off-centra-emails.md): a plugin, or a whole store, in `mode: shadow` plans
// and stores its deliveries exactly as it would send them, status `shadow`, and sends nothing; a
// replay refuses them; switched to live, new events are sent and the shadow rows stay as they were.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkConfig } from '../../src/app/preflight.ts';
import { ConflictError } from '../../src/config/errors.ts';
import type { Config } from '../../src/config/schema.ts';
import { replayDelivery } from '../../src/delivery/outbox.ts';
import { planEvent } from '../../src/pipeline/plan.ts';
import { openBridge, orderEvents, sandboxConfig, startEmulators, submitAll, tempDir } from '../helpers/sandbox.ts';

function withMode(config: Config, mode: 'live' | 'shadow'): Config {
  const c = structuredClone(config);
  c.stores[0]!.plugins[0]!.mode = mode;
  return c;
}

test('a plugin in shadow mode stores its deliveries as shadow and sends none; live again, new events are sent', async () => {
  const em = await startEmulators();
  const tmp = tempDir();
  try {
    const live = sandboxConfig(em, {}, tmp.dir);
    const shadow = withMode(live, 'shadow');
    const [first, ...rest] = orderEvents('klaviyo-order.json', 1, 4);
    const asPlanned = planEvent(first!, live).deliveries;
    const shadowPlan = planEvent(first!, shadow).deliveries;
    assert.ok(shadowPlan.length > 0 && shadowPlan.every((d) => d.shadow === true));
    assert.deepEqual(shadowPlan.map((d) => d.request), asPlanned.map((d) => d.request), 'the very requests it would send');

    const dry = openBridge(shadow);
    const ids = await submitAll(dry, [first!, ...rest.slice(0, 2)]);
    await dry.worker.drain({ timeoutMs: 10_000 });
    assert.equal(em.klaviyo.state.events.length, 0, 'nothing sent');
    assert.equal(await dry.outbox.countDeliveries({ status: 'shadow' }), ids.length);
    assert.equal(await dry.outbox.queueDepth(), 0, 'shadow rows are not work');
    await assert.rejects(replayDelivery(dry.outbox, ids[0]!), (e) => e instanceof ConflictError && /shadow mode/.test(e.message));
    await dry.close();

    const cut = openBridge(live);
    try {
      const sent = await submitAll(cut, rest.slice(2));
      await cut.worker.drain({ timeoutMs: 20_000 });
      assert.equal(em.klaviyo.state.events.length, sent.length, 'only the events after the switch are sent');
      for (const id of ids) assert.equal((await cut.outbox.getDelivery(id))?.status, 'shadow', 'shadow rows stay unsent');
      assert.deepEqual(await submitAll(cut, [first!]).then(() => cut.outbox.getDelivery(ids[0]!)).then((d) => d?.status), 'shadow', 'a resent event stays deduplicated, not sent');
    } finally {
      await cut.close();
    }
  } finally {
    await em.close();
    tmp.remove();
  }
});

test('a store in shadow mode needs no smtp: its fallback deliveries are never sent', async () => {
  const em = await startEmulators();
  try {
    const c = sandboxConfig(em);
    c.stores[0]!.plugins = [];
    assert.ok(checkConfig(c).errors.some((e) => /^store 1 .*no smtp: section/.test(e)), 'live: refused');
    c.stores[0]!.mode = 'shadow';
    assert.ok(!checkConfig(c).errors.some((e) => /store 1 /.test(e)), 'store 1 in shadow: not refused (stores 3 and 4 of the sandbox still are)');
    const d = planEvent(orderEvents('klaviyo-order.json', 1, 1)[0]!, c).deliveries;
    assert.ok(d.length > 0 && d.every((x) => x.esp === 'smtp' && x.shadow === true));
  } finally {
    await em.close();
  }
});
