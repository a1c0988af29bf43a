// What every call to Voyado Engage shares (reference §1 AUTH, §3): where the API is, the headers it
// requires, how its error bodies read, and how an answer becomes a delivery outcome. Used by the
// email mapper, the sync planner, the transport and the promotions route, so each is said once.
import type { SendOutcome } from '../../delivery/types.ts';
import { DEFAULT_USER_AGENT, mapHttpResult, rawErrorText, tryJson, type HttpResult } from '../../delivery/http.ts';
import { REDACTED } from '../../config/secret.ts';

/** Engage's production host form is https://{tenant}.voyado.com (reference §1); a plugin sets its own `baseUrl`. */
export const DEFAULT_BASE_URL = 'https://tenant.voyado.com';

/** Engage wants a User-Agent of the form System/version on every call (reference §1): the bridge's one. */
export const USER_AGENT = DEFAULT_USER_AGENT;

export const baseUrlOf = (s: { baseUrl?: string }): string => s.baseUrl ?? DEFAULT_BASE_URL;

/** The headers of a stored request: the key as "[redacted]" (added at send time), JSON both ways (mandatory on every call, GET too). */
export const storedHeaders = (): Record<string, string> => ({ apikey: REDACTED, 'Content-Type': 'application/json', Accept: 'application/json', 'User-Agent': USER_AGENT });

/** The headers of a call made now, with the key. */
export const liveHeaders = (apiKey: string): Record<string, string> => ({ apikey: apiKey, 'content-type': 'application/json', accept: 'application/json', 'user-agent': USER_AGENT });

/** Voyado's error body (shape unconfirmed, reference §3) → "errorCode: message". */
export function voyadoErrorText(body: string, status: number): string {
  const j = tryJson(body) as { errorCode?: string; message?: string; Message?: string } | undefined;
  if (!j || typeof j !== 'object') return rawErrorText(body, status);
  const message = j.message ?? j.Message;
  if (!j.errorCode && !message) return rawErrorText(body, status);
  return `HTTP ${status} ${j.errorCode ?? 'error'}: ${message ?? ''}`.trim();
}

/** Pure: one HTTP result → the outcome of a Voyado call (orders 202, triggers 200, receipts 201). */
export function mapVoyadoResult(result: HttpResult, now: Date, secrets: readonly string[] = []): SendOutcome {
  return mapHttpResult(result, { now, secrets, errorText: voyadoErrorText });
}

/** A step that sent nothing which could act twice (a lookup, a read, a write a retry looks for first): never ambiguous. */
export function notAmbiguous(o: SendOutcome): SendOutcome {
  if (o.kind === 'transient') delete o.ambiguous;
  return o;
}
