// The HTTP app: Centra's webhook, direct events and manual sends, the admin API, health and
// metrics. Routes are thin: they validate, call a use case, and return a typed result that
// errors.ts maps to a status.
import { createHash, timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Bridge } from '../app/bridge.ts';
import { eventKeyOf } from '../app/bridge.ts';
import { CentraQueryError, CentraUnavailableError, type CentraClient } from '../centra/graphql-client.ts';
import { parseEvent } from '../centra/parse-event.ts';
import { parseWebhookBody, verifySignature } from '../centra/webhook.ts';
import { describeIssues, InputError } from '../config/errors.ts';
import { EMAIL_TYPES } from '../emails/catalog.ts';
import { CHANNEL_NAMES, SYNC_KINDS } from '../esp/modules.ts';
import { DELIVERY_STATUSES } from '../storage/deliveries.ts';
import { INBOX_STATUSES, type InboxStore } from '../storage/inbox.ts';
import type { Ingest } from '../ingest/ingest.ts';
import { ObjectNotFoundError, sendManualEmail } from '../ingest/manual.ts';
import type { Processor } from '../ingest/processor.ts';
import type { Logger } from '../log.ts';
import { promotionsRoute } from '../engage/promotions-route.ts';
import { fail, kindOfStatus, ok, send, type ApiResult } from './errors.ts';
import type { ServiceMetrics } from './metrics.ts';

export interface AppDeps {
  bridge: Bridge;
  inbox: InboxStore;
  ingest: Ingest;
  processor: Processor;
  centra: CentraClient;
  metrics: ServiceMetrics;
  logger: Logger;
  webhookSecrets: string[];
  adminToken: string;
  maxBodyBytes: number;
  signatureToleranceSec: number;
  maxEventsPerCall?: number;
  /** Registers POST /bench/noop: parses a webhook body like the real route and answers, storing nothing. */
  benchNoopRoute?: boolean;
  now?: () => number;
}

const digest = (s: string) => createHash('sha256').update(s).digest();

const deliveryQuery = z
  .object({
    status: z.enum(DELIVERY_STATUSES).optional(),
    emailType: z.enum([...EMAIL_TYPES, ...SYNC_KINDS] as [string, ...string[]]).optional(),
    esp: z.enum(CHANNEL_NAMES as [string, ...string[]]).optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    offset: z.coerce.number().int().min(0).default(0),
  })
  .strict();
const inboxQuery = z
  .object({
    status: z.enum(INBOX_STATUSES).optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    offset: z.coerce.number().int().min(0).default(0),
  })
  .strict();

function parseQuery<S extends z.ZodType>(schema: S, raw: unknown): { ok: true; value: z.output<S> } | { ok: false; result: ApiResult } {
  const r = schema.safeParse(raw ?? {});
  return r.success ? { ok: true, value: r.data } : { ok: false, result: fail('bad_request', 'bad query parameters', describeIssues(r.error, raw)) };
}

/** Centra's and the pipeline's errors → the typed result (one place). */
function resultOfError(err: unknown): ApiResult {
  if (err instanceof InputError) return fail('unprocessable', err.what, err.problems);
  if (err instanceof ObjectNotFoundError) return fail('not_found', err.message);
  if (err instanceof CentraUnavailableError) return fail('unavailable', `Centra is unavailable: ${err.message}`);
  if (err instanceof CentraQueryError) return fail('bad_gateway', err.message);
  throw err;
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { bridge, inbox, ingest, processor, centra, metrics, logger: log } = deps;
  const now = deps.now ?? Date.now;
  const maxEvents = deps.maxEventsPerCall ?? 100;
  const tokenDigest = digest(deps.adminToken);
  const app = Fastify({ logger: false, bodyLimit: deps.maxBodyBytes, return503OnClosing: true, forceCloseConnections: 'idle' });

  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, req, reply) => {
    const status = err.statusCode ?? 500;
    if (status >= 500) {
      log.error({ err: err.message, url: req.url, method: req.method }, 'request failed');
      return send(reply, fail('internal', 'internal error'));
    }
    log.info({ status, code: err.code, url: req.url, reason: err.message }, 'request rejected');
    return send(reply, fail(kindOfStatus(status), err.message));
  });
  app.setNotFoundHandler((req, reply) => send(reply, fail('not_found', `no route ${req.method} ${req.url.split('?')[0]}`)));

  // --- Centra's webhook: the raw body, whatever the content type (the signature covers the bytes).
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: deps.maxBodyBytes }, (_req, body, done) => done(null, body));

    const rawOf = (req: FastifyRequest): Buffer => (Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0));
    const isForm = (req: FastifyRequest) => /^application\/x-www-form-urlencoded\b/i.test(req.headers['content-type'] ?? '');

    scope.post('/webhooks/centra', async (req, reply) => {
      const raw = rawOf(req);
      const header = req.headers['x-centra-signature'];
      const verified = verifySignature(raw, Array.isArray(header) ? header[0] : header, deps.webhookSecrets, now(), deps.signatureToleranceSec);
      if (!verified.ok) {
        log.warn({ reason: verified.reason, ip: req.ip, bytes: raw.length }, 'webhook rejected: signature');
        return send(reply, fail('unauthorized', verified.reason));
      }
      if (!isForm(req)) {
        log.warn({ contentType: req.headers['content-type'] ?? null }, 'webhook rejected: not a form body');
        return send(reply, fail('bad_request', 'Centra sends application/x-www-form-urlencoded payload=<json>'));
      }
      const parsed = parseWebhookBody(raw, maxEvents);
      if (!parsed.ok) {
        log.warn({ reason: parsed.reason, bytes: raw.length }, 'webhook rejected: body');
        return send(reply, fail('bad_request', parsed.reason));
      }
      for (const ig of parsed.ignored) {
        metrics.eventsReceived.inc({ type: 'unknown', source: 'webhook' });
        log.info({ type: String(ig.type).slice(0, 64), action: ig.action?.slice(0, 64), index: ig.index }, 'webhook event of an unknown type ignored');
      }
      const byType = new Map<string, number>();
      for (const e of parsed.events) byType.set(e.type, (byType.get(e.type) ?? 0) + 1);
      for (const [type, n] of byType) metrics.eventsReceived.inc({ type, source: 'webhook' }, n);
      try {
        // Durable before the 2xx: the call is stored as one record; events seen before are dropped when it is expanded.
        await ingest.storeCall({ source: 'webhook', receivedAt: now(), payload: parsed.payload, count: parsed.events.length });
      } catch (err) {
        log.error({ err: (err as Error).message }, 'webhook events could not be stored');
        return send(reply, fail('unavailable', 'events could not be stored; retry'));
      }
      return send(reply, ok({ received: parsed.events.length, accepted: parsed.events.length, ignored: parsed.ignored.length }));
    });

    if (deps.benchNoopRoute) {
      // Lets the benchmark start each measurement with nothing left to expand.
      scope.post('/bench/settle', async (_req, reply) => {
        await ingest.flush();
        return send(reply, ok({ settled: true }));
      });
      scope.post('/bench/noop', async (req, reply) => {
        const parsed = parseWebhookBody(rawOf(req), maxEvents);
        if (!parsed.ok) return send(reply, fail('bad_request', parsed.reason));
        return send(reply, ok({ received: parsed.events.length, stored: 0, duplicates: 0, ignored: parsed.ignored.length }));
      });
    }
  });

  // --- Health and metrics (no auth).
  app.get('/healthz', async (_req, reply) => {
    try {
      const [queueDepth, inboxPending] = await Promise.all([bridge.outbox.queueDepth(), inbox.pendingCount()]);
      return send(reply, ok({ status: 'ok', queueDepth, inboxPending }));
    } catch (err) {
      log.error({ err: (err as Error).message }, 'health check: the store does not answer');
      return send(reply, fail('unavailable', 'the store does not answer'));
    }
  });
  app.get('/metrics', async (_req, reply) => {
    const text = await metrics.registry.metrics();
    return reply.header('content-type', metrics.registry.contentType).send(text);
  });

  // --- Engage promotions for the storefront, behind its own token (src/engage/promotions-route.ts, docs/engage.md).
  await app.register(promotionsRoute, {
    config: bridge.config,
    contacts: bridge.storage.contacts,
    adminToken: deps.adminToken,
    customerEmail: async (id) => (await centra.fetchSnapshot({ type: 'customer', id }))?.email ?? null,
  });

  // --- Everything under /api: bearer admin token.
  await app.register(async (api) => {
    api.addHook('onRequest', async (req, reply) => {
      const h = req.headers.authorization ?? '';
      const m = /^Bearer\s+(.+)$/i.exec(h);
      // Digests have equal length, so the comparison time does not depend on the token given.
      if (!m || !timingSafeEqual(digest(m[1].trim()), tokenDigest)) {
        return send(reply, fail('unauthorized', 'a valid Authorization: Bearer <admin token> is required'));
      }
    });

    api.get('/api/deliveries', async (req, reply) => {
      const q = parseQuery(deliveryQuery, req.query);
      if (!q.ok) return send(reply, q.result);
      const rows = await bridge.outbox.listDeliveries(q.value);
      return send(reply, ok({ deliveries: rows.map(({ request: _r, ...rest }) => rest), limit: q.value.limit, offset: q.value.offset }));
    });
    api.get<{ Params: { id: string } }>('/api/deliveries/:id', async (req, reply) => {
      const d = await bridge.outbox.getDelivery(req.params.id);
      return send(reply, d ? ok(d) : fail('not_found', `no delivery ${req.params.id}`));
    });
    api.post<{ Params: { id: string } }>('/api/deliveries/:id/replay', async (req, reply) => {
      const id = req.params.id;
      if (await bridge.outbox.replay(id)) {
        log.info({ id }, 'delivery replayed by an operator');
        return send(reply, ok({ id, status: 'pending' }, 202));
      }
      const d = await bridge.outbox.getDelivery(id);
      return send(reply, d ? fail('conflict', `delivery ${id} is in flight; try again when it has finished`) : fail('not_found', `no delivery ${id}`));
    });

    api.get('/api/inbox', async (req, reply) => {
      const q = parseQuery(inboxQuery, req.query);
      if (!q.ok) return send(reply, q.result);
      const [events, counts] = await Promise.all([inbox.list(q.value), inbox.counts()]);
      return send(reply, ok({ events, counts, limit: q.value.limit, offset: q.value.offset }));
    });
    api.get<{ Params: { key: string } }>('/api/events/:key', async (req, reply) => {
      const row = await inbox.get(req.params.key);
      return send(reply, row ? ok(row) : fail('not_found', `no event ${req.params.key}`));
    });

    // A complete event (object included): stored, then planned at once without a fetch.
    api.post('/api/events', async (req, reply) => {
      let event;
      try {
        event = parseEvent(req.body, 'the request body');
      } catch (err) {
        if (err instanceof InputError) return send(reply, fail('bad_request', err.what, err.problems));
        throw err;
      }
      const key = eventKeyOf(event);
      metrics.eventsReceived.inc({ type: event.type, source: 'direct' });
      const t = now();
      // Due later than now: this request processes it itself; the processor only picks it up if this one dies first.
      const [inserted] = await ingest.store([{ key, source: 'direct', type: event.type, action: event.action, objectId: String(event.id), date: event.date, event, receivedAt: t, nextAttemptAt: t + 30_000 }]);
      const outcome = await processor.processNow(key);
      const row = await inbox.get(key);
      if (outcome?.status === 'failed') return send(reply, fail('unprocessable', `event ${key} failed`, [outcome.error]));
      const result = (row?.result ?? null) as { deliveries?: unknown[] } | null;
      return send(reply, ok({ eventKey: key, duplicate: !inserted, status: row?.status ?? 'pending', deliveries: result?.deliveries ?? [], error: row?.lastError ?? undefined }, inserted ? 202 : 200));
    });

    // "Send email" by hand: fetch the object from Centra, submit with context.manual.
    api.post('/api/emails', async (req, reply) => {
      try {
        const r = await sendManualEmail({ centra, bridge, now }, req.body ?? {});
        log.info({ requestId: r.requestId, events: r.events.map((e) => e.eventKey) }, 'manual send submitted');
        return send(
          reply,
          ok({ requestId: r.requestId, eventKeys: r.events.map((e) => e.eventKey), deliveries: r.events.flatMap((e) => e.deliveries), skipped: r.events.flatMap((e) => e.skipped) }, 202),
        );
      } catch (err) {
        if (err instanceof InputError && err.what === 'not a valid manual send') return send(reply, fail('bad_request', err.what, err.problems));
        return send(reply, resultOfError(err));
      }
    });
  });

  return app;
}
