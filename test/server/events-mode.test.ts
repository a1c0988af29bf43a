// Events pull mode: the service polls Centra's events queue instead of receiving webhooks; every
// event is stored, then confirmed, processed once, and its emails delivered.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { espBacklog, startHarness, waitFor } from './helpers.ts';

test('centra.mode events: polled, stored, confirmed, processed, delivered', async () => {
  const h = await startHarness({ orders: 15, centra: { mode: 'events', pollIntervalMs: 100 } });
  try {
    const webhookEvents = h.dataset.timeline.filter((e) => e.channel === 'webhook');
    // The poller registers its listeners first; then Centra queues what happens.
    await waitFor(() => h.centra.state.listeners.size >= 5, 'the listeners set', 10_000);
    const res = await fetch(`${h.centra.url}/__control/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ until: webhookEvents.at(-1)!.date }) });
    const queued = (await res.json()).queued as number;
    assert.ok(queued > 50, `${queued} events queued`);
    await waitFor(() => h.centra.state.queue.length === 0, 'every queued event confirmed', 30_000);
    assert.equal(h.centra.state.confirmed.length, queued);
    await h.service.ingest.flush();
    await waitFor(async () => (await h.service.inbox.pendingCount()) === 0 && (await espBacklog(h)) === 0, 'events processed, emails delivered', 60_000);
    const counts = await h.service.inbox.counts();
    assert.equal(counts.failed, 0);
    assert.ok(counts.processed > 0 && counts.processed <= queued);
    assert.ok(h.klaviyo.state.events.length + h.rule.state.subscribers.length > 0, 'emails reached the ESPs');
  } finally {
    await h.close();
  }
});
