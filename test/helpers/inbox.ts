// Shared bits of the inbox tests (both engines): what the webhook route stores for a body Centra sends.
import assert from 'node:assert/strict';
import { encodeWebhookBody, parseWebhookBody } from '../../src/centra/webhook.ts';
import type { StoredCall } from '../../src/storage/inbox.ts';

export const DATE = '2024-03-04 10:00:00.000000';

/** The stored call the webhook route makes of these events. */
export function callOf(events: { type: string; action: string; id: number; date: string }[], receivedAt = 1_000): StoredCall {
  const parsed = parseWebhookBody(encodeWebhookBody(events));
  assert.ok(parsed.ok, 'the test body parses');
  return { source: 'webhook', receivedAt, payload: parsed.payload, count: parsed.events.length };
}
