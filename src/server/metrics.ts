// Prometheus metrics (prom-client), one registry per service so several can run in one process.
// Counters are bumped where things happen; store-backed gauges are read at scrape time.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Transport } from '../delivery/types.ts';
import type { Outbox } from '../delivery/outbox.ts';
import type { InboxStore } from '../storage/inbox.ts';

export interface ServiceMetrics {
  readonly registry: Registry;
  readonly eventsReceived: Counter<'type' | 'source'>;
  readonly inboxOutcomes: Counter<'status'>;
  readonly attemptDuration: Histogram<'esp' | 'outcome'>;
  /** Binds the gauges that are read from the stores at scrape time. */
  bindSources(sources: { outbox: Outbox; inbox: InboxStore }): void;
}

export function createMetrics(): ServiceMetrics {
  const registry = new Registry();
  let sources: { outbox: Outbox; inbox: InboxStore } | undefined;
  const eventsReceived = new Counter({
    name: 'esp_bridge_events_received_total',
    help: 'Centra events received, by type and source (webhook, events, direct); ignored types included',
    labelNames: ['type', 'source'] as const,
    registers: [registry],
  });
  const inboxOutcomes = new Counter({
    name: 'esp_bridge_inbox_outcomes_total',
    help: 'Inbox events handled by the processor, by outcome (processed, failed, retry)',
    labelNames: ['status'] as const,
    registers: [registry],
  });
  const attemptDuration = new Histogram({
    name: 'esp_bridge_delivery_attempt_duration_seconds',
    help: 'Duration of one delivery attempt to an ESP, by outcome (delivered, transient, permanent, error)',
    labelNames: ['esp', 'outcome'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  new Gauge({
    name: 'esp_bridge_deliveries',
    help: 'Stored deliveries by state and ESP',
    labelNames: ['state', 'esp'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      if (!sources) return;
      for (const c of await sources.outbox.countsByStateAndEsp()) this.set({ state: c.status, esp: c.esp }, c.count);
    },
  });
  new Gauge({
    name: 'esp_bridge_queue_depth',
    help: 'Deliveries not yet delivered nor dead',
    registers: [registry],
    async collect() {
      if (sources) this.set(await sources.outbox.queueDepth());
    },
  });
  new Gauge({
    name: 'esp_bridge_oldest_pending_age_seconds',
    help: 'Age of the oldest delivery not yet delivered nor dead',
    registers: [registry],
    async collect() {
      if (sources) this.set((await sources.outbox.oldestPendingAgeMs()) / 1000);
    },
  });
  new Gauge({
    name: 'esp_bridge_inbox_pending',
    help: 'Inbox events waiting to be processed (pending or waiting for a retry)',
    registers: [registry],
    async collect() {
      if (sources) this.set(await sources.inbox.pendingCount());
    },
  });
  new Gauge({
    name: 'esp_bridge_inbox_events',
    help: 'Inbox events by status',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      if (!sources) return;
      for (const [status, n] of Object.entries(await sources.inbox.counts())) this.set({ status }, n);
    },
  });
  return {
    registry,
    eventsReceived,
    inboxOutcomes,
    attemptDuration,
    bindSources(s) {
      sources = s;
    },
  };
}

/** Times every send of a transport into the histogram (labels: esp, outcome). */
export function instrumentTransport(transport: Transport, histogram: Histogram<'esp' | 'outcome'>): Transport {
  return {
    esp: transport.esp,
    async send(delivery, signal) {
      const end = histogram.startTimer({ esp: transport.esp });
      try {
        const outcome = await transport.send(delivery, signal);
        end({ outcome: outcome.kind });
        return outcome;
      } catch (err) {
        end({ outcome: 'error' });
        throw err;
      }
    },
  };
}
