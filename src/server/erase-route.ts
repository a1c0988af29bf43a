// POST /api/erase {"email": "…"}: removes a person's data from the store (src/app/erase.ts), under
// the /api scope's admin token. Registered by app.ts inside that scope.
import type { FastifyInstance } from 'fastify';
import { erasePersonData } from '../app/erase.ts';
import type { StoreMaintenance } from '../storage/maintenance.ts';
import type { Logger } from '../log.ts';
import { ok, send } from './errors.ts';

export function eraseRoutes(deps: { maintenance: Pick<StoreMaintenance, 'erasePerson'>; logger: Logger; onErased?: () => void }) {
  return async (api: FastifyInstance) => {
    api.post('/api/erase', async (req, reply) => {
      const body = (req.body ?? {}) as { email?: unknown };
      const r = await erasePersonData({ maintenance: deps.maintenance, log: deps.logger.child({ reqId: req.id }) }, body.email, 'api');
      deps.onErased?.();
      return send(reply, ok(r));
    });
  };
}
