// The running engine, assembled from the config: the storage, the outbox, one transport per ESP
// and the worker. The pipeline's plans go in through `submit`; everything else is delivery's.
import type { CentraEvent } from '../centra/event-schema.ts';
import type { Config, PluginConfig } from '../config/schema.ts';
import { resolveSecret, type SecretRef } from '../config/secret.ts';
import { createOutbox, type Outbox } from '../delivery/outbox.ts';
import type { SkippedEmail, Transport } from '../delivery/types.ts';
import { createWorker, type Worker, type WorkerLogger } from '../delivery/worker.ts';
import { redactRequest } from '../delivery/redact.ts';
import { ESP_MODULES, FALLBACK, credentialRefOf, deliveryDefaults, secretPathsOf } from '../esp/modules.ts';
import { laneKey } from '../delivery/outbox.ts';
import { credentialId, type LaneCredential } from '../delivery/rate-gate.ts';
import type { ContactLinks } from '../storage/contacts.ts';
import type { DeliveryStore } from '../storage/deliveries.ts';
import { planEvent } from '../pipeline/plan.ts';
import { eventKeyOf } from '../ingest/event-key.ts';
import type { EventSink, SubmitResult } from '../ingest/ports.ts';

export type { SubmitResult };
import { openStorage } from '../storage/open.ts';
import type { Storage } from '../storage/port.ts';

export interface Bridge extends EventSink {
  readonly config: Config;
  /** The store the bridge works on (its own, or the one handed in `BridgeOptions.storage`). */
  readonly storage: Storage;
  readonly outbox: Outbox;
  readonly worker: Worker;
  /** Plans an event and stores its deliveries (before any is tried). */
  submit(event: CentraEvent, eventKey?: string): Promise<SubmitResult>;
  close(): Promise<void>;
}


export interface BridgeOptions {
  logger?: WorkerLogger;
  workerId?: string;
  /** An open store to work on (the caller closes it); by default the bridge opens config.storage and closes it on close(). */
  storage?: Storage;
  /** Overrides config.storage.sqlitePath when the bridge opens the store (relative paths resolve from the working directory). */
  sqlitePath?: string;
  /** Where secrets named by the config are read (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Wraps the delivery store the outbox and the worker use (metrics and readiness observe it: src/delivery/observed-store.ts). */
  wrapDeliveries?: (store: DeliveryStore) => DeliveryStore;
  /** Wraps each ESP's transport (tests count or fault what goes out). */
  wrapTransport?: (transport: Transport) => Transport;
}

function pluginByName(config: Config, esp: string, name: string): PluginConfig {
  for (const s of config.stores) for (const p of s.plugins) if (p.esp === esp && (p.name === name || p.renamedFrom.includes(name))) return p;
  throw new Error(`no ${esp} plugin named "${name}" in the config (a stored delivery names it)`);
}

/** One transport per ESP module (and the fallback's when `smtp:` is set); a plugin's settings and secrets are looked up by name at send time. */
export function createTransports(config: Config, extras: { contacts?: ContactLinks | null } = {}): Transport[] {
  const secret = (ref: SecretRef) => resolveSecret(ref);
  const transports = ESP_MODULES.map((m) =>
    m.createTransport({
      settings: (name) => pluginByName(config, m.name, name),
      secret,
      timeoutMs: config.delivery.timeoutMs,
      storage: { contacts: extras.contacts ?? null },
    }),
  );
  if (config.smtp) transports.push(FALLBACK.createTransport(config.smtp, secret));
  return transports;
}

/**
 * The credential each configured plugin's lane sends with (its ESP module's `credential`), as an
 * id that never holds the secret: lanes of one key share that key's rate buckets. A plugin whose
 * secret cannot be resolved here is left out (its lane keeps buckets of its own; its sends fail
 * at the transport, which says why).
 */
export function laneCredentials(config: Config, env?: NodeJS.ProcessEnv): LaneCredential[] {
  const out: LaneCredential[] = [];
  for (const store of config.stores) {
    for (const plugin of store.plugins) {
      let secret: string;
      try {
        secret = resolveSecret(credentialRefOf(plugin), env);
      } catch {
        continue;
      }
      out.push({ lane: laneKey(plugin.esp, plugin.name), esp: plugin.esp, credential: credentialId(plugin.esp, secret) });
    }
  }
  return out;
}

export function openBridge(config: Config, options: BridgeOptions = {}): Bridge {
  const storage = options.storage ?? openStorage(config.storage, { sqlitePath: options.sqlitePath, env: options.env });
  const store = options.wrapDeliveries ? options.wrapDeliveries(storage.deliveries) : storage.deliveries;
  const outbox = createOutbox(store, { redact: (d) => redactRequest(d.request, secretPathsOf(d.esp)) });
  const d = config.delivery;
  const espDefaults = deliveryDefaults();
  const created = createTransports(config, { contacts: storage.contacts });
  const transports = options.wrapTransport ? created.map(options.wrapTransport) : created;
  const worker = createWorker({
    store,
    transports,
    policy: { ...d.retry, esps: { ...espDefaults.retry, ...d.retry.esps } },
    limits: d.limits,
    espLimits: espDefaults.limits,
    credentials: laneCredentials(config, options.env),
    quotas: storage.quotas ?? null,
    logger: options.logger,
    workerId: options.workerId,
    batchSize: d.batchSize,
    leaseMs: d.leaseMs,
    pollMs: d.pollMs,
    breaker: d.breaker,
  });
  outbox.onWork(() => worker.notify());
  return {
    config,
    storage,
    outbox,
    worker,
    async submit(event, eventKey = eventKeyOf(event)) {
      const plan = planEvent(event, config);
      const { inserted, duplicates } = await outbox.enqueue(plan.deliveries, eventKey, plan.subject);
      return {
        eventKey,
        deliveries: plan.deliveries.map((x) => ({ id: x.id, emailType: x.emailType, recipient: x.recipient, esp: x.esp, plugin: x.plugin })),
        inserted,
        duplicates,
        skipped: plan.skipped,
        orderNumber: plan.subject.orderNumber,
        object: plan.subject.object,
      };
    },
    async close() {
      await worker.stop();
      if (!options.storage) await storage.close();
    },
  };
}
