// Defensive redaction before anything is stored, served or logged. The pipeline already strips
// secrets; this is the second lock on the door. Stored requests are redacted where their ESP
// says its secrets sit (redactRequest); logs by well-known key names at any depth (redactSecrets);
// and every text by the VALUES of the secrets this process resolved (registerSecret: the config's
// secrets register themselves as they are resolved), whatever shape a vendor echoes them in.
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

/** Shorter values are not scrubbed from texts (they would match innocent words); no real credential is this short. */
export const MIN_SECRET_CHARS = 6;
const knownSecrets = new Set<string>();
let secretPattern: RegExp | null = null;

/** Every text redacted from now on has this value (and its URL-encoded form) scrubbed wherever it appears. */
export function registerSecret(value: string): void {
  if (typeof value !== 'string' || value.length < MIN_SECRET_CHARS) return;
  const forms = [value, encodeURIComponent(value), JSON.stringify(value).slice(1, -1)];
  let added = false;
  for (const f of forms) {
    if (f.length < MIN_SECRET_CHARS || knownSecrets.has(f)) continue;
    knownSecrets.add(f);
    added = true;
  }
  if (!added) return;
  // Longest first, so that a secret containing another is scrubbed whole.
  const escaped = [...knownSecrets].sort((a, b) => b.length - a.length).map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  secretPattern = new RegExp(escaped.join('|'), 'g');
}

/** How many secret values are registered (tests). */
export function registeredSecretCount(): number {
  return knownSecrets.size;
}

export function redactString(s: string): string {
  const out = s.replace(SCHEME_SECRET, `$1 ${REDACTED}`).replace(QUERY_SECRET, `$1${REDACTED}`);
  return secretPattern ? out.replace(secretPattern, REDACTED) : out;
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
