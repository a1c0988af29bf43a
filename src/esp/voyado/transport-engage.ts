// Engage sync at send time: find the contact (known contactId → remembered id → lookup by email),
// create it when missing, promote it when its type ranks below what the delivery needs (never
// demote), update its attributes on a contact upsert, and remember its id per Centra customer.
// Every step looks before it writes, so a repeat after a timeout is harmless (docs/engage.md).
import type { SendOutcome } from '../../delivery/types.ts';
import { scrub, tryJson, type HttpResult } from '../../delivery/http.ts';
import type { ContactDirective } from '../../engage/contact-type.ts';
import type { EngageContactMap } from '../../storage/contacts.ts';
import type { ContactIdCache } from './transport-contacts.ts';

export type Call = (method: 'GET' | 'POST', url: string, body: unknown) => Promise<HttpResult>;

export interface EngageStepContext {
  base: string;
  plugin: string;
  call: Call;
  secrets: readonly string[];
  cache: ContactIdCache;
  contacts: EngageContactMap | null;
  /** Maps a non-2xx / failed exchange to an outcome (the transport's mapVoyadoResult). */
  outcomeOf: (r: HttpResult) => SendOutcome;
  errorText: (body: string, status: number) => string;
}

export type ContactResult = { id: string; note: string } | { outcome: SendOutcome };

/** A failed step sent nothing that could fire twice: a retry looks again first, so never ambiguous. */
function stepFailure(ctx: EngageStepContext, r: HttpResult, what: string): { outcome: SendOutcome } {
  const o = ctx.outcomeOf(r);
  if (o.kind === 'transient') delete o.ambiguous;
  if (o.kind === 'delivered') return { outcome: { kind: 'transient', status: o.status, error: `${what}: unexpected answer` } };
  return { outcome: { ...o, error: `${what}: ${o.error}` } };
}

const ok = (r: HttpResult) => r.kind === 'response' && r.status >= 200 && r.status < 300;
const is = (r: HttpResult, status: number) => r.kind === 'response' && r.status === status;

function rankOf(d: ContactDirective, type: string | null): number {
  if (!d.ranks || !type) return 0;
  const i = d.ranks.findIndex((h) => h.toLowerCase() === type.toLowerCase());
  return i + 1;
}

/** GET /api/v3/contacts/{id}: its type (meta.contactType, assumed), or missing. */
async function readContact(ctx: EngageStepContext, id: string): Promise<{ type: string | null } | { missing: true } | { outcome: SendOutcome }> {
  const r = await ctx.call('GET', `${ctx.base}/api/v3/contacts/${encodeURIComponent(id)}`, undefined);
  if (is(r, 404)) return { missing: true };
  if (!ok(r) || r.kind !== 'response') return stepFailure(ctx, r, 'reading contact');
  const j = tryJson(r.body) as { contactType?: unknown; meta?: { contactType?: unknown } } | undefined;
  const t = j?.meta?.contactType ?? j?.contactType;
  return { type: typeof t === 'string' ? t : null };
}

/** GET /api/v3/contacts/id?email=: the id (first of several), null when none, or an outcome. */
async function lookup(ctx: EngageStepContext, email: string): Promise<{ id: string | null; note: string } | { outcome: SendOutcome }> {
  const r = await ctx.call('GET', `${ctx.base}/api/v3/contacts/id?email=${encodeURIComponent(email)}`, undefined);
  if (is(r, 404)) return { id: null, note: 'no contact' };
  if (r.kind === 'response' && r.status === 200) {
    const id = tryJson(r.body);
    if (typeof id === 'string' && id) return { id, note: 'contact found' };
    return { outcome: { kind: 'transient', status: 200, error: 'contact lookup answered without an id' } };
  }
  if (r.kind === 'response' && r.status === 409) {
    const j = tryJson(r.body) as { messageDetails?: { multipleMatchesFound?: unknown[] } } | undefined;
    const first = j?.messageDetails?.multipleMatchesFound?.[0];
    if (typeof first === 'string' && first) return { id: first, note: `multiple contacts match; used the first, ${first}` };
    return { outcome: { kind: 'permanent', status: 409, error: scrub(ctx.errorText(r.body, 409), ctx.secrets) } };
  }
  return stepFailure(ctx, r, 'looking up contact');
}

async function create(ctx: EngageStepContext, d: ContactDirective, body: Record<string, unknown>): Promise<ContactResult> {
  const q = new URLSearchParams();
  if (d.source) q.set('source', d.source);
  if (d.storeExternalId) q.set('storeExternalId', d.storeExternalId);
  const r = await ctx.call('POST', `${ctx.base}/api/v3/contacts${q.size ? `?${q}` : ''}`, { ...body, contactType: d.type });
  if (ok(r) && r.kind === 'response') {
    const id = (tryJson(r.body) as { id?: unknown } | undefined)?.id;
    if (typeof id === 'string' && id) return { id, note: `contact created (${d.type})` };
    return { outcome: { kind: 'transient', status: r.status, error: 'contact creation answered without an id' } };
  }
  return stepFailure(ctx, r, 'creating contact');
}

async function update(ctx: EngageStepContext, id: string, body: Record<string, unknown>): Promise<{ ok: true } | { missing: true } | { outcome: SendOutcome }> {
  const r = await ctx.call('POST', `${ctx.base}/api/v2/contacts/${encodeURIComponent(id)}`, body);
  if (is(r, 404)) return { missing: true };
  if (ok(r)) return { ok: true };
  return stepFailure(ctx, r, 'updating contact');
}

/**
 * Makes sure the directive's contact exists (and, with minRank, ranks high enough). With `upsert`,
 * the contact's attributes are also written (create, or update of the existing one).
 */
export async function ensureContact(ctx: EngageStepContext, d: ContactDirective, upsert?: Record<string, unknown>): Promise<ContactResult> {
  const email = (d.attributes.email ?? '').trim();
  const emailKey = email.toLowerCase();
  const linked = d.customerId !== undefined && ctx.contacts ? await ctx.contacts.byCustomer(ctx.plugin, d.customerId) : null;
  const candidates: { id: string; from: string }[] = [];
  if (d.contactId) candidates.push({ id: d.contactId, from: 'the customer\'s Engage contactId' });
  if (linked) candidates.push({ id: linked.contactId, from: 'remembered for the customer' });
  const cached = emailKey ? ctx.cache.get(emailKey) : undefined;
  if (cached) candidates.push({ id: cached, from: 'cached for the email' });
  const needsCheck = upsert !== undefined || (d.minRank ?? 0) > 0;

  let found: { id: string; note: string } | null = null;
  for (const c of candidates) {
    if (!needsCheck) {
      found = { id: c.id, note: `contact ${c.from}` };
      break;
    }
    const read = await readContact(ctx, c.id);
    if ('outcome' in read) return read;
    if ('missing' in read) {
      // Merged or deleted in Engage: forget it and try the next source.
      if (c.from.startsWith('remembered') && d.customerId !== undefined) await ctx.contacts?.forget(ctx.plugin, d.customerId);
      if (c.from.startsWith('cached')) ctx.cache.delete(emailKey);
      continue;
    }
    const r = await finish(ctx, d, c.id, read.type, upsert);
    if ('outcome' in r) return r;
    found = { id: c.id, note: `contact ${c.from}${r.note}` };
    break;
  }
  if (!found) {
    if (!email) return { outcome: { kind: 'permanent', error: 'no email to find or create the contact with' } };
    const l = await lookup(ctx, email);
    if ('outcome' in l) return l;
    if (l.id === null) {
      const made = await create(ctx, d, upsert ?? d.attributes);
      if ('outcome' in made) return made;
      found = made;
    } else if (needsCheck) {
      const read = await readContact(ctx, l.id);
      if ('outcome' in read) return read;
      const type = 'missing' in read ? null : read.type;
      const r = await finish(ctx, d, l.id, type, upsert);
      if ('outcome' in r) return r;
      found = { id: l.id, note: `${l.note}${r.note}` };
    } else found = { id: l.id, note: l.note };
  }
  if (emailKey) ctx.cache.set(emailKey, found.id);
  if (d.customerId !== undefined && ctx.contacts) {
    await ctx.contacts.put({ plugin: ctx.plugin, customerId: d.customerId, email: emailKey, contactId: found.id, contactType: d.type });
  }
  return found;
}

/** Promotes (never demotes) and, for an upsert, writes the attributes of an existing contact. */
async function finish(ctx: EngageStepContext, d: ContactDirective, id: string, type: string | null, upsert?: Record<string, unknown>): Promise<{ note: string } | { outcome: SendOutcome }> {
  const promote = (d.minRank ?? 0) > 0 && type !== null && rankOf(d, type) < (d.minRank ?? 0);
  const { contactType: _ignored, ...attrs } = upsert ?? {};
  const body: Record<string, unknown> = upsert ? attrs : {};
  if (promote) body.contactType = d.type;
  if (Object.keys(body).length === 0) return { note: '' };
  const u = await update(ctx, id, body);
  if ('outcome' in u) return u;
  if ('missing' in u) return { outcome: { kind: 'transient', error: `contact ${id} vanished during the update` } };
  return { note: promote ? `; promoted ${type} → ${d.type}` : upsert ? '; updated' : '' };
}
