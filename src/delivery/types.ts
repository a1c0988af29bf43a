// What the pipeline hands to delivery, and what a transport answers. Nothing here knows an ESP.
import type { EmailType, Recipient } from '../emails/catalog.ts';

/** An email type, or a kind of sync operation an ESP module plans (its `syncKinds`). */
export type DeliveryKind = EmailType | (string & {});

/** An HTTP request as stored in the outbox: no secrets in it (the transport adds them at send time). */
export interface OutgoingRequest {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  /** JSON body; for smtp: { from, to, subject, html, text, attachments }. */
  body: unknown;
}

/** One email to one recipient through one ESP plugin: the unit the outbox stores and sends. */
export interface PlannedDelivery {
  /** Stable idempotency key: the same Centra event always yields the same id. */
  id: string;
  /** The email, or a sync operation of the ESP. */
  emailType: DeliveryKind;
  recipient: Recipient;
  to: string;
  /** Name of the plugin in the config (`fallback` for smtp). */
  plugin: string;
  /** The ESP module's name, or the fallback's (src/esp/modules.ts CHANNEL_NAMES). */
  esp: string;
  request: OutgoingRequest;
  /** Planned for a plugin or store in shadow mode: stored with status `shadow`, never sent. */
  shadow?: boolean;
}

/** Reported for every email that is not sent, with the reason. */
export interface SkippedEmail {
  emailType: EmailType;
  recipient: Recipient;
  reason: string;
}

/** What a plan's deliveries are about, stored on each (search by order, trace). */
export interface PlanSubject {
  /** The order number, or null when the subject belongs to no order (buyer, customer). */
  orderNumber: string | null;
  /** The object the event came from, e.g. "shipment-12" (the subject's stable name). */
  object: string;
}

export interface Plan {
  deliveries: PlannedDelivery[];
  skipped: SkippedEmail[];
  subject: PlanSubject;
}

/** What one attempt to send a delivery came to. */
export type SendOutcome =
  | { kind: 'delivered'; status: number; detail?: string }
  /** Worth another try: 5xx, 429, timeout, connection error. `ambiguous` = the request may have reached the ESP. */
  | { kind: 'transient'; status?: number; error: string; retryAfterMs?: number; ambiguous?: boolean }
  /** Never retried: a 4xx other than 429, or a request the ESP can never accept. */
  | { kind: 'permanent'; status?: number; error: string };

/** Sends one stored delivery to its ESP. One per ESP; secrets come from the config, never from the record. */
export interface Transport {
  readonly esp: string;
  send(delivery: PlannedDelivery, signal: AbortSignal): Promise<SendOutcome>;
}
