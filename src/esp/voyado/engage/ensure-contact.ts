// The contact a delivery needs, at send time: found (the contactId the customer carries → the one
// remembered for the customer → the one cached for the email → a lookup by email), created when
// missing, promoted when its type ranks below what the delivery needs (never demoted), its
// attributes written on a contact upsert, and its id remembered per Centra customer. Every step
// looks before it writes, so a repeat after a timeout is harmless (docs/engage.md).
import type { ContactDirective } from './contact-type.ts';
import type { ContactClient, Step } from './contacts.ts';

/** Where a contact id came from; only a remembered or cached one is forgotten when Engage no longer knows it. */
export type ContactSource = 'carried' | 'remembered' | 'cached' | 'lookup' | 'created';

const SOURCE_NOTE: Record<ContactSource, string> = {
  carried: "contact the customer's Engage contactId",
  remembered: 'contact remembered for the customer',
  cached: 'contact cached for the email',
  lookup: 'contact found',
  created: 'contact created',
};

export type EnsuredContact = Step<{ id: string; source: ContactSource; note: string }>;

function rankOf(d: ContactDirective, type: string | null): number {
  if (!d.ranks || !type) return 0;
  return d.ranks.findIndex((h) => h.toLowerCase() === type.toLowerCase()) + 1;
}

/**
 * Makes sure the directive's contact exists (and, with minRank, ranks high enough). With `upsert`,
 * the contact's attributes are also written (create, or update of the existing one).
 */
export async function ensureContact(contacts: ContactClient, d: ContactDirective, upsert?: Record<string, unknown>): Promise<EnsuredContact> {
  const email = (d.attributes.email ?? '').trim();
  const needsCheck = upsert !== undefined || (d.minRank ?? 0) > 0;
  const linked = d.customerId !== undefined ? await contacts.remembered(d.customerId) : null;
  const cached = email ? contacts.cached(email) : undefined;
  const candidates: { id: string; source: ContactSource }[] = [];
  if (d.contactId) candidates.push({ id: d.contactId, source: 'carried' });
  if (linked) candidates.push({ id: linked.contactId, source: 'remembered' });
  if (cached) candidates.push({ id: cached, source: 'cached' });

  let found: { id: string; source: ContactSource; note: string } | null = null;
  for (const c of candidates) {
    if (!needsCheck) {
      found = { ...c, note: SOURCE_NOTE[c.source] };
      break;
    }
    const read = await contacts.read(c.id);
    if (!read.ok) return read;
    if (!read.found) {
      // Merged or deleted in Engage: forget it and try the next source.
      if (c.source === 'remembered' && d.customerId !== undefined) await contacts.forget(d.customerId);
      if (c.source === 'cached') contacts.uncache(email);
      continue;
    }
    const r = await finish(contacts, d, c.id, read.type, upsert);
    if (!r.ok) return r;
    found = { ...c, note: `${SOURCE_NOTE[c.source]}${r.note}` };
    break;
  }
  if (!found) {
    if (!email) return { ok: false, outcome: { kind: 'permanent', error: 'no email to find or create the contact with' } };
    const l = await contacts.lookup(email);
    if (!l.ok) return l;
    const note = l.multiple ? `multiple contacts match ${email}; used the first, ${l.id}` : SOURCE_NOTE.lookup;
    if (l.id === null) {
      const made = await contacts.create(upsert ?? d.attributes, { contactType: d.type, source: d.source, storeExternalId: d.storeExternalId });
      if (!made.ok) return made;
      found = { id: made.id, source: 'created', note: `${SOURCE_NOTE.created} (${d.type})` };
    } else if (needsCheck) {
      const read = await contacts.read(l.id);
      if (!read.ok) return read;
      const r = await finish(contacts, d, l.id, read.found ? read.type : null, upsert);
      if (!r.ok) return r;
      found = { id: l.id, source: 'lookup', note: `${note}${r.note}` };
    } else found = { id: l.id, source: 'lookup', note };
  }
  if (email) contacts.cache(email, found.id);
  if (d.customerId !== undefined) await contacts.remember(d.customerId, email, found.id, d.type);
  return { ok: true, ...found };
}

/** Promotes (never demotes) and, for an upsert, writes the attributes of an existing contact. */
async function finish(contacts: ContactClient, d: ContactDirective, id: string, type: string | null, upsert?: Record<string, unknown>): Promise<Step<{ note: string }>> {
  const promote = (d.minRank ?? 0) > 0 && type !== null && rankOf(d, type) < (d.minRank ?? 0);
  const { contactType: _ignored, ...attrs } = upsert ?? {};
  const body: Record<string, unknown> = upsert ? attrs : {};
  if (promote) body.contactType = d.type;
  if (Object.keys(body).length === 0) return { ok: true, note: '' };
  const u = await contacts.update(id, body);
  if (!u.ok) return u;
  if (!u.found) return { ok: false, outcome: { kind: 'transient', error: `contact ${id} vanished during the update` } };
  return { ok: true, note: promote ? `; promoted ${type} → ${d.type}` : upsert ? '; updated' : '' };
}
