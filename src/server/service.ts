// The whole service in one process: HTTP server, inbox + processor, events poller (pull mode)
// and the delivery worker. `esp-bridge serve` runs it; tests and the demo start it in-process.
import type { DestinationStream } from 'pino';
import { openBridge, type Bridge } from '../app/bridge.ts';
import { createEventsPoller, type EventsPoller } from '../centra/events-poller.ts';
import { createCentraClient, type CentraClient } from '../centra/graphql-client.ts';
import { whenGateFree } from '../centra/quota.ts';
import { centraGates } from '../app/centra-gates.ts';
import type { Config } from '../config/schema.ts';
import type { InboxStore } from '../storage/inbox.ts';
import { createIngest, rowsOf, type Ingest } from '../ingest/ingest.ts';
import { createProcessor, type Processor } from '../ingest/processor.ts';
import { openStorage } from '../storage/open.ts';
import type { Storage } from '../storage/port.ts';
import { createLogger, logLevelOf, type Logger } from '../log.ts';
import { startupProblems } from '../app/preflight.ts';
import { preparePlanning } from '../pipeline/plan.ts';
import { InputError } from '../config/errors.ts';
import { redactString } from '../delivery/redact.ts';
import { buildApp } from './app.ts';
import { resolveServerSettings } from '../config/server.ts';
import { imageSizesOf } from '../app/image-sizes.ts';
import { RATE_LIMITS_QUERY } from '../centra/queries.ts';
import { checkQuota } from '../centra/quota.ts';
import type { RateLimitsQuery } from '../centra/generated/results.ts';
import { createMetrics, type ServiceMetrics } from './metrics.ts';
import { observeDeliveryStore } from '../delivery/observed-store.ts';
import { createCentraWatch, createLaneWatch, readiness } from '../app/health.ts';
import { startRetention } from '../app/retention.ts';

export interface StartServiceOptions {
  /** Overrides server.port (0 = a free port). */
  port?: number;
  /** Overrides server.host. */
  host?: string;
  /** Where secrets and PORT are read (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** A logger, or where to write JSON log lines (default stdout) at `logLevel` (default: $LOG_LEVEL, else info). */
  logger?: Logger;
  logDestination?: DestinationStream;
  logLevel?: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';
  /** Overrides storage.sqlitePath. */
  sqlitePath?: string;
  /** Start the delivery worker (default true). */
  worker?: boolean;
  /** Start the inbox processor (default true); or its tuning. */
  processor?: boolean | { concurrency?: number; retryBaseMs?: number; retryCapMs?: number; pollMs?: number };
  /** Group commit tuning. */
  ingest?: { maxItems?: number; maxDelayMs?: number };
  /** Registers POST /bench/noop (bench/ingest.ts only). */
  benchNoopRoute?: boolean;
  /** For the Centra client (tests). */
  fetchImpl?: typeof fetch;
  /** Check at start that Centra answers, and log it (default true). */
  probeCentra?: boolean;
}

export interface RunningService {
  /** e.g. http://127.0.0.1:8080 */
  url: string;
  port: number;
  storage: Storage;
  bridge: Bridge;
  inbox: InboxStore;
  ingest: Ingest;
  processor: Processor;
  centra: CentraClient;
  metrics: ServiceMetrics;
  poller?: EventsPoller;
  logger: Logger;
  /** Stops accepting, answers what is in flight, flushes the ingest batch, stops processor, poller and worker. */
  close(): Promise<void>;
}

export async function startService(config: Config, opts: StartServiceOptions = {}): Promise<RunningService> {
  const env = opts.env ?? process.env;
  const problems = startupProblems(config, 'serve', env);
  if (problems.length) throw new InputError('the configuration cannot run the service (esp-bridge check-config says more)', problems);
  const settings = resolveServerSettings(config, env);
  await preparePlanning(config);
  const logger = opts.logger ?? createLogger({ name: 'esp-bridge', level: opts.logLevel ?? logLevelOf(env), destination: opts.logDestination });
  const metrics = createMetrics();
  const storage = openStorage(config.storage, { sqlitePath: opts.sqlitePath, env: opts.env });
  // The worker's store tells metrics and readiness what it does (no table scan per scrape or probe).
  const lanes = createLaneWatch({ windowMs: () => settings.readiness.deadLettersWindowMin * 60_000 });
  const bridge = openBridge(config, {
    logger: logger.child({ component: 'worker' }),
    storage,
    wrapDeliveries: (store) =>
      observeDeliveryStore(store, (e) => {
        metrics.observeDelivery(e);
        lanes.observe(e);
      }),
  });
  const inbox = storage.inbox;
  // One client, so one gate holding Centra's quota, for everything in the process that calls Centra
  // (shared with the deployment's other processes on PostgreSQL: app/centra-gates.ts).
  const gates = centraGates(settings.centra, { quotas: storage.quotas, log: logger.child({ component: 'centra-quota' }) });
  const centra = createCentraClient({
    url: settings.centra.url,
    token: settings.centra.token,
    timeoutMs: settings.centra.timeoutMs,
    fetchImpl: opts.fetchImpl,
    ...gates,
    batchSize: settings.centra.batchSize,
    imageSizes: imageSizesOf(config),
  });
  const centraWatch = createCentraWatch();
  const tuning = typeof opts.processor === 'object' ? opts.processor : {};
  const processor = createProcessor({
    inbox,
    bridge,
    centra,
    logger: logger.child({ component: 'processor' }),
    batchSize: settings.centra.batchSize,
    centraReady: whenGateFree(gates.gate),
    ...tuning,
    onOutcome: (e, o) => metrics.observeInbox(e.status, o.status),
    onCentraAnswer: centraWatch.answered,
  });
  const ingest = createIngest(inbox, {
    ...opts.ingest,
    onNewEvents: () => processor.notify(),
    onError: (err) => logger.error({ err: (err as Error).message }, 'stored webhook calls could not be expanded into the inbox; retried on the next call'),
  });

  let poller: EventsPoller | undefined;
  const app = await buildApp({
    bridge,
    inbox,
    ingest,
    processor,
    centra,
    metrics,
    logger,
    webhookSecrets: settings.webhookSecrets,
    adminToken: settings.adminToken,
    operatorToken: settings.operatorToken,
    maxBodyBytes: settings.maxBodyBytes,
    signatureToleranceSec: settings.signatureToleranceSec,
    timeouts: settings.timeouts,
    maxConnections: settings.maxConnections,
    signInLimit: settings.signInLimit,
    trustProxy: settings.trustProxy,
    benchNoopRoute: opts.benchNoopRoute,
    readiness: () =>
      readiness({
        probeWrite: (now) => storage.maintenance.probeWrite(now),
        oldestPendingAgeMs: () => bridge.outbox.oldestPendingAgeMs(),
        workerStats: () => bridge.worker.stats(),
        lanes,
        centra: centraWatch,
        processorPausedUntil: () => processor.pausedUntil,
        rules: settings.readiness,
      }),
  });
  let retention: ReturnType<typeof startRetention> | undefined;

  let closed = false;
  const cleanup = async () => {
    metrics.close();
    await retention?.stop();
    await poller?.stop();
    await ingest.flush();
    await processor.stop();
    await bridge.close();
    await storage.close();
  };
  let port: number;
  try {
    // The store answers before anything is acknowledged: an unreachable database fails the start, readably.
    await Promise.all([inbox.pendingCount(), bridge.outbox.queueDepth()]);
    await metrics.bindSources(
      { outbox: bridge.outbox, inbox, countDeliveries: () => storage.maintenance.countsByPlugin() },
      { recountMs: settings.metricsRecountMinutes * 60_000 },
    );
    await app.listen({ port: opts.port ?? settings.port, host: opts.host ?? settings.host });
    const addr = app.server.address();
    port = typeof addr === 'object' && addr ? addr.port : (opts.port ?? settings.port);
  } catch (err) {
    await cleanup();
    throw err;
  }
  const host = opts.host ?? settings.host;
  const url = `http://${host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host}:${port}`;

  if (opts.processor !== false) processor.start();
  if (opts.worker !== false) {
    bridge.worker.start();
    retention = startRetention(storage.maintenance, config.storage.retention, logger.child({ component: 'retention' }));
  }
  if (settings.centra.mode === 'events') {
    const pollLog = logger.child({ component: 'events-poller' });
    poller = createEventsPoller({
      execute: centra.execute,
      intervalMs: settings.centra.pollIntervalMs,
      types: ['order', 'shipment', 'return', 'customer', 'buyer', 'invoice', 'account'],
      // Confirmed only once stored: an event lost here stays in Centra's queue.
      onEvents: async (events) => {
        for (const e of events) metrics.eventsReceived.inc({ type: e.type, source: 'events' });
        const stored = await ingest.store(rowsOf(events, 'events', Date.now()));
        if (stored.some(Boolean)) processor.notify();
        pollLog.info({ received: events.length, stored: stored.filter(Boolean).length }, 'events polled from Centra');
        return events.map((e) => e.eventId);
      },
      onPolled: () => centraWatch.answered({ ok: true }),
      onError: (err) => {
        centraWatch.answered({ ok: false, error: redactString((err as Error).message) });
        pollLog.warn({ err: (err as Error).message }, 'polling Centra events failed; next poll later');
      },
    });
    poller.start();
  }
  let probe: Promise<void> = Promise.resolve();
  if (opts.probeCentra !== false) {
    // The probe is Centra's own rateLimits query: it shows the token works and the quota Centra holds
    // for it, so a client bucket above Centra's is named at start-up rather than learnt from 429s.
    probe = centra
      .execute<RateLimitsQuery>(RATE_LIMITS_QUERY)
      .then((data) => {
        const check = checkQuota(settings.centra, data.rateLimits);
        logger.info({ centra: settings.centra.url, quota: check.summary }, 'Centra Integration API reachable');
        for (const problem of check.problems) logger.warn({ centra: settings.centra.url }, `Centra quota: ${problem}`);
      })
      .catch((err: Error) => logger.warn({ centra: settings.centra.url, err: err.message }, 'Centra Integration API unreachable; events stay pending until it answers'));
  }
  logger.info({ url, console: `${url}/console`, replay: settings.operatorToken ? 'operator token' : 'off', mode: settings.centra.mode, store: storage.describe() }, 'esp-bridge service listening');

  return {
    url,
    port,
    storage,
    bridge,
    inbox,
    ingest,
    processor,
    centra,
    metrics,
    poller,
    logger,
    async close() {
      if (closed) return;
      closed = true;
      await poller?.stop();
      // Stops accepting; requests in flight still get their batch committed and their answer.
      await app.close();
      await probe;
      await cleanup();
      logger.info('esp-bridge service stopped');
    },
  };
}
