// Errors as typed results, mapped to HTTP status in one place.
import type { FastifyReply } from 'fastify';
import { redactString } from '../delivery/redact.ts';
import { ConflictError, InputError, NotFoundError, RequestError, UnauthorizedError, UnavailableError, UpstreamError } from '../config/errors.ts';

export type ApiErrorKind = 'bad_request' | 'unauthorized' | 'forbidden' | 'not_found' | 'conflict' | 'too_large' | 'too_many_requests' | 'unprocessable' | 'bad_gateway' | 'unavailable' | 'internal';

export interface ApiError {
  kind: ApiErrorKind;
  message: string;
  problems?: string[];
}

export type ApiResult<T = unknown> = { ok: true; status?: 200 | 202; body: T } | { ok: false; error: ApiError };

export const STATUS_OF: Record<ApiErrorKind, number> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  too_many_requests: 429,
  unprocessable: 422,
  bad_gateway: 502,
  unavailable: 503,
  internal: 500,
};

export const ok = <T>(body: T, status: 200 | 202 = 200): ApiResult<T> => ({ ok: true, status, body });
export const fail = (kind: ApiErrorKind, message: string, problems?: string[]): ApiResult<never> => ({ ok: false, error: { kind, message, ...(problems ? { problems } : {}) } });

export function send(reply: FastifyReply, result: ApiResult): FastifyReply {
  if (result.ok) return reply.code(result.status ?? 200).send(result.body);
  const { kind, message, problems } = result.error;
  // An error may quote a vendor's answer: every configured secret is scrubbed from what is said.
  return reply.code(STATUS_OF[kind]).send({ error: redactString(message), ...(problems ? { problems: problems.map(redactString) } : {}) });
}

/** fastify's own errors (body too large, bad JSON, unsupported media type) carry a 4xx statusCode. */
export function kindOfStatus(status: number): ApiErrorKind {
  if (status === 413) return 'too_large';
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 429) return 'too_many_requests';
  if (status >= 400 && status < 500) return 'bad_request';
  return 'internal';
}

/** A use case's typed error → its result; null for anything else (a bug: the caller answers 500). */
export function resultOfError(err: unknown): ApiResult | null {
  if (err instanceof RequestError) return fail('bad_request', err.what, err.problems.length ? err.problems : undefined);
  if (err instanceof InputError) return fail('unprocessable', err.what, err.problems);
  if (err instanceof UnauthorizedError) return fail('unauthorized', err.message);
  if (err instanceof NotFoundError) return fail('not_found', err.message);
  if (err instanceof ConflictError) return fail('conflict', err.message);
  if (err instanceof UpstreamError) return fail('bad_gateway', err.message);
  if (err instanceof UnavailableError) return fail('unavailable', err.message);
  return null;
}
