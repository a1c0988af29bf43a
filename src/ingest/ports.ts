// What the source stage hands its events to: the pipeline and outbox behind it (src/app/bridge.ts
// implements it). The ingest use cases depend on this port, never on the composition root.
import type { CentraEvent } from '../centra/event-schema.ts';
import type { SkippedEmail } from '../delivery/types.ts';

/** What planning one event and storing its deliveries came to. */
export interface SubmitResult {
  eventKey: string;
  deliveries: { id: string; emailType: string; recipient: string; esp: string; plugin: string }[];
  inserted: number;
  duplicates: number;
  skipped: SkippedEmail[];
  /** The order the event is about (null: buyer, customer) and the object it came from, e.g. "shipment-12". */
  orderNumber: string | null;
  object: string;
}

export interface EventSink {
  /** Plans an event and stores its deliveries (before any is tried), under its inbox key. */
  submit(event: CentraEvent, eventKey?: string): Promise<SubmitResult>;
}
