// Rule transport: puts the real key into the body's `apikey` (stored as "[redacted]"), or
// sends it as `Authorization: Bearer` when the stored body has none, and maps the answer.
import type { PlannedDelivery, SendOutcome, Transport } from '../../delivery/types.ts';
import {
  createAgents,
  httpExchange,
  mapHttpResult,
  rawErrorText,
  scrub,
  tryJson,
  withoutHeaders,
  type HttpResult,
  type TransportOptions,
} from '../../delivery/http.ts';
import { ruleBodyProblem } from './field-groups.ts';

/** Rule's `{error, message, fields}` → "error: message (fields)". */
export function ruleErrorText(body: string, status: number): string {
  const j = tryJson(body) as { error?: string; message?: string; fields?: unknown } | undefined;
  if (!j || typeof j !== 'object' || (!j.error && !j.message)) return rawErrorText(body, status);
  const fields = j.fields ? ` ${JSON.stringify(j.fields)}` : '';
  return `HTTP ${status} ${j.error ?? 'error'}: ${j.message ?? ''}${fields}`.trim();
}

/**
 * Pure: one HTTP result → the outcome of a Rule delivery. A 200 whose body carries `error`
 * is a failure (as Rule's WooCommerce plugin reads it): permanent.
 */
export function mapRuleResult(result: HttpResult, now: Date, secrets: readonly string[] = []): SendOutcome {
  if (result.kind === 'response' && result.status >= 200 && result.status < 300) {
    const j = tryJson(result.body) as { error?: unknown } | undefined;
    if (j && typeof j === 'object' && j.error) return { kind: 'permanent', status: result.status, error: scrub(ruleErrorText(result.body, result.status), secrets) };
  }
  return mapHttpResult(result, { now, secrets, errorText: ruleErrorText });
}

export function createRuleTransport(opts: TransportOptions): Transport {
  const agents = createAgents();
  const timeoutMs = opts.timeoutMs ?? 10_000;
  return {
    esp: 'rule',
    async send(delivery: PlannedDelivery, signal: AbortSignal): Promise<SendOutcome> {
      const { apiKey } = opts.credentials(delivery.plugin);
      const r = delivery.request;
      // What Rule would refuse (or take without firing the automation) is a dead letter with the reason, never sent.
      const problem = ruleBodyProblem(r.body);
      if (problem) return { kind: 'permanent', error: `refused before sending: ${problem}` };
      const headers: Record<string, string> = withoutHeaders(r.headers, ['authorization', 'content-length']);
      let body = r.body;
      if (body && typeof body === 'object' && !Array.isArray(body) && 'apikey' in body) {
        body = { ...(body as Record<string, unknown>), apikey: apiKey };
      } else {
        headers.authorization = `Bearer ${apiKey}`;
      }
      if (!Object.keys(headers).some((k) => k.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
      const result = await httpExchange(
        { method: r.method, url: r.url, headers, body: body === undefined ? undefined : JSON.stringify(body) },
        { timeoutMs, signal, agents },
      );
      return mapRuleResult(result, new Date(), [apiKey]);
    },
  };
}
