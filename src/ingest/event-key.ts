// The dedupe key of an inbox event: the same Centra event, however it arrives, is stored once.

/** `type:id:action:date`, for webhook, queue and direct events alike. */
export function eventKeyOf(e: { type: string; id: number | string; action: string; date: string }): string {
  return `${e.type}:${e.id}:${e.action}:${e.date}`;
}

/** A hand-made send: every request is its own event. */
export function manualEventKey(e: { type: string; id: number | string }, requestId: string): string {
  return `${e.type}:${e.id}:manual:${requestId}`;
}
