// Liveness, readiness and metrics (no auth), registered by app.ts. /healthz: the process answers
// (and says how much waits); /readyz: the checks of src/app/health.ts, 200 for ok and degraded,
// 503 for failing; /metrics: Prometheus text.
import type { FastifyInstance } from 'fastify';
import type { Readiness } from '../app/health.ts';
import type { Logger } from '../log.ts';
import type { ServiceMetrics } from './metrics.ts';
import { redactSecrets } from '../delivery/redact.ts';
import { fail, ok, send } from './errors.ts';

export interface HealthRouteDeps {
  /** What /healthz reports beside "ok" (queue depth, inbox backlog). */
  counts(): Promise<Record<string, number>>;
  readiness?: () => Promise<Readiness>;
  metrics: ServiceMetrics;
  logger: Logger;
}

export function healthRoutes(deps: HealthRouteDeps) {
  const log = deps.logger;
  let last: Readiness['status'] = 'ok';
  return async (app: FastifyInstance) => {
    app.get('/healthz', async (_req, reply) => {
      try {
        return send(reply, ok({ status: 'ok', ...(await deps.counts()) }));
      } catch (err) {
        log.error({ err: (err as Error).message }, 'health check: the store does not answer');
        return send(reply, fail('unavailable', 'the store does not answer'));
      }
    });
    app.get('/readyz', async (_req, reply) => {
      if (!deps.readiness) return send(reply, ok({ status: 'ok', reasons: [], checks: {} }));
      const r = await deps.readiness();
      // One line when the state changes, not one per probe.
      if (r.status !== last) log[r.status === 'ok' ? 'info' : 'warn']({ status: r.status, was: last, reasons: r.reasons }, 'readiness changed');
      last = r.status;
      // Its texts may quote a store's or an ESP's error: configured secrets scrubbed, as in every answer.
      return reply.code(r.status === 'failing' ? 503 : 200).send(redactSecrets(r));
    });
    app.get('/metrics', async (_req, reply) => {
      const text = await deps.metrics.registry.metrics();
      return reply.header('content-type', deps.metrics.registry.contentType).send(text);
    });
  };
}
