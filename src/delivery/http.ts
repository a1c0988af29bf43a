// The HTTP exchange every ESP transport makes, ESP-neutral: node:http(s) with a keep-alive
// agent, a timeout joined to the caller's signal, and a record of whether the request had
// been sent in full when it failed (then the ESP may have acted on it: ambiguous).
import http from 'node:http';
import https from 'node:https';
import type { SendOutcome } from './types.ts';
import { parseRetryAfter } from './retry-after.ts';

export type HttpResult =
  | { kind: 'response'; status: number; headers: Record<string, string | undefined>; body: string }
  | { kind: 'failure'; error: string; timedOut: boolean; requestSent: boolean };

export interface HttpAgents {
  http: http.Agent;
  https: https.Agent;
}

export function createAgents(): HttpAgents {
  return {
    http: new http.Agent({ keepAlive: true, maxSockets: 64 }),
    https: new https.Agent({ keepAlive: true, maxSockets: 64 }),
  };
}

const MAX_BODY = 64 * 1024;

export function httpExchange(
  req: { method: string; url: string; headers: Record<string, string>; body?: string },
  opts: { timeoutMs: number; signal?: AbortSignal; agents: HttpAgents },
): Promise<HttpResult> {
  return new Promise((resolve) => {
    let settled = false;
    let requestSent = false;
    let timedOut = false;
    const done = (r: HttpResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      resolve(r);
    };
    let url: URL;
    try {
      url = new URL(req.url);
    } catch {
      return done({ kind: 'failure', error: 'invalid url', timedOut: false, requestSent: false });
    }
    const isHttps = url.protocol === 'https:';
    const headers: Record<string, string> = { ...req.headers };
    if (req.body !== undefined) headers['content-length'] = String(Buffer.byteLength(req.body));
    const cr = (isHttps ? https : http).request(url, {
      method: req.method,
      headers,
      agent: isHttps ? opts.agents.https : opts.agents.http,
    });
    const fail = (err: Error) =>
      done({ kind: 'failure', error: timedOut ? `timeout after ${opts.timeoutMs} ms` : describe(err), timedOut, requestSent });
    const timer = setTimeout(() => {
      timedOut = true;
      cr.destroy(new Error('timeout'));
    }, opts.timeoutMs);
    const onAbort = () => cr.destroy(new Error('aborted'));
    if (opts.signal?.aborted) {
      clearTimeout(timer);
      return done({ kind: 'failure', error: 'aborted', timedOut: false, requestSent: false });
    }
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    cr.on('finish', () => {
      requestSent = true;
    });
    cr.on('error', fail);
    cr.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        if (size < MAX_BODY) chunks.push(c);
        size += c.length;
      });
      res.on('error', fail);
      res.on('aborted', () => fail(new Error('response aborted')));
      res.on('end', () => {
        const h: Record<string, string | undefined> = {};
        for (const [k, v] of Object.entries(res.headers)) h[k] = Array.isArray(v) ? v.join(', ') : v;
        done({ kind: 'response', status: res.statusCode ?? 0, headers: h, body: Buffer.concat(chunks).toString('utf8').slice(0, MAX_BODY) });
      });
    });
    cr.end(req.body);
  });
}

function describe(err: Error): string {
  const code = (err as NodeJS.ErrnoException).code;
  return code ? `${code}: ${err.message}` : err.message;
}

/** Removes every secret from a text and cuts it to ~1 KB. */
export function scrub(text: string, secrets: readonly string[], max = 1024): string {
  let out = text;
  for (const s of secrets) if (s) out = out.split(s).join('[redacted]');
  return out.length > max ? `${out.slice(0, max)}…` : out;
}

/**
 * The ESP-neutral part of the outcome mapping: 2xx delivered, 429 transient with the wait,
 * 5xx / network transient, failure after the request was sent ambiguous, other 4xx permanent.
 * `errorText` pulls the ESP's error message out of a response body.
 */
export function mapHttpResult(
  result: HttpResult,
  ctx: { now: Date; secrets: readonly string[]; errorText: (body: string, status: number) => string },
): SendOutcome {
  if (result.kind === 'failure') {
    const out: SendOutcome = { kind: 'transient', error: scrub(result.error, ctx.secrets) };
    if (result.requestSent) out.ambiguous = true;
    return out;
  }
  const { status } = result;
  if (status >= 200 && status < 300) return { kind: 'delivered', status };
  const error = scrub(ctx.errorText(result.body, status), ctx.secrets);
  if (status === 429) {
    const ra = result.headers['retry-after'];
    const retryAfterMs = ra === undefined ? undefined : parseRetryAfter(ra, ctx.now, result.headers['date']);
    return retryAfterMs === undefined ? { kind: 'transient', status, error } : { kind: 'transient', status, error, retryAfterMs };
  }
  if (status >= 500 || status === 408) {
    const ra = result.headers['retry-after'];
    const retryAfterMs = ra === undefined ? undefined : parseRetryAfter(ra, ctx.now, result.headers['date']);
    return retryAfterMs === undefined ? { kind: 'transient', status, error } : { kind: 'transient', status, error, retryAfterMs };
  }
  return { kind: 'permanent', status, error };
}

/** The body as text, or a status line when it is empty. */
export function rawErrorText(body: string, status: number): string {
  return body.trim() === '' ? `HTTP ${status}` : `HTTP ${status}: ${body}`;
}

export function tryJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

/** Copies headers, dropping any (case-insensitive) named in `drop`. */
export function withoutHeaders(headers: Record<string, string>, drop: readonly string[]): Record<string, string> {
  const lower = drop.map((d) => d.toLowerCase());
  return Object.fromEntries(Object.entries(headers).filter(([k]) => !lower.includes(k.toLowerCase())));
}

export interface TransportOptions {
  /** The plugin's secrets; `apiKey` is required, ESP-specific extras ride along. */
  credentials(pluginName: string): { apiKey: string; [extra: string]: unknown };
  /** Per request (default 10 000 ms). */
  timeoutMs?: number;
  userAgent?: string;
}

export const DEFAULT_USER_AGENT = 'centra-esp-bridge/0.1.0';
