// Defensive redaction before anything is stored or logged. The pipeline already strips
// secrets; this is the second lock on the door. Stored requests are redacted where their ESP
// says its secrets sit (redactRequest); logs by well-known key names at any depth (redactSecrets).
import type { OutgoingRequest } from './types.ts';

export const REDACTED = '[redacted]';

/** Where an ESP's secrets sit in its requests: header names (any case), query parameters, body paths ("apikey", "auth.key"). */
export interface SecretPaths {
  headers?: readonly string[];
  query?: readonly string[];
  body?: readonly string[];
}

/** Keys whose values are treated as secrets at any depth in log lines, any case. */
export const SECRET_KEYS: ReadonlySet<string> = new Set([
  'authorization',
  'apikey',
  'api_key',
  'x-api-key',
  'password',
  'token',
]);

const SCHEME_SECRET = /\b(Klaviyo-API-Key|Bearer|Basic)\s+[^\s"',;]+/gi;
const QUERY_SECRET = /([?&](?:apikey|api_key|token|password)=)[^&#\s"']+/gi;

export function redactString(s: string): string {
  return s.replace(SCHEME_SECRET, `$1 ${REDACTED}`).replace(QUERY_SECRET, `$1${REDACTED}`);
}

/** Returns a redacted deep copy; the input is not modified. */
export function redactSecrets<T>(value: T): T {
  return redact(value, 0) as T;
}

function redact(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return redactString(value);
  if (value === null || typeof value !== 'object' || depth > 64) return value;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  if (value instanceof Error) {
    return { name: value.name, message: redactString(value.message), stack: value.stack && redactString(value.stack) };
  }
  if (Buffer.isBuffer(value) || value instanceof Uint8Array || value instanceof Date) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    out[k] = SECRET_KEYS.has(k.toLowerCase()) && v !== null && v !== undefined && v !== '' ? REDACTED : redact(v, depth + 1);
  }
  return out;
}

/**
 * A copy of a request with the ESP's secret places redacted, and credential schemes (Bearer …)
 * scrubbed from every header value. Body fields elsewhere are the payload and stay as they are.
 */
export function redactRequest(request: OutgoingRequest, paths: SecretPaths): OutgoingRequest {
  const secretHeaders = new Set((paths.headers ?? []).map((h) => h.toLowerCase()));
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(request.headers)) headers[k] = secretHeaders.has(k.toLowerCase()) && v ? REDACTED : redactString(v);
  let url = request.url;
  if (paths.query?.length) {
    const names = paths.query.map((q) => q.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
    url = url.replace(new RegExp(`([?&](?:${names})=)[^&#]*`, 'gi'), `$1${REDACTED}`);
  }
  let body = request.body;
  for (const path of paths.body ?? []) body = redactPath(body, path.split('.'));
  return { ...request, url, headers, body };
}

function redactPath(value: unknown, path: string[]): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redactPath(v, path));
  const [head, ...rest] = path;
  const obj = value as Record<string, unknown>;
  if (!(head in obj)) return value;
  const v = obj[head];
  if (rest.length === 0) return v === null || v === undefined || v === '' ? value : { ...obj, [head]: REDACTED };
  return { ...obj, [head]: redactPath(v, rest) };
}
