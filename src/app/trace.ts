// "What happened to order N's emails (or to X's)?" in one answer: the events stored for it, what
// each decided (sent, or skipped with the stored reason), the deliveries and their attempts with
// the ESP's answers. Read-only; GET /api/trace and `esp-bridge trace` print this.
import type { AttemptRecord, DeliveryStore, StoredDelivery } from '../storage/deliveries.ts';
import type { InboxEvent, InboxStore } from '../storage/inbox.ts';
import type { ProcessResult } from '../ingest/processor.ts';
import { RequestError } from '../config/errors.ts';

export type TraceQuery = { order: string; email?: undefined } | { email: string; order?: undefined };

export interface TraceDecision {
  emailType: string;
  recipient: string;
  decision: 'sent' | 'skipped';
  /** Why it was not sent (skipped only), as stored when the event was processed. */
  reason?: string;
  deliveryId?: string;
  esp?: string;
  plugin?: string;
}

export type TraceDelivery = Omit<StoredDelivery, 'request'> & { attemptLog: AttemptRecord[] };

export interface TraceEvent {
  key: string;
  /** null: the deliveries' event is not in the inbox (a hand-made send, or its record was removed). */
  source: string | null;
  type: string | null;
  action: string | null;
  objectId: string | null;
  status: string | null;
  receivedAt: number | null;
  processedAt: number | null;
  lastError: string | null;
  note: string | null;
  decisions: TraceDecision[];
  deliveries: TraceDelivery[];
}

export interface Trace {
  query: TraceQuery;
  events: TraceEvent[];
  /** Deliveries found, and whether more matched than a trace shows (1000). */
  deliveryCount: number;
  truncated: boolean;
}

const MAX = 1000;

export function traceQueryOf(raw: { order?: unknown; email?: unknown }): TraceQuery {
  const order = typeof raw.order === 'string' && raw.order !== '' ? raw.order : undefined;
  const email = typeof raw.email === 'string' && raw.email !== '' ? raw.email : undefined;
  if ((order === undefined) === (email === undefined)) throw new RequestError('bad trace query', ['give exactly one of order or email']);
  if (order !== undefined && !/^\d{1,20}$/.test(order)) throw new RequestError('bad trace query', [`order must be an order number (digits), not "${order}"`]);
  if (email !== undefined && (email.length > 320 || !email.includes('@'))) throw new RequestError('bad trace query', [`email must be an email address, not "${email.slice(0, 80)}"`]);
  return order !== undefined ? { order } : { email: email! };
}

export async function traceOf(stores: { deliveries: DeliveryStore; inbox: InboxStore }, q: TraceQuery): Promise<Trace> {
  const filter = q.order !== undefined ? { order: q.order } : { email: q.email };
  const [found, deliveryCount] = await Promise.all([stores.deliveries.listDeliveries({ ...filter, limit: MAX }), stores.deliveries.countDeliveries(filter)]);
  const deliveries = await Promise.all(
    found.map(async ({ request: _r, ...d }): Promise<TraceDelivery> => ({ ...d, attemptLog: await stores.deliveries.listAttempts(d.id) })),
  );
  const events = await stores.inbox.eventsFor({ order: q.order, keys: deliveries.map((d) => d.eventId) });
  const byEvent = new Map<string, TraceDelivery[]>();
  for (const d of [...deliveries].sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1))) {
    byEvent.set(d.eventId, [...(byEvent.get(d.eventId) ?? []), d]);
  }
  const out: TraceEvent[] = events.map((e) => eventTrace(e, byEvent.get(e.key) ?? [], q));
  const seen = new Set(events.map((e) => e.key));
  for (const [key, ds] of byEvent) if (!seen.has(key)) out.push(orphan(key, ds));
  return { query: q, events: out, deliveryCount, truncated: deliveryCount > found.length };
}

function eventTrace(e: InboxEvent, deliveries: TraceDelivery[], q: TraceQuery): TraceEvent {
  const r = (e.result ?? {}) as ProcessResult;
  const sent: TraceDecision[] = (r.deliveries ?? []).map((d) => ({ emailType: d.emailType, recipient: d.recipient, decision: 'sent', deliveryId: d.id, esp: d.esp, plugin: d.plugin }));
  // A trace by email shows the decisions about that address: what was sent to it (its skips name a role, not an address).
  const mine = q.email === undefined ? sent : sent.filter((s) => deliveries.some((d) => d.id === s.deliveryId));
  const skipped: TraceDecision[] = Array.isArray(r.skipped)
    ? r.skipped.map((s) => ({ emailType: s.emailType, recipient: s.recipient, decision: 'skipped', reason: s.reason }))
    : [];
  const note = r.note ?? (typeof r.skipped === 'number' && r.skipped > 0 ? `${r.skipped} skipped (stored before reasons were kept)` : null);
  return {
    key: e.key,
    source: e.source,
    type: e.type,
    action: e.action,
    objectId: e.objectId,
    status: e.status,
    receivedAt: e.receivedAt,
    processedAt: e.processedAt,
    lastError: e.lastError,
    note,
    decisions: [...mine, ...(q.email === undefined ? skipped : [])],
    deliveries,
  };
}

function orphan(key: string, deliveries: TraceDelivery[]): TraceEvent {
  return {
    key,
    source: null,
    type: null,
    action: null,
    objectId: null,
    status: null,
    receivedAt: null,
    processedAt: null,
    lastError: null,
    note: 'not in the inbox (a hand-made send, or its record was removed)',
    decisions: deliveries.map((d) => ({ emailType: d.emailType, recipient: d.recipient, decision: 'sent', deliveryId: d.id, esp: d.esp, plugin: d.plugin })),
    deliveries,
  };
}

const time = (t: number | null) => (t === null ? '-' : new Date(t).toISOString().replace('.000Z', 'Z'));

/** The trace as a tree a person reads in a terminal. */
export function formatTrace(t: Trace): string {
  const what = t.query.order !== undefined ? `order ${t.query.order}` : t.query.email;
  const lines = [`trace of ${what}: ${t.events.length} event(s), ${t.deliveryCount} deliver${t.deliveryCount === 1 ? 'y' : 'ies'}${t.truncated ? ` (first ${MAX} shown)` : ''}`];
  if (t.events.length === 0) lines.push('  nothing stored for it');
  t.events.forEach((e, i) => {
    const last = i === t.events.length - 1;
    const [branch, pad] = last ? ['└─', '   '] : ['├─', '│  '];
    const head = e.type ? `${e.type} ${e.objectId} ${e.action} (${e.source}) · ${e.status} · received ${time(e.receivedAt)}` : `event ${e.key}`;
    lines.push(`${branch} ${head}`);
    if (e.note) lines.push(`${pad}   note: ${e.note}`);
    if (e.lastError) lines.push(`${pad}   error: ${e.lastError}`);
    for (const d of e.decisions) {
      if (d.decision === 'skipped') {
        lines.push(`${pad}   ✗ ${d.emailType} → ${d.recipient}: skipped — ${d.reason}`);
        continue;
      }
      const row = e.deliveries.find((x) => x.id === d.deliveryId);
      lines.push(`${pad}   ✓ ${d.emailType} → ${d.recipient}${row ? ` <${row.to}>` : ''} via ${d.esp}/${d.plugin}: ${row ? row.status : 'not stored'}${row?.deliveredAt ? ` at ${time(row.deliveredAt)}` : ''}`);
      for (const a of row?.attemptLog ?? []) {
        const code = a.status === null ? '' : `HTTP ${a.status}`;
        const answer = a.error ? (a.error.startsWith(code) ? a.error : `${code} ${a.error}`.trim()) : code;
        lines.push(`${pad}       attempt ${a.attempt} ${time(a.startedAt)} ${a.outcome}${answer ? ` — ${answer.slice(0, 200)}` : ''} (${a.durationMs} ms)`);
      }
    }
  });
  return lines.join('\n') + '\n';
}
