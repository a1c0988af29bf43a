// Query and body parameters the admin API and the console share: the deliveries filter, times.
import { z } from 'zod';
import { describeIssues } from '../config/errors.ts';
import { EMAIL_TYPES } from '../emails/catalog.ts';
import { CHANNEL_NAMES, SYNC_KINDS } from '../esp/modules.ts';
import { DELIVERY_STATUSES } from '../storage/deliveries.ts';
import { fail, type ApiResult } from './errors.ts';

/** A time in a query: ISO 8601 (2026-12-03T08:00Z) or epoch milliseconds. */
export const timeParam = z.string().transform((s, ctx) => {
  const t = /^\d+$/.test(s) ? Number(s) : Date.parse(s);
  if (Number.isFinite(t)) return t;
  ctx.addIssue({ code: 'custom', message: 'not a time: give ISO 8601 (2026-12-03T08:00:00Z) or epoch milliseconds' });
  return z.NEVER;
});

/** What selects deliveries, whether listed or replayed in bulk. */
export const deliveryFilterFields = {
  order: z.string().regex(/^\d{1,20}$/, 'an order number (digits)').optional(),
  email: z.string().min(3).max(320).optional(),
  since: timeParam.optional(),
  until: timeParam.optional(),
  emailType: z.enum([...EMAIL_TYPES, ...SYNC_KINDS] as [string, ...string[]]).optional(),
  esp: z.enum(CHANNEL_NAMES as [string, ...string[]]).optional(),
};

export const deliveryQuery = z
  .object({
    ...deliveryFilterFields,
    status: z.enum(DELIVERY_STATUSES).optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    offset: z.coerce.number().int().min(0).default(0),
  })
  .strict();

export function parseQuery<S extends z.ZodType>(schema: S, raw: unknown): { ok: true; value: z.output<S> } | { ok: false; result: ApiResult } {
  const r = schema.safeParse(raw ?? {});
  return r.success ? { ok: true, value: r.data } : { ok: false, result: fail('bad_request', 'bad query parameters', describeIssues(r.error, raw)) };
}
