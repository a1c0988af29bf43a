// An email intent: one email type to one recipient, with the data it is about. Decided before
// any ESP is chosen; every mapper reads it.
import type { EventRef, RoutingFacts, Subject } from '../domain/event.ts';
import type { StoreKind } from '../domain/types.ts';
import type { EmailType, Recipient } from './catalog.ts';

export interface EmailIntent {
  /** Stable idempotency key of this (email, recipient). */
  key: string;
  emailType: EmailType;
  recipient: Recipient;
  to: string;
  storeId: number;
  storeKind: StoreKind;
  subject: Subject;
  event: EventRef;
  /** Cancel reason, shipment note or the invoice's custom message ('' when none). */
  message: string;
  /** The set-password or password-restore link ('' when none). */
  link: string;
  routing: RoutingFacts;
}
