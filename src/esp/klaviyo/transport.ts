// Klaviyo transport: adds `Authorization: Klaviyo-API-Key <key>` at send time and maps the answer.
import type { PlannedDelivery, SendOutcome, Transport } from '../../delivery/types.ts';
import {
  createAgents,
  httpExchange,
  mapHttpResult,
  rawErrorText,
  tryJson,
  withoutHeaders,
  type HttpResult,
  type TransportOptions,
} from '../../delivery/http.ts';

export type { TransportOptions } from '../../delivery/http.ts';

/** Klaviyo's error envelope → "code: detail" of its first error. */
export function klaviyoErrorText(body: string, status: number): string {
  const j = tryJson(body) as { errors?: Array<{ code?: string; title?: string; detail?: string }> } | undefined;
  const e = j?.errors?.[0];
  if (!e) return rawErrorText(body, status);
  return `HTTP ${status} ${e.code ?? 'error'}: ${e.detail ?? e.title ?? ''}`.trim();
}

/** Pure: one HTTP result → the outcome of a Klaviyo delivery (202 = accepted). */
export function mapKlaviyoResult(result: HttpResult, now: Date, secrets: readonly string[] = []): SendOutcome {
  return mapHttpResult(result, { now, secrets, errorText: klaviyoErrorText });
}

export function createKlaviyoTransport(opts: TransportOptions): Transport {
  const agents = createAgents();
  const timeoutMs = opts.timeoutMs ?? 10_000;
  return {
    esp: 'klaviyo',
    async send(delivery: PlannedDelivery, signal: AbortSignal): Promise<SendOutcome> {
      const { apiKey } = opts.credentials(delivery.plugin);
      const r = delivery.request;
      const headers: Record<string, string> = {
        ...withoutHeaders(r.headers, ['authorization', 'content-length']),
        authorization: `Klaviyo-API-Key ${apiKey}`,
      };
      if (!Object.keys(headers).some((k) => k.toLowerCase() === 'content-type')) headers['content-type'] = 'application/vnd.api+json';
      if (!Object.keys(headers).some((k) => k.toLowerCase() === 'accept')) headers['accept'] = 'application/vnd.api+json';
      const result = await httpExchange(
        { method: r.method, url: r.url, headers, body: r.body === undefined ? undefined : JSON.stringify(r.body) },
        { timeoutMs, signal, agents },
      );
      return mapKlaviyoResult(result, new Date(), [apiKey]);
    },
  };
}
