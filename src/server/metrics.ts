// Prometheus metrics (prom-client), one registry per service so several can run in one process.
// Label names (docs/operations.md, "Metrics"): `status` is a stored row's status, everywhere;
// `esp` and `plugin` name a lane; `outcome` is what one attempt came to; `reason` why a call was refused; `via` the door a sign-in came through.
//
// Counters are bumped where things happen. The delivery and inbox gauges are kept from the store's
// events (src/delivery/observed-store.ts, the processor's outcomes) and counted from the store only
// at start, every `recountMs`, and soon after a change the events do not describe (a replay, an
// erase): a scrape never scans the tables. The oldest pending age and the inbox backlog are read
// from their partial indexes (a MIN and a COUNT over the rows still to do, not the history).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { DeliveryEvent } from '../delivery/observed-store.ts';
import type { Outbox } from '../delivery/outbox.ts';
import { ACTIVE_STATUSES, type DeliveryStatus } from '../storage/deliveries.ts';
import type { InboxStatus, InboxStore } from '../storage/inbox.ts';
import type { PluginCount } from '../storage/maintenance.ts';
import type { WebhookRejection } from '../ingest/receive.ts';

export interface MetricSources {
  outbox: Pick<Outbox, 'oldestPendingAgeMs'>;
  inbox: Pick<InboxStore, 'pendingCount' | 'counts'>;
  /** The full count by status, ESP and plugin (a scan: never per scrape). */
  countDeliveries(): Promise<PluginCount[]>;
}

export interface ServiceMetrics {
  readonly registry: Registry;
  readonly eventsReceived: Counter<'type' | 'source'>;
  readonly inboxOutcomes: Counter<'status'>;
  /** Feed of the delivery store's events (observeDeliveryStore). */
  observeDelivery(event: DeliveryEvent): void;
  /** An inbox event moved from one status to another (the processor's outcome). */
  observeInbox(from: InboxStatus, to: InboxStatus): void;
  webhookRejected(reason: WebhookRejection, count: number): void;
  /** A sign-in (console) or bearer check (API) refused: a wrong token, or an address over server.signInLimit. */
  signInRejected(via: SignInDoor, reason: SignInRejection): void;
  /** Binds the store and counts it; then again every `recountMs` (default 5 min) until close(). */
  bindSources(sources: MetricSources, opts?: { recountMs?: number }): Promise<void>;
  /** Counts from the store now (also what a scrape does, at most every 10 s, after an undescribed change). */
  recount(): Promise<void>;
  close(): void;
}

/** Where a token was given: the API, the console's sign-in form, or an ESP module's own route (the storefront's promotions). */
export type SignInDoor = 'api' | 'console' | 'storefront';
export type SignInRejection = 'wrong_token' | 'rate_limited';

const RECOUNT_AFTER_CHANGE_MS = 10_000;

export function createMetrics(opts: { now?: () => number } = {}): ServiceMetrics {
  const now = opts.now ?? Date.now;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  let sources: MetricSources | undefined;
  let timer: NodeJS.Timeout | undefined;
  let dirtySince: number | null = null;
  let lastCount = 0;

  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]) => new Counter<L>({ name, help, labelNames, registers: [registry] });
  const eventsReceived = counter('esp_bridge_events_received_total', 'Centra events received, by type and source (webhook, events, direct); ignored types included', ['type', 'source']);
  const inboxOutcomes = counter('esp_bridge_inbox_outcomes_total', 'Inbox events handled by the processor, by the status they moved to (processed, failed, retry)', ['status']);
  const attemptDuration = new Histogram({
    name: 'esp_bridge_delivery_attempt_duration_seconds',
    help: 'Duration of one delivery attempt, by ESP, plugin and outcome (delivered, transient, permanent, ambiguous, timeout, lease_lost); its _count counts attempts',
    labelNames: ['esp', 'plugin', 'outcome'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const deadLetters = counter('esp_bridge_dead_letters_total', 'Deliveries that became dead letters (given up: a permanent answer, or retries exhausted), by ESP and plugin', ['esp', 'plugin']);
  const rateLimited = counter('esp_bridge_rate_limited_total', 'Attempts an ESP answered 429 Too Many Requests, by ESP and plugin', ['esp', 'plugin']);
  const rejections = counter('esp_bridge_webhook_rejections_total', 'Centra webhook calls refused (bad_signature, bad_content_type, bad_body) and invalid events of accepted calls (invalid_event)', ['reason']);
  for (const reason of ['bad_signature', 'bad_content_type', 'bad_body', 'invalid_event'] as const) rejections.inc({ reason }, 0);
  const signInRejections = counter('esp_bridge_sign_in_rejections_total', 'Console sign-ins and API bearer checks refused: a wrong token (wrong_token), or an address over server.signInLimit (rate_limited), by door (api, console, storefront)', ['via', 'reason']);
  for (const via of ['api', 'console', 'storefront'] as const) for (const reason of ['wrong_token', 'rate_limited'] as const) signInRejections.inc({ via, reason }, 0);

  // Stored deliveries by status, esp and plugin, kept from the store's events between counts.
  const deliveryCounts = new Map<string, { status: DeliveryStatus; esp: string; plugin: string; n: number }>();
  const bump = (status: DeliveryStatus, row: { esp: string; plugin: string }, by: number) => {
    const key = `${status}\u0000${row.esp}\u0000${row.plugin}`;
    const c = deliveryCounts.get(key) ?? { status, esp: row.esp, plugin: row.plugin, n: 0 };
    c.n = Math.max(0, c.n + by);
    deliveryCounts.set(key, c);
  };
  const inboxCounts = new Map<InboxStatus, number>();

  const markDirty = () => {
    dirtySince ??= now();
  };

  new Gauge({
    name: 'esp_bridge_deliveries',
    help: 'Stored deliveries by status, ESP and plugin (kept from the store\'s events; counted from the store every few minutes)',
    labelNames: ['status', 'esp', 'plugin'] as const,
    registers: [registry],
    async collect() {
      await recountIfDirty();
      this.reset();
      for (const c of deliveryCounts.values()) this.set({ status: c.status, esp: c.esp, plugin: c.plugin }, c.n);
    },
  });
  new Gauge({
    name: 'esp_bridge_queue_depth',
    help: 'Deliveries not yet delivered nor dead (pending, retry_scheduled, in_flight)',
    registers: [registry],
    async collect() {
      await recountIfDirty();
      let n = 0;
      for (const c of deliveryCounts.values()) if (ACTIVE_STATUSES.includes(c.status)) n += c.n;
      this.set(n);
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
    help: 'Inbox events waiting to be processed (pending or waiting for a retry, and stored calls not yet expanded)',
    registers: [registry],
    async collect() {
      if (sources) this.set(await sources.inbox.pendingCount());
    },
  });
  new Gauge({
    name: 'esp_bridge_inbox_events',
    help: 'Inbox events by status (kept from the processor\'s outcomes; counted from the store every few minutes, so new pending events show at the next count: esp_bridge_inbox_pending is exact)',
    labelNames: ['status'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const [status, n] of inboxCounts) this.set({ status }, n);
    },
  });

  // One count at a time: the gauges of one scrape are collected together and would each start one.
  let counting: Promise<void> | null = null;
  function recount(): Promise<void> {
    counting ??= countNow().finally(() => (counting = null));
    return counting;
  }

  async function countNow(): Promise<void> {
    if (!sources) return;
    const started = now();
    const [deliveries, inbox] = await Promise.all([sources.countDeliveries(), sources.inbox.counts()]);
    deliveryCounts.clear();
    for (const c of deliveries) bump(c.status, c, c.count);
    inboxCounts.clear();
    for (const [status, n] of Object.entries(inbox)) inboxCounts.set(status as InboxStatus, n);
    lastCount = now();
    // A change seen while counting may or may not be in the count: count again later.
    if (dirtySince !== null && dirtySince < started) dirtySince = null;
  }

  async function recountIfDirty(): Promise<void> {
    if (counting) await counting;
    else if (dirtySince !== null && now() - lastCount >= RECOUNT_AFTER_CHANGE_MS) await recount();
  }

  return {
    registry,
    eventsReceived,
    inboxOutcomes,
    observeDelivery(e) {
      switch (e.type) {
        case 'stored':
          for (const r of e.rows) bump(r.status, r, 1);
          return;
        case 'claimed':
          bump(e.from, e.row, -1);
          bump('in_flight', e.row, 1);
          return;
        case 'released':
          bump('in_flight', e.row, -1);
          bump(e.to, e.row, 1);
          return;
        case 'attempted': {
          const labels = { esp: e.row.esp, plugin: e.row.plugin };
          attemptDuration.observe({ ...labels, outcome: e.attempt.outcome }, e.attempt.durationMs / 1000);
          if (e.attempt.status === 429) rateLimited.inc(labels);
          if (!e.moved) return;
          bump('in_flight', e.row, -1);
          bump(e.next.status, e.row, 1);
          if (e.next.status === 'dead') deadLetters.inc(labels);
          return;
        }
        case 'changed':
          markDirty();
      }
    },
    observeInbox(from, to) {
      inboxOutcomes.inc({ status: to });
      inboxCounts.set(from, Math.max(0, (inboxCounts.get(from) ?? 0) - 1));
      inboxCounts.set(to, (inboxCounts.get(to) ?? 0) + 1);
    },
    webhookRejected(reason, count) {
      rejections.inc({ reason }, count);
    },
    signInRejected(via, reason) {
      signInRejections.inc({ via, reason });
    },
    async bindSources(s, o = {}) {
      sources = s;
      await recount();
      clearInterval(timer);
      timer = setInterval(() => void recount().catch(() => markDirty()), o.recountMs ?? 5 * 60_000);
      timer.unref();
    },
    recount,
    close() {
      clearInterval(timer);
    },
  };
}
