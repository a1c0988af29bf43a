// Sends webhook events as Centra's webhook plugin does: up to 100 events per form-encoded,
// signed POST; waits up to the timeout; retries at most 3 times with increasing delays, then
// drops the batch and moves on.
import { encodeWebhookBody, signWebhook } from '../../src/centra/webhook.ts';

export interface WebhookSenderOptions {
  url: string;
  /** Endpoint secret; without it no X-Centra-Signature is sent. */
  secret?: string;
  batchSize?: number;
  timeoutMs?: number;
  retries?: number;
  retryDelaysMs?: number[];
  fetchImpl?: typeof fetch;
  /** Called for each batch dropped after the last retry. */
  onDrop?: (batch: SendableEvent[], lastError: string) => void;
  /** Clock for the signature's t (seconds); default now. */
  nowSec?: () => number;
}

export interface SendableEvent {
  type: string;
  action: string;
  id: number | string;
  date: string;
}

export interface SendStats {
  batches: number;
  delivered: number;
  retried: number;
  dropped: number;
  /** Events in dropped batches. */
  droppedEvents: number;
  attempts: number;
}

export interface WebhookSender {
  send(events: readonly SendableEvent[]): Promise<SendStats>;
  readonly stats: SendStats;
}

export function createWebhookSender(opts: WebhookSenderOptions): WebhookSender {
  const batchSize = Math.max(1, opts.batchSize ?? 100);
  const timeoutMs = opts.timeoutMs ?? 5000;
  const retries = opts.retries ?? 3;
  const delays = opts.retryDelaysMs ?? [1000, 5000, 15000];
  const fetchImpl = opts.fetchImpl ?? fetch;
  const nowSec = opts.nowSec ?? (() => Math.floor(Date.now() / 1000));
  const total: SendStats = { batches: 0, delivered: 0, retried: 0, dropped: 0, droppedEvents: 0, attempts: 0 };

  async function attempt(body: string): Promise<string | null> {
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    // Signed per attempt: a retry carries a fresh timestamp.
    if (opts.secret) headers['x-centra-signature'] = signWebhook(body, opts.secret, nowSec());
    try {
      const res = await fetchImpl(opts.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(timeoutMs) });
      await res.arrayBuffer().catch(() => undefined);
      return res.status >= 200 && res.status < 300 ? null : `HTTP ${res.status}`;
    } catch (err) {
      const e = err as Error;
      return e.name === 'TimeoutError' || e.name === 'AbortError' ? `no answer within ${timeoutMs} ms` : e.message;
    }
  }

  async function send(events: readonly SendableEvent[]): Promise<SendStats> {
    const run: SendStats = { batches: 0, delivered: 0, retried: 0, dropped: 0, droppedEvents: 0, attempts: 0 };
    for (let i = 0; i < events.length; i += batchSize) {
      const batch = events.slice(i, i + batchSize);
      const body = encodeWebhookBody(batch);
      run.batches++;
      let error: string | null = null;
      for (let n = 0; n <= retries; n++) {
        if (n > 0) {
          run.retried++;
          await new Promise((r) => setTimeout(r, delays[Math.min(n - 1, delays.length - 1)] ?? 0));
        }
        run.attempts++;
        error = await attempt(body);
        if (error === null) break;
      }
      if (error === null) run.delivered++;
      else {
        run.dropped++;
        run.droppedEvents += batch.length;
        opts.onDrop?.([...batch], error);
      }
    }
    for (const k of Object.keys(total) as (keyof SendStats)[]) total[k] += run[k];
    return run;
  }

  return { send, stats: total };
}
