// Which Engage contact type a Centra customer gets under the plugin's sync mode (seed 000), and the
// directive an order email carries so that the transport creates a missing contact first. Pure.
import type { Customer, Order } from '../../../domain/types.ts';
import type { EmailIntent } from '../../../emails/intent.ts';
import { orderOf } from '../../../domain/event.ts';
import type { EngageSettings } from './settings.ts';

export type ContactRole = 'member' | 'newsletter' | 'transactional';

/** The customer facts the modes look at. */
export type CustomerFacts = Pick<Customer, 'isRegistered' | 'newsletter' | 'espContactId'>;

/** Whether the mode makes this customer a Member (mode off: nobody). */
function isMemberUnder(e: Pick<EngageSettings, 'syncContacts'>, c: CustomerFacts): boolean {
  switch (e.syncContacts) {
    case 'all':
      return true;
    case 'registered':
      return c.isRegistered;
    case 'engage_id':
      return !!c.espContactId;
    case 'off':
      return false;
  }
}

/** Member; else Contact for a newsletter subscriber (toggle on); else a transactional contact. */
export function contactRole(e: Pick<EngageSettings, 'syncContacts' | 'newsletterAsContact'>, c: CustomerFacts): ContactRole {
  if (isMemberUnder(e, c)) return 'member';
  if (e.newsletterAsContact && c.newsletter) return 'newsletter';
  return 'transactional';
}

export function contactTypeHandle(e: EngageSettings, role: ContactRole): string {
  return role === 'member' ? e.memberContactType : role === 'newsletter' ? e.newsletterContactType : e.transactionalContactType;
}

/** Header carrying bridge-to-transport instructions; the transport removes it before sending. */
export const ENGAGE_DIRECTIVE_HEADER = 'x-engage-contact';

/** What the transport needs to find, create or update the contact of a delivery. */
export interface ContactDirective {
  /** Contact type to create when no contact has this email. */
  type: string;
  /** Rank the contact must reach (1 transactional, 2 Contact, 3 Member); a lower existing type is promoted. */
  minRank?: number;
  /** Rank table of this plugin's type handles: [transactional, newsletter, member]. */
  ranks?: [string, string, string];
  /** Centra customer id, when known: the contactId is remembered per customer. */
  customerId?: number;
  /** An Engage contactId the customer already carries (engage_id mode). */
  contactId?: string;
  storeExternalId?: string;
  source?: string;
  /** Attributes for a contact the transport creates (email, firstName, lastName, countryCode). */
  attributes: Record<string, string>;
}

export function directiveHeader(d: ContactDirective): Record<string, string> {
  return { [ENGAGE_DIRECTIVE_HEADER]: JSON.stringify(d) };
}

export function parseDirective(headers: Record<string, string>): ContactDirective | null {
  const raw = Object.entries(headers).find(([k]) => k.toLowerCase() === ENGAGE_DIRECTIVE_HEADER)?.[1];
  if (!raw) return null;
  try {
    const d = JSON.parse(raw) as ContactDirective;
    return d && typeof d.type === 'string' && d.attributes && typeof d.attributes === 'object' ? d : null;
  } catch {
    return null;
  }
}

export function contactAttributes(email: string, c: Pick<Customer, 'firstName' | 'lastName' | 'billingAddress'> | null, order?: Order | null): Record<string, string> {
  const a: Record<string, string> = { email };
  const first = c?.firstName || order?.billingAddress.firstName || '';
  const last = c?.lastName || order?.billingAddress.lastName || '';
  const country = c?.billingAddress.country?.code || order?.billingAddress.country?.code || '';
  if (first) a.firstName = first;
  if (last) a.lastName = last;
  if (country) a.countryCode = country;
  return a;
}

/**
 * For a DTC order email (confirmation, shipped, returned, cancelled) through a plugin with a contact
 * sync mode: create the recipient as a contact of its mode's type when Engage has none, then send.
 */
export function ensureContactDirective(
  intent: EmailIntent,
  s: { engage: EngageSettings; storeExternalId: string },
  storeIdOf: (order: Pick<Order, 'market'>, s: { storeExternalId: string }) => string,
): Record<string, string> | null {
  const e = s.engage;
  if (e.syncContacts === 'off' || intent.storeKind !== 'dtc' || intent.recipient !== 'customer') return null;
  const order = orderOf(intent.subject);
  if (!order) return null;
  const c = order.customer;
  const facts: CustomerFacts = c ?? { isRegistered: false, newsletter: false, espContactId: null };
  const role = contactRole(e, facts);
  return directiveHeader({
    type: contactTypeHandle(e, role),
    ...(c ? { customerId: c.id } : {}),
    ...(c?.espContactId ? { contactId: c.espContactId } : {}),
    storeExternalId: storeIdOf(order, s),
    source: e.source,
    attributes: contactAttributes(intent.to, c, order),
  });
}
