// Defensive redaction before anything is stored or logged. The pipeline already strips
// secrets; this is the second lock on the door.
export const REDACTED = '[redacted]';

/** Keys whose values are secrets wherever they appear (header names and JSON body keys), any case. */
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
