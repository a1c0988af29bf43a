// Replay over the admin API: one delivery (a delivered one only with ?force=true), or the dead
// letters a filter matches, counted first and replayed only at the count the operator confirmed.
// Both need the operator token; without one configured, replay is off.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AlreadyDeliveredError, replayDeadLetters, replayDelivery, type Outbox } from '../delivery/outbox.ts';
import type { Logger } from '../log.ts';
import { fail, ok, send, type ApiResult } from './errors.ts';
import { deliveryFilterFields, parseQuery } from './queries.ts';
import { bearerOf, type Tokens } from './tokens.ts';

/** Whether this request may replay: null if so, else the answer saying why not. */
export function replayRefusal(tokens: Tokens, role: 'admin' | 'operator' | null): ApiResult | null {
  if (!tokens.replayEnabled) return fail('forbidden', 'replay is off: no server.operatorToken is configured (docs/console.md)');
  if (role !== 'operator') return fail('forbidden', 'replay needs the operator token (Authorization: Bearer <operator token>), not the admin token');
  return null;
}

const forceQuery = z.object({ force: z.enum(['true', 'false']).optional() }).strict();
const bulkBody = z
  .object({
    ...deliveryFilterFields,
    since: z.union([deliveryFilterFields.since, z.number().int().nonnegative().optional()]),
    until: z.union([deliveryFilterFields.until, z.number().int().nonnegative().optional()]),
    /** The count the operator saw and confirms; without it the call only counts. */
    expect: z.number().int().min(0).optional(),
  })
  .strict();

export function registerReplayRoutes(api: FastifyInstance, deps: { outbox: Outbox; tokens: Tokens; log: Logger }): void {
  const { outbox, tokens, log } = deps;
  const refusal = (req: FastifyRequest) => replayRefusal(tokens, tokens.roleOf(bearerOf(req.headers.authorization)));

  api.post<{ Params: { id: string } }>('/api/deliveries/:id/replay', async (req, reply) => {
    const refused = refusal(req);
    if (refused) return send(reply, refused);
    const q = parseQuery(forceQuery, req.query);
    if (!q.ok) return send(reply, q.result);
    try {
      const replayed = await replayDelivery(outbox, req.params.id, { force: q.value.force === 'true' });
      log.info({ reqId: req.id, id: replayed.id, wasDelivered: replayed.wasDelivered }, replayed.wasDelivered ? 'delivered delivery replayed by an operator (sent again)' : 'delivery replayed by an operator');
      return send(reply, ok(replayed, 202));
    } catch (err) {
      if (err instanceof AlreadyDeliveredError) return send(reply, fail('conflict', `${err.why}; to send it again, POST with ?force=true`));
      throw err;
    }
  });

  api.post('/api/deliveries/replay', async (req, reply) => {
    const refused = refusal(req);
    if (refused) return send(reply, refused);
    const b = bulkBody.safeParse(req.body ?? {});
    if (!b.success) return send(reply, fail('bad_request', 'bad bulk replay body', b.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`)));
    const { expect, ...filter } = b.data;
    const r = await replayDeadLetters(outbox, filter, expect);
    if (expect === undefined) return send(reply, ok({ ...r, confirm: `${r.matched} dead letter(s) match; POST again with "expect": ${r.matched} to replay them` }));
    if (!r.done) return send(reply, fail('conflict', `${r.matched} dead letter(s) match now, not the ${expect} confirmed; nothing was replayed: check, then confirm ${r.matched}`));
    log.info({ reqId: req.id, filter, replayed: r.replayed }, 'dead letters replayed in bulk by an operator');
    return send(reply, ok(r, 202));
  });
}
