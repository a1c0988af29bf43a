// Readable validation errors: one line per problem, naming the path of the bad field and,
// where it helps, the value that was given.
import type { z } from 'zod';

/** Input that is well-formed but cannot be acted on (an invalid config or snapshot, an unknown store): 422 at the HTTP edge. */
export class InputError extends Error {
  constructor(
    readonly what: string,
    readonly problems: string[],
  ) {
    super(`${what}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'InputError';
  }
}

/** The request itself is malformed (a body or parameter that does not parse): 400. */
export class RequestError extends InputError {
  override name = 'RequestError';
}

/** The request lacks valid credentials (a token, a signature): 401. */
export class UnauthorizedError extends Error {
  override name = 'UnauthorizedError';
}

/** What the request names does not exist (an order Centra does not have, an unknown delivery): 404. */
export class NotFoundError extends Error {
  override name = 'NotFoundError';
}

/** The thing exists but cannot be acted on now (a delivery in flight): 409. */
export class ConflictError extends Error {
  override name = 'ConflictError';
}

/** Our own store or a dependency cannot take the request now; the caller should retry: 503. */
export class UnavailableError extends Error {
  override name = 'UnavailableError';
}

/** A dependency answered, but not usably (Centra rejected our query): 502. */
export class UpstreamError extends Error {
  override name = 'UpstreamError';
}

function pathOf(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out || '(top level)';
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let v: any = raw;
  for (const p of path) v = v == null ? undefined : v[p as any];
  return v;
}

function shown(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? 'nothing' : s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

export function describeIssues(error: z.ZodError, raw?: unknown): string[] {
  return error.issues.map((issue) => {
    const at = pathOf(issue.path);
    if (issue.code === 'unrecognized_keys') return `${at}: unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    const given = raw === undefined ? undefined : valueAt(raw, issue.path);
    if (issue.code === 'invalid_union' || issue.code === 'invalid_value') return `${at}: ${issue.message} (got ${shown(given)})`;
    return `${at}: ${issue.message}`;
  });
}
