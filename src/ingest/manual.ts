// "Send email" by hand (Centra's modal on an account, a buyer or an order): one email type for
// one object, fetched fresh from Centra, with context.manual = {emailType, recipients, requestId}.
// Used by POST /api/emails and `esp-bridge send`.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { EventSink, SubmitResult } from './ports.ts';
import { centraEventSchema, centraIdSchema, contextSchema } from '../centra/event-schema.ts';
import type { CentraClient } from '../centra/graphql-client.ts';
import { describeIssues, InputError, NotFoundError, RequestError } from '../config/errors.ts';
import { RECIPIENTS } from '../emails/catalog.ts';
import { manualEventKey } from './event-key.ts';

export const MANUAL_OBJECT_TYPES = ['order', 'buyer', 'account', 'customer', 'invoice', 'shipment', 'return'] as const;
const manualEmailTypes = contextSchema.unwrap().shape.manual.unwrap().shape.emailType;

export const manualSendSchema = z
  .object({
    type: z.enum(MANUAL_OBJECT_TYPES),
    /** The order number for orders, the object id otherwise. */
    id: centraIdSchema,
    emailType: manualEmailTypes,
    recipients: z.array(z.enum(RECIPIENTS)).min(1).optional(),
  })
  .strict();
export type ManualSendRequest = z.input<typeof manualSendSchema>;

/** The object of a manual send is not in Centra. */
export class ObjectNotFoundError extends NotFoundError {
  override readonly name = 'ObjectNotFoundError';
}

export interface ManualSendResult {
  requestId: string;
  events: SubmitResult[];
}

/** `YYYY-MM-DD HH:MM:SS.ffffff` UTC, as Centra writes event dates. */
export function centraDateOf(ms: number): string {
  const d = new Date(ms).toISOString();
  return `${d.slice(0, 10)} ${d.slice(11, 19)}.${d.slice(20, 23)}000`;
}

export function parseManualSend(raw: unknown): z.output<typeof manualSendSchema> {
  const r = manualSendSchema.safeParse(raw);
  if (!r.success) throw new RequestError('not a valid manual send', describeIssues(r.error, raw));
  return r.data;
}

/**
 * Fetches the object and submits one manual event (for an account: one per buyer of the
 * account). Throws ObjectNotFoundError, InputError (invalid snapshot, store not configured),
 * or the client's CentraUnavailableError / CentraQueryError.
 */
export async function sendManualEmail(
  deps: { centra: Pick<CentraClient, 'fetchSnapshot'>; bridge: EventSink; now?: () => number },
  raw: unknown,
): Promise<ManualSendResult> {
  const req = parseManualSend(raw);
  const requestId = randomUUID();
  const date = centraDateOf((deps.now ?? Date.now)());
  const manual = { emailType: req.emailType, ...(req.recipients ? { recipients: req.recipients } : {}), requestId };
  const targets: { type: Exclude<(typeof MANUAL_OBJECT_TYPES)[number], 'account'>; id: number }[] = [];
  if (req.type === 'account') {
    const account = await deps.centra.fetchSnapshot({ type: 'account', id: req.id });
    if (!account) throw new ObjectNotFoundError(`account ${req.id} not found in Centra`);
    if (!account.buyers.length) throw new InputError('nothing to send', [`account ${req.id} has no buyers`]);
    for (const b of account.buyers) targets.push({ type: 'buyer', id: b.id });
  } else targets.push({ type: req.type, id: req.id });

  const events = [];
  for (const t of targets) {
    const object = await deps.centra.fetchSnapshot({ type: t.type, id: t.id });
    if (!object) throw new ObjectNotFoundError(`${t.type} ${t.id} not found in Centra`);
    const candidate = { type: t.type, action: 'manual', id: t.id, date, object, context: { manual } };
    const parsed = centraEventSchema.safeParse(candidate);
    if (!parsed.success) throw new InputError(`Centra's ${t.type} ${t.id} is not a valid snapshot`, describeIssues(parsed.error, candidate));
    events.push(parsed.data);
  }
  const results: SubmitResult[] = [];
  for (const e of events) results.push(await deps.bridge.submit(e, manualEventKey(e, requestId)));
  return { requestId, events: results };
}
