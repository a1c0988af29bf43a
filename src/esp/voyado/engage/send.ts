// Sending an Engage sync delivery (contact upsert, receipt, promotion redeem) or an order email that
// carries a contact directive: the contact first (ensure-contact.ts), then the call itself.
import type { DeliveryKind, PlannedDelivery, SendOutcome } from '../../../delivery/types.ts';
import { mapVoyadoResult, notAmbiguous } from '../api.ts';
import type { ContactDirective } from './contact-type.ts';
import type { ContactClient, EngageCall } from './contacts.ts';
import { ensureContact } from './ensure-contact.ts';

/** The delivery kinds the Engage sync plans (the module's `syncKinds`). */
export const SYNC_KINDS = ['engage_contact', 'engage_receipt', 'engage_redeem'] as const;
export type SyncKind = (typeof SYNC_KINDS)[number];
export const isSyncKind = (k: DeliveryKind): k is SyncKind => (SYNC_KINDS as readonly string[]).includes(k);

/** What one send has at hand: the bound call, the contact client, and a lock per email for contact steps. */
export interface SendContext {
  call: EngageCall;
  contacts: ContactClient;
  secrets: readonly string[];
  /** Runs a contact step alone for this email in this process (two events of one customer must not both create it). */
  contactStep<T>(email: string, fn: () => Promise<T>): Promise<T>;
}

/** Receipts (uniqueReceiptId), redeems (409 PromotionAlreadyRedeemed) and contact steps (look before write) are harmless to repeat. */
const repeatable = (kind: DeliveryKind) => kind === 'engage_receipt' || kind === 'engage_redeem';

export async function sendSync(delivery: PlannedDelivery, directive: ContactDirective | null, ctx: SendContext): Promise<SendOutcome> {
  const r = delivery.request;
  const kind = delivery.emailType;
  const email = directive?.attributes.email ?? '';
  if (kind === 'engage_contact') {
    if (!directive) return { kind: 'permanent', error: 'contact upsert without its directive' };
    const step = await ctx.contactStep(email, () => ensureContact(ctx.contacts, directive, r.body as Record<string, unknown>));
    return step.ok ? { kind: 'delivered', status: 200, detail: `${step.note} (${step.id})` } : notAmbiguous(step.outcome);
  }
  let note = '';
  let body = r.body;
  if (directive) {
    const step = await ctx.contactStep(email, () => ensureContact(ctx.contacts, directive));
    if (!step.ok) return notAmbiguous(step.outcome);
    note = `${step.note} (${step.id})`;
    // A receipt goes to the very contact just ensured (a carried contactId may be stale; an email may match several).
    if (kind === 'engage_receipt' && body && typeof body === 'object') body = { ...(body as Record<string, unknown>), contact: { matchKey: step.id, matchKeyType: 'ContactId' } };
  }
  const res = await ctx.call(r.method, r.url, body);
  if (kind === 'engage_redeem' && res.kind === 'response' && res.status === 409 && /PromotionAlreadyRedeemed/.test(res.body)) {
    // Redeemed already (by an earlier attempt of this delivery whose answer was lost): the goal is reached.
    return { kind: 'delivered', status: 409, detail: 'PromotionAlreadyRedeemed: already redeemed' };
  }
  const outcome = mapVoyadoResult(res, new Date(), ctx.secrets);
  const final = repeatable(kind) ? notAmbiguous(outcome) : outcome;
  if (!note) return final;
  return final.kind === 'delivered' ? { ...final, detail: note } : { ...final, error: `${final.error} (${note})` };
}
