// The HTTP app: Centra's webhook, direct events and manual sends, the admin API, the web console
// (console/), health and metrics. Routes are thin: they validate, call a use case, and return a typed result that
// errors.ts maps to a status.
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Bridge } from '../app/bridge.ts';
import { traceOf, traceQueryOf } from '../app/trace.ts';
import type { CentraClient } from '../centra/graphql-client.ts';
import { NO_CONTROL } from '../centra/event-schema.ts';
import { parseWebhookBody } from '../centra/webhook.ts';
import { MAX_JSON_DEPTH, jsonDeeperThan } from '../domain/json-depth.ts';
import { serverSchema, type ServerTimeouts, type SignInLimitRules } from '../config/server.ts';
import { redactSecrets } from '../delivery/redact.ts';
import { receiveDirectEvent, receiveWebhookCall } from '../ingest/receive.ts';
import { resolveSecret } from '../config/secret.ts';
import { ESP_MODULES } from '../esp/modules.ts';
import { INBOX_STATUSES, type InboxStore } from '../storage/inbox.ts';
import type { Ingest } from '../ingest/ingest.ts';
import { sendManualEmail } from '../ingest/manual.ts';
import type { Processor } from '../ingest/processor.ts';
import type { Logger } from '../log.ts';
import { fail, kindOfStatus, ok, resultOfError, send } from './errors.ts';
import type { ServiceMetrics } from './metrics.ts';
import type { Readiness } from '../app/health.ts';
import { healthRoutes } from './health.ts';
import { eraseRoutes } from './erase-route.ts';
import { consoleRoutes } from './console/routes.ts';
import { deliveryQuery, parseQuery } from './queries.ts';
import { registerReplayRoutes } from './replay-routes.ts';
import { bearerOf, createTokens } from './tokens.ts';
import { createSignInLimiter, signInGuard } from './sign-in-limit.ts';

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
  /** May also replay (API and console); absent: replay is off. */
  operatorToken?: string | null;
  maxBodyBytes: number;
  signatureToleranceSec: number;
  /** Slow clients (server.timeouts); default the config's defaults. */
  timeouts?: ServerTimeouts;
  maxConnections?: number;
  /** Failed sign-ins and bearer checks per client address (server.signInLimit); default the config's defaults. */
  signInLimit?: SignInLimitRules;
  /** Fastify's trustProxy: whose X-Forwarded-For gives the client address (server.trustProxy; default false). */
  trustProxy?: boolean | string[];
  maxEventsPerCall?: number;
  /** Registers POST /bench/noop: parses a webhook body like the real route and answers, storing nothing. */
  benchNoopRoute?: boolean;
  now?: () => number;
  /** GET /readyz's checks (src/app/health.ts); without it /readyz answers ok. */
  readiness?: () => Promise<Readiness>;
}

const inboxQuery = z
  .object({
    status: z.enum(INBOX_STATUSES).optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    offset: z.coerce.number().int().min(0).default(0),
  })
  .strict();

/** The caller's X-Request-Id when it is a plain token (a proxy's, to follow one call through both logs), else a new one. */
function requestIdOf(req: { headers: Record<string, string | string[] | undefined> }): string {
  const given = req.headers['x-request-id'];
  const id = Array.isArray(given) ? given[0] : given;
  return id && /^[A-Za-z0-9._:-]{1,64}$/.test(id) ? id : randomUUID();
}

const MAX_PARAM_CHARS = 512;

/** What is wrong with request parameters (query or path): given twice, too long, control characters. */
export function paramProblems(params: Record<string, unknown>, what: string): string[] {
  const problems: string[] = [];
  for (const [k, v] of Object.entries(params)) {
    const name = k.slice(0, 64).replace(/[^\x20-\x7e]/g, '?');
    if (Array.isArray(v)) problems.push(`${what} ${name}: given ${v.length} times; give it once`);
    else if (typeof v === 'string' && v.length > MAX_PARAM_CHARS) problems.push(`${what} ${name}: longer than ${MAX_PARAM_CHARS} characters`);
    else if (typeof v === 'string' && !NO_CONTROL.test(v)) problems.push(`${what} ${name}: control characters are not allowed`);
    else if (!NO_CONTROL.test(k)) problems.push(`${what} ${name}: control characters are not allowed in a name`);
  }
  return problems;
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { bridge, inbox, ingest, processor, centra, metrics, logger: log } = deps;
  const now = deps.now ?? Date.now;
  const maxEvents = deps.maxEventsPerCall ?? 100;
  const tokens = createTokens(deps.adminToken, deps.operatorToken);
  const timeouts = deps.timeouts ?? serverSchema.shape.timeouts.parse(undefined);
  // One table for both doors (the API's bearer check and the console's sign-in): the same tokens are guessed at either.
  const signInLimit = deps.signInLimit ?? serverSchema.shape.signInLimit.parse(undefined);
  const signIn = signInGuard(createSignInLimiter(signInLimit, { now }), { log, rejected: metrics.signInRejected, windowSec: signInLimit.windowSec });
  const app = Fastify({
    logger: false,
    bodyLimit: deps.maxBodyBytes,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    genReqId: requestIdOf,
    trustProxy: deps.trustProxy ?? false,
    // Slow clients: Node answers 408 and closes a connection whose headers, or whole request, take too long;
    // it looks at most every second (its default is every 30 s, which would let a trickle run 30 s over).
    http: { headersTimeout: timeouts.headersMs, connectionsCheckingInterval: Math.min(1000, Math.max(100, Math.floor(timeouts.headersMs / 4))) },
    requestTimeout: timeouts.requestMs,
    connectionTimeout: timeouts.idleMs,
    keepAliveTimeout: timeouts.keepAliveMs,
  });
  app.server.maxConnections = deps.maxConnections ?? serverSchema.shape.maxConnections.parse(undefined);

  // Every answer carries its request id, and every request is one log line (health and metrics scrapes at debug).
  app.addHook('onSend', async (req, reply) => {
    reply.header('x-request-id', req.id);
  });
  app.addHook('onResponse', async (req, reply) => {
    const path = req.url.split('?')[0];
    const quiet = path === '/healthz' || path === '/readyz' || path === '/metrics';
    log[quiet ? 'debug' : 'info']({ reqId: req.id, method: req.method, path, status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
  });

  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, req, reply) => {
    // Typed errors of the use cases (config/errors.ts) → their status, in one place.
    const typed = resultOfError(err);
    if (typed) return send(reply, typed);
    const status = err.statusCode ?? 500;
    if (status >= 500) {
      log.error({ reqId: req.id, err: err.message, path: req.url.split('?')[0], method: req.method }, 'request failed');
      return send(reply, fail('internal', 'internal error'));
    }
    log.info({ reqId: req.id, status, code: err.code, path: req.url.split('?')[0], reason: err.message }, 'request rejected');
    return send(reply, fail(kindOfStatus(status), err.message));
  });
  // JSON bodies: refused (400) when nested deeper than any Centra object, before anything walks them.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    if (jsonDeeperThan(body as string)) return done(Object.assign(new Error(`the JSON body nests deeper than ${MAX_JSON_DEPTH} levels`), { statusCode: 400 }), undefined);
    return parseJson(req, body as string, done);
  });

  // Query strings: every parameter at most once (no route takes a list) and without control characters.
  // A preValidation hook, so that it runs after each scope's token check (onRequest).
  app.addHook('preValidation', async (req, reply) => {
    const problems = paramProblems((req.query ?? {}) as Record<string, unknown>, 'query parameter');
    if (problems.length) return send(reply, fail('bad_request', 'bad query parameters', problems));
  });

  app.setNotFoundHandler((req, reply) => send(reply, fail('not_found', `no route ${req.method} ${req.url.split('?')[0]}`)));

  // --- Centra's webhook: the raw body, whatever the content type (the signature covers the bytes).
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: deps.maxBodyBytes }, (_req, body, done) => done(null, body));

    const rawOf = (req: FastifyRequest): Buffer => (Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0));
    const webhookDeps = {
      ingest,
      secrets: deps.webhookSecrets,
      toleranceSec: deps.signatureToleranceSec,
      maxEvents,
      now,
      log,
      onReceived: (events: readonly { type: string }[], ignored: readonly unknown[]) => {
        if (ignored.length) metrics.eventsReceived.inc({ type: 'unknown', source: 'webhook' }, ignored.length);
        const byType = new Map<string, number>();
        for (const e of events) byType.set(e.type, (byType.get(e.type) ?? 0) + 1);
        for (const [type, n] of byType) metrics.eventsReceived.inc({ type, source: 'webhook' }, n);
      },
      onRejected: metrics.webhookRejected,
    };

    scope.post('/webhooks/centra', async (req, reply) => {
      const header = req.headers['x-centra-signature'];
      const receipt = await receiveWebhookCall({ ...webhookDeps, log: log.child({ reqId: req.id }) }, { raw: rawOf(req), signature: Array.isArray(header) ? header[0] : header, contentType: req.headers['content-type'], ip: req.ip });
      return send(reply, ok(receipt));
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

  // --- Health, readiness and metrics (no auth).
  await app.register(
    healthRoutes({
      counts: async () => {
        const [queueDepth, inboxPending] = await Promise.all([bridge.outbox.queueDepth(), inbox.pendingCount()]);
        return { queueDepth, inboxPending };
      },
      readiness: deps.readiness,
      metrics,
      logger: log,
    }),
  );

  // --- Routes the ESP modules serve (e.g. a storefront's promotions), each behind its own auth.
  for (const m of ESP_MODULES) {
    if (!m.routes) continue;
    const plugins = bridge.config.stores.flatMap((store) => store.plugins.filter((p) => p.esp === m.name).map((settings) => ({ store, settings })));
    await app.register(
      m.routes({
        plugins,
        secret: (ref) => resolveSecret(ref),
        timeoutMs: bridge.config.delivery.timeoutMs,
        storage: { contacts: bridge.storage.contacts },
        customerEmail: async (id) => (await centra.fetchSnapshot({ type: 'customer', id }))?.email ?? null,
        adminToken: deps.adminToken,
        signIn: { refusal: (req) => signIn.refusal(req, 'storefront'), wrongToken: (req) => signIn.wrongToken(req, 'storefront') },
      }),
    );
  }

  // --- Everything under /api: bearer admin token.
  await app.register(async (api) => {
    api.addHook('onRequest', async (req, reply) => {
      // An address over server.signInLimit is refused before its token is looked at (the right one too).
      const wait = signIn.refusal(req, 'api');
      if (wait > 0) return send(reply.header('retry-after', String(wait)), fail('too_many_requests', `too many wrong tokens from this address; try again in ${wait} s`));
      // The operator token reads too; replay routes ask for it alone (replay-routes.ts).
      const given = bearerOf(req.headers.authorization);
      if (!tokens.roleOf(given)) {
        // A token given and wrong counts against the address; a request without one guesses nothing.
        if (given !== null) signIn.wrongToken(req, 'api');
        return send(reply, fail('unauthorized', 'a valid Authorization: Bearer <admin token> is required'));
      }
    });

    // Ids and keys in the path: bounded, no control characters (PostgreSQL cannot even compare a NUL).
    api.addHook('preValidation', async (req, reply) => {
      const problems = paramProblems((req.params ?? {}) as Record<string, unknown>, 'path parameter');
      if (problems.length) return send(reply, fail('bad_request', 'bad path', problems));
    });

    api.get('/api/deliveries', async (req, reply) => {
      const q = parseQuery(deliveryQuery, req.query);
      if (!q.ok) return send(reply, q.result);
      const [rows, total] = await Promise.all([bridge.outbox.listDeliveries(q.value), bridge.outbox.countDeliveries(q.value)]);
      return send(reply, ok({ deliveries: redactSecrets(rows.map(({ request: _r, ...rest }) => rest)), total, limit: q.value.limit, offset: q.value.offset }));
    });
    api.get<{ Params: { id: string } }>('/api/deliveries/:id', async (req, reply) => {
      const d = await bridge.outbox.getDelivery(req.params.id);
      return send(reply, d ? ok(redactSecrets(d)) : fail('not_found', `no delivery ${req.params.id}`));
    });
    registerReplayRoutes(api, { outbox: bridge.outbox, tokens, log });

    api.get('/api/inbox', async (req, reply) => {
      const q = parseQuery(inboxQuery, req.query);
      if (!q.ok) return send(reply, q.result);
      const [events, counts] = await Promise.all([inbox.list(q.value), inbox.counts()]);
      return send(reply, ok({ events: redactSecrets(events), counts, limit: q.value.limit, offset: q.value.offset }));
    });
    api.get<{ Querystring: { order?: string; email?: string } }>('/api/trace', async (req, reply) => {
      const q = traceQueryOf(req.query ?? {});
      return send(reply, ok(await traceOf({ deliveries: bridge.storage.deliveries, inbox }, q)));
    });
    api.get<{ Params: { key: string } }>('/api/events/:key', async (req, reply) => {
      const row = await inbox.get(req.params.key);
      return send(reply, row ? ok(redactSecrets(row)) : fail('not_found', `no event ${req.params.key}`));
    });

    await api.register(eraseRoutes({ maintenance: bridge.storage.maintenance, logger: log, onErased: () => metrics.observeDelivery({ type: 'changed' }) }));

    // A complete event (object included): stored, then planned at once without a fetch.
    const eventDeps = { ingest, inbox, processor, now, onReceived: (e: { type: string }) => metrics.eventsReceived.inc({ type: e.type, source: 'direct' }) };
    api.post('/api/events', async (req, reply) => {
      const receipt = await receiveDirectEvent(eventDeps, req.body);
      return send(reply, ok(redactSecrets(receipt), receipt.duplicate ? 200 : 202));
    });

    // "Send email" by hand: fetch the object from Centra, submit with context.manual.
    api.post('/api/emails', async (req, reply) => {
      const r = await sendManualEmail({ centra, bridge, now }, req.body ?? {});
      log.info({ reqId: req.id, requestId: r.requestId, events: r.events.map((e) => e.eventKey) }, 'manual send submitted');
      return send(
        reply,
        ok({ requestId: r.requestId, eventKeys: r.events.map((e) => e.eventKey), deliveries: r.events.flatMap((e) => e.deliveries), skipped: r.events.flatMap((e) => e.skipped) }, 202),
      );
    });
  });

  // --- The web console (docs/console.md): its own sessions, HTML errors, CSRF-checked forms.
  await app.register(consoleRoutes({ bridge, inbox, adminToken: deps.adminToken, operatorToken: deps.operatorToken, logger: log, now, signIn }), { prefix: '/console' });

  return app;
}
