// esp-bridge trace --order N | --email X: what happened to an order's (or a person's) emails, as a tree.
// esp-bridge deliveries: the outbox as an aligned table, filtered, with "N of M".
import { traceOf, traceQueryOf, formatTrace } from '../app/trace.ts';
import { InputError } from '../config/errors.ts';
import { EMAIL_TYPES } from '../emails/catalog.ts';
import { CHANNEL_NAMES, SYNC_KINDS } from '../esp/modules.ts';
import { DELIVERY_STATUSES, type DeliveryStatus, type StoredDelivery } from '../storage/deliveries.ts';
import { intFlag, oneOf, timeFlag } from './flags.ts';
import { openExistingStore } from './store.ts';

export async function traceCommand(opts: { config: string; store?: string; order?: string; email?: string; json?: boolean }): Promise<void> {
  let q;
  try {
    q = traceQueryOf(opts);
  } catch (err) {
    throw new InputError('esp-bridge trace needs --order <number> or --email <address>', (err as InputError).problems ?? [(err as Error).message]);
  }
  const storage = openExistingStore(opts);
  try {
    process.stderr.write(`store: ${storage.describe()}\n`);
    const trace = await traceOf({ deliveries: storage.deliveries, inbox: storage.inbox }, q);
    process.stdout.write(opts.json ? `${JSON.stringify(trace, null, 2)}\n` : formatTrace(trace));
  } finally {
    await storage.close();
  }
}

export interface DeliveriesFlags {
  config: string;
  store?: string;
  status?: string;
  esp?: string;
  emailType?: string;
  order?: string;
  email?: string;
  since?: string;
  until?: string;
  limit?: string;
  offset?: string;
  json?: boolean;
}

const time = (t: number | null) => (t === null ? '-' : new Date(t).toISOString().slice(0, 19).replace('T', ' '));

/** Columns padded to their widest cell (the last one left ragged). */
export function alignedTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

/** The flags that select deliveries, whether listed (`deliveries`) or replayed in bulk (`replay`); the same as the API's filter. */
export type FilterFlags = Pick<DeliveriesFlags, 'esp' | 'emailType' | 'order' | 'email' | 'since' | 'until'>;
export const FILTER_FLAGS = ['order', 'email', 'esp', 'emailType', 'since', 'until'] as const satisfies readonly (keyof FilterFlags)[];

/** The filter the flags give, each checked (a bad value is an InputError naming its flag); times resolved against `now`. */
export function filterOfFlags(opts: FilterFlags, now = Date.now()) {
  if (opts.order !== undefined && !/^\d{1,20}$/.test(opts.order)) throw new InputError('bad --order', [`"${opts.order}" is not an order number`]);
  return {
    esp: oneOf(opts.esp, CHANNEL_NAMES, '--esp'),
    emailType: oneOf(opts.emailType, [...EMAIL_TYPES, ...SYNC_KINDS], '--email-type'),
    order: opts.order,
    email: opts.email,
    since: timeFlag(opts.since, '--since', now),
    until: timeFlag(opts.until, '--until', now),
  };
}

export async function deliveriesCommand(opts: DeliveriesFlags): Promise<void> {
  const filter = {
    status: oneOf<DeliveryStatus>(opts.status, DELIVERY_STATUSES, '--status'),
    ...filterOfFlags(opts),
    limit: intFlag(opts.limit, '--limit', 100, 1, 1000),
    offset: intFlag(opts.offset, '--offset', 0, 0),
  };
  const storage = openExistingStore(opts);
  try {
    const [rows, total] = await Promise.all([storage.deliveries.listDeliveries(filter), storage.deliveries.countDeliveries(filter)]);
    if (opts.json) {
      // An array, as before 2026-12 (scripts read it); the total goes to stderr.
      process.stdout.write(`${JSON.stringify(rows.map(({ request: _r, ...rest }) => rest), null, 2)}\n`);
      process.stderr.write(`${rows.length} of ${total} deliveries\n`);
      return;
    }
    process.stderr.write(`store: ${storage.describe()}\n`);
    const cells = (r: StoredDelivery) => [
      time(r.createdAt),
      r.status,
      r.orderNumber ?? '-',
      r.emailType,
      r.recipient,
      r.to,
      `${r.esp}/${r.plugin}`,
      String(r.attempts),
      time(r.deliveredAt),
      r.id,
      r.lastError ? r.lastError.replace(/\s+/g, ' ').slice(0, 80) : '',
    ];
    process.stdout.write(alignedTable(['created (UTC)', 'status', 'order', 'email', 'recipient', 'to', 'esp/plugin', 'tries', 'delivered (UTC)', 'id', 'last error'], rows.map(cells)));
    const from = rows.length ? filter.offset + 1 : 0;
    process.stdout.write(`${rows.length ? `${from}–${filter.offset + rows.length}` : '0'} of ${total} deliveries${filter.offset + rows.length < total ? ` (next: --offset ${filter.offset + rows.length})` : ''}\n`);
  } finally {
    await storage.close();
  }
}
