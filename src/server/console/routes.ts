// The web console under /console, served by `serve` (docs/console.md): the activity feed, the
// trace of an order or email, a delivery with its request and attempts, the lanes, and replay
// (one delivery, or the dead letters a filter matches, counted first) for the operator token.
// Server-rendered HTML, no script; signed-cookie sessions (session.ts); every POST carries the
// session's CSRF token and, when the browser sends one, a same-origin Origin header.
import { readFileSync } from 'node:fs';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Bridge } from '../../app/bridge.ts';
import { traceOf, traceQueryOf } from '../../app/trace.ts';
import { describeIssues, RequestError } from '../../config/errors.ts';
import { AlreadyDeliveredError, replayDeadLetters, replayDelivery } from '../../delivery/outbox.ts';
import { redactSecrets } from '../../delivery/redact.ts';
import { CHANNEL_NAMES, deliveryDefaults } from '../../esp/modules.ts';
import type { InboxStore } from '../../storage/inbox.ts';
import { DELIVERY_STATUSES } from '../../storage/deliveries.ts';
import type { Logger } from '../../log.ts';
import { resultOfError, STATUS_OF } from '../errors.ts';
import { deliveryFilterFields } from '../queries.ts';
import type { SignInGuard } from '../sign-in-limit.ts';
import { createTokens } from '../tokens.ts';
import { Html } from './html.ts';
import { laneViews } from './lanes.ts';
import { bulkReplayPage, confirmReplayPage, deliveryPage, errorPage, feedPage, lanesPage, loginPage, tracePage, type FeedFilter, type Viewer } from './pages.ts';
import { cookieHeader, cookieOf, createSessions, SESSION_MS, type Session } from './session.ts';

export interface ConsoleDeps {
  bridge: Bridge;
  inbox: InboxStore;
  adminToken: string;
  operatorToken?: string | null;
  logger: Logger;
  now?: () => number;
  /** Failed sign-ins per address, shared with the API's bearer check (sign-in-limit.ts). */
  signIn: SignInGuard;
}

const PAGE_SIZE = 50;
const CSS = readFileSync(new URL('./console.css', import.meta.url), 'utf8');
/** No script, no frame, no foreign origin: the page can only load its own stylesheet and post to itself. */
const CSP = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/** A form's or query's fields with empty values left out (an empty filter box means "any"). */
function given(raw: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries((raw ?? {}) as Record<string, unknown>)) if (typeof v === 'string' && v.trim() !== '') out[k] = v.trim();
  return out;
}

const filterSchema = z.object({ ...deliveryFilterFields, status: z.enum(DELIVERY_STATUSES).optional() });
const feedSchema = filterSchema.extend({ page: z.coerce.number().int().min(1).max(1_000_000).default(1), replayed: z.coerce.number().int().min(0).optional() });
const bulkSchema = z.object({ ...deliveryFilterFields, expect: z.coerce.number().int().min(0).optional() });
const FILTER_KEYS = ['order', 'email', 'status', 'esp', 'since', 'until'] as const;
const filterText = (raw: Record<string, string>): FeedFilter => Object.fromEntries(FILTER_KEYS.filter((k) => raw[k] !== undefined).map((k) => [k, raw[k]]));

/**
 * Whether a POST's Origin is the console's own host: the Host header, or the X-Forwarded-Host a
 * proxy in front sets (a page on another site can set neither). Hosts are compared, not schemes,
 * so a proxy that ends TLS without saying so still works.
 */
function sameSite(origin: string, req: FastifyRequest): boolean {
  let host: string;
  try {
    host = new URL(origin).host.toLowerCase();
  } catch {
    return false;
  }
  const forwarded = req.headers['x-forwarded-host'];
  const hosts = [req.headers.host, ...(Array.isArray(forwarded) ? forwarded : [forwarded])].flatMap((h) => (h ? h.split(',').map((x) => x.trim().toLowerCase()) : []));
  return hosts.includes(host);
}

/** Where to go after signing in: a console page only (never another site, nor a path climbing out of /console). */
function safeNext(next: unknown): string {
  if (typeof next !== 'string' || !/^\/console(\/[A-Za-z0-9._~\-/%]*)?(\?[A-Za-z0-9._~\-%=&+:@]*)?$/.test(next)) return '/console/deliveries';
  const path = next.split('?')[0]!;
  return next.includes('//') || /(^|\/)\.\.?(\/|$)/.test(path) || /%2e|%2f|%5c/i.test(path) ? '/console/deliveries' : next;
}

export function consoleRoutes(deps: ConsoleDeps): FastifyPluginAsync {
  const now = deps.now ?? Date.now;
  const tokens = createTokens(deps.adminToken, deps.operatorToken);
  const sessions = createSessions({ admin: deps.adminToken, operator: deps.operatorToken ?? null });
  const { bridge, inbox, logger: log } = deps;
  const espDefaults = deliveryDefaults();

  const viewerOf = (s: Session): Viewer => ({ role: s.role, csrf: sessions.csrfOf(s), replay: !tokens.replayEnabled ? 'off' : s.role === 'operator' ? 'on' : 'admin' });
  const page = (reply: FastifyReply, status: number, body: Html) => reply.code(status).type('text/html; charset=utf-8').send(body.value);
  const secure = (req: FastifyRequest) => req.protocol === 'https' || req.headers['x-forwarded-proto'] === 'https';
  const sessionOf = (req: FastifyRequest) => (req as FastifyRequest & { consoleSession?: Session }).consoleSession!;

  return async (scope: FastifyInstance) => {
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    });
    scope.addHook('onSend', async (_req, reply) => {
      reply.header('content-security-policy', CSP);
      reply.header('x-content-type-options', 'nosniff');
      reply.header('x-frame-options', 'DENY');
      // same-origin keeps the Origin header on the console's own POSTs (no-referrer would make it "null").
      reply.header('referrer-policy', 'same-origin');
      if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    });
    scope.setErrorHandler((err: Error & { statusCode?: number }, req, reply) => {
      const typed = resultOfError(err);
      const status = typed && !typed.ok ? STATUS_OF[typed.error.kind] : (err.statusCode ?? 500);
      if (status >= 500) log.error({ reqId: req.id, err: err.message, path: req.url.split('?')[0] }, 'console request failed');
      const problems = typed && !typed.ok ? [typed.error.message, ...(typed.error.problems ?? [])] : [status >= 500 ? 'internal error' : err.message];
      const s = (req as FastifyRequest & { consoleSession?: Session }).consoleSession;
      return page(reply, status, errorPage(s ? viewerOf(s) : null, status >= 500 ? 'Something went wrong' : 'Not possible', problems));
    });
    scope.setNotFoundHandler((req, reply) => {
      const s = sessions.verify(cookieOf(req.headers.cookie), now());
      return page(reply, 404, errorPage(s ? viewerOf(s) : null, 'Not found', [`no console page ${req.url.split('?')[0]}`]));
    });

    // Every page but sign-in and the stylesheet needs a session; every POST a same-origin request with the session's CSRF token.
    scope.addHook('preHandler', async (req, reply) => {
      const path = req.url.split('?')[0]!;
      if (req.method === 'POST') {
        const origin = req.headers.origin;
        if (origin !== undefined && !sameSite(origin, req)) {
          return page(reply, 403, errorPage(null, 'Refused', ['a console form must be sent from the console itself (the Origin does not match)']));
        }
      }
      if (path === '/console/login' || path.startsWith('/console/assets/')) return;
      const session = sessions.verify(cookieOf(req.headers.cookie), now());
      if (!session) {
        if (req.method === 'GET') return reply.code(303).header('location', `/console/login?next=${encodeURIComponent(safeNext(req.url))}`).send();
        return page(reply, 401, loginPage({ next: '/console/deliveries', error: 'Your session has ended; sign in again.' }));
      }
      (req as FastifyRequest & { consoleSession?: Session }).consoleSession = session;
      if (req.method === 'POST' && !sessions.csrfValid(session, (req.body as Record<string, unknown> | undefined)?.csrf)) {
        return page(reply, 403, errorPage(viewerOf(session), 'Refused', ['the form is stale or was not made by this console (CSRF token missing or wrong); reload the page and try again']));
      }
    });
    /** Replay routes: the operator's session only, and only when an operator token is configured. */
    const replayRefused = (req: FastifyRequest, reply: FastifyReply) => {
      const v = viewerOf(sessionOf(req));
      if (v.replay === 'on') return null;
      return page(reply, 403, errorPage(v, 'Replay not allowed', [v.replay === 'off' ? 'replay is off: no server.operatorToken is configured' : 'replay needs the operator token: sign out and sign in with it']));
    };

    scope.get('/assets/console.css', async (_req, reply) => reply.header('cache-control', 'max-age=300').type('text/css; charset=utf-8').send(CSS));
    scope.get('/', async (_req, reply) => reply.code(303).header('location', '/console/deliveries').send());

    scope.get('/login', async (req, reply) => page(reply, 200, loginPage({ next: safeNext((req.query as Record<string, unknown>)?.next) })));
    scope.post('/login', async (req, reply) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const next = safeNext(body.next);
      // An address over server.signInLimit is refused before the token is looked at (the right one too).
      const wait = deps.signIn.refusal(req, 'console');
      if (wait > 0) return page(reply.header('retry-after', String(wait)), 429, loginPage({ next, error: `Too many wrong tokens from your address: try again in ${wait} s.` }));
      const role = tokens.roleOf(typeof body.token === 'string' ? body.token.trim() : null);
      if (!role) {
        deps.signIn.wrongToken(req, 'console');
        return page(reply, 401, loginPage({ next, error: 'That is neither the admin token nor the operator token.' }));
      }
      const { value } = sessions.issue(role, now());
      log.info({ reqId: req.id, ip: req.ip, role }, 'console sign-in');
      return reply.code(303).header('set-cookie', cookieHeader(value, { secure: secure(req), maxAgeMs: SESSION_MS })).header('location', next).send();
    });
    scope.post('/logout', async (req, reply) =>
      reply.code(303).header('set-cookie', cookieHeader('', { secure: secure(req), maxAgeMs: 0 })).header('location', '/console/login').send(),
    );

    scope.get('/deliveries', async (req, reply) => {
      const v = viewerOf(sessionOf(req));
      const raw = given(req.query);
      const filter = filterText(raw);
      const q = feedSchema.safeParse(raw);
      if (!q.success) return page(reply, 400, feedPage(v, { filter, esps: CHANNEL_NAMES, rows: [], total: 0, page: 1, pageSize: PAGE_SIZE, problems: describeIssues(q.error, raw) }));
      const { page: n, replayed, ...f } = q.data;
      const [rows, total, deadMatching] = await Promise.all([
        bridge.outbox.listDeliveries({ ...f, limit: PAGE_SIZE, offset: (n - 1) * PAGE_SIZE }),
        bridge.outbox.countDeliveries(f),
        f.status === undefined || f.status === 'dead' ? bridge.outbox.countDeliveries({ ...f, status: 'dead' }) : Promise.resolve(0),
      ]);
      const shown = redactSecrets(rows.map(({ request: _r, ...rest }) => rest));
      return page(reply, 200, feedPage(v, { filter, esps: CHANNEL_NAMES, rows: shown, total, page: n, pageSize: PAGE_SIZE, replayed, deadMatching }));
    });

    scope.get('/trace', async (req, reply) => {
      const v = viewerOf(sessionOf(req));
      const raw = given(req.query);
      if (raw.q !== undefined) {
        // The search box: digits are an order number, anything with an @ an email address.
        const target: Record<string, string> | null = /^\d+$/.test(raw.q) ? { order: raw.q } : raw.q.includes('@') ? { email: raw.q } : null;
        if (!target) return page(reply, 400, tracePage(v, {}, null, [`"${raw.q.slice(0, 80)}" is neither an order number nor an email address`]));
        return reply.code(303).header('location', `/console/trace?${new URLSearchParams(target)}`).send();
      }
      const shownQuery = { order: raw.order, email: raw.email };
      if (raw.order === undefined && raw.email === undefined) return page(reply, 200, tracePage(v, shownQuery, null));
      try {
        const t = await traceOf({ deliveries: bridge.storage.deliveries, inbox }, traceQueryOf(raw));
        return page(reply, 200, tracePage(v, shownQuery, redactSecrets(t)));
      } catch (err) {
        if (err instanceof RequestError) return page(reply, 400, tracePage(v, shownQuery, null, err.problems));
        throw err;
      }
    });

    scope.get<{ Params: { id: string } }>('/deliveries/:id', async (req, reply) => {
      const v = viewerOf(sessionOf(req));
      const d = await bridge.outbox.getDelivery(req.params.id);
      if (!d) return page(reply, 404, errorPage(v, 'Not found', [`no delivery ${req.params.id}`]));
      const replayed = (req.query as Record<string, unknown>)?.replayed === '1';
      return page(reply, 200, deliveryPage(v, redactSecrets(d), { replayed }));
    });

    scope.post<{ Params: { id: string } }>('/deliveries/:id/replay', async (req, reply) => {
      const refused = replayRefused(req, reply);
      if (refused) return refused;
      const v = viewerOf(sessionOf(req));
      const force = (req.body as Record<string, unknown>)?.force === '1';
      try {
        const r = await replayDelivery(bridge.outbox, req.params.id, { force });
        log.info({ reqId: req.id, id: r.id, wasDelivered: r.wasDelivered, via: 'console' }, r.wasDelivered ? 'delivered delivery replayed by an operator (sent again)' : 'delivery replayed by an operator');
        return reply.code(303).header('location', `/console/deliveries/${encodeURIComponent(r.id)}?replayed=1`).send();
      } catch (err) {
        if (err instanceof AlreadyDeliveredError) {
          const d = await bridge.outbox.getDelivery(req.params.id);
          if (d) return page(reply, 200, confirmReplayPage(v, redactSecrets(d)));
        }
        throw err;
      }
    });

    const bulk = async (req: FastifyRequest, reply: FastifyReply, raw: Record<string, string>) => {
      const v = viewerOf(sessionOf(req));
      const filter = filterText(raw);
      delete filter.status;
      const q = bulkSchema.safeParse(raw);
      if (!q.success) return page(reply, 400, errorPage(v, 'Replay dead letters', describeIssues(q.error, raw)));
      const { expect, ...f } = q.data;
      const r = await replayDeadLetters(bridge.outbox, f, expect);
      if (expect === undefined) return page(reply, 200, bulkReplayPage(v, { filter, matched: r.matched }));
      if (!r.done) return page(reply, 409, bulkReplayPage(v, { filter, matched: r.matched, problem: `The count changed: ${r.matched} dead letter(s) match now, not the ${expect} you confirmed. Nothing was replayed; check and confirm again.` }));
      log.info({ reqId: req.id, filter: f, replayed: r.replayed, via: 'console' }, 'dead letters replayed in bulk by an operator');
      return reply.code(303).header('location', `/console/deliveries?${new URLSearchParams({ ...filter, replayed: String(r.replayed) })}`).send();
    };
    scope.get('/replay', async (req, reply) => replayRefused(req, reply) ?? bulk(req, reply, given(req.query)));
    scope.post('/replay', async (req, reply) => {
      const { csrf: _c, ...raw } = given(req.body);
      if (raw.expect === undefined) return page(reply, 400, errorPage(viewerOf(sessionOf(req)), 'Replay dead letters', ['confirm a count first (open the replay page from the activity feed)']));
      return replayRefused(req, reply) ?? bulk(req, reply, raw);
    });

    scope.get('/lanes', async (req, reply) => {
      const v = viewerOf(sessionOf(req));
      const [lanes, counts] = await Promise.all([bridge.storage.deliveries.lanes(), bridge.outbox.countsByStateAndEsp()]);
      const views = laneViews({ lanes, stats: bridge.worker.stats(), counts, limits: bridge.config.delivery.limits, espLimits: espDefaults.limits, now: now() });
      return page(reply, 200, lanesPage(v, views));
    });
  };
}
