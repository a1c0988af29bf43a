// Shared plumbing of the ESP emulators: a node:http server on loopback, body reading,
// fault injection, the /__control API and counters. Each emulator supplies its own routes.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { FaultInjector, type FaultSpec } from './faults.ts';

export interface EmulatorCounters {
  /** Every request that is not a control request. */
  requests: number;
  status429: number;
  duplicates: number;
  faultsInjected: number;
  /** Responses by status code. */
  byStatus: Record<string, number>;
}

export interface EmulatorRequest {
  method: string;
  url: URL;
  headers: http.IncomingHttpHeaders;
  rawBody: Buffer;
}

export interface EmulatorResponse {
  status: number;
  headers?: Record<string, string>;
  /** A string is sent as-is; anything else (but undefined) as JSON. */
  body?: unknown;
  contentType?: string;
}

/** What every emulator's state object offers; the emulators extend it with their records. */
export abstract class EmulatorStateBase {
  counters: EmulatorCounters = newCounters();
  readonly faults = new FaultInjector();
  /** Clears records, counters and faults; limits stay as they are. */
  reset(): void {
    this.counters = newCounters();
    this.faults.clear();
    this.resetRecords();
  }
  protected abstract resetRecords(): void;
  /** Everything accepted, plus the counters: what GET /__control/records answers. */
  abstract records(): Record<string, unknown>;
  /** Counts (and, where small, ids) of what was accepted: GET /__control/summary, for benchmarks. */
  summary(): Record<string, unknown> {
    return { counters: this.counters };
  }
  /** Changes rate limits at run time; unknown keys are ignored. */
  abstract setLimits(limits: Record<string, unknown>): Record<string, unknown>;
}

function newCounters(): EmulatorCounters {
  return { requests: 0, status429: 0, duplicates: 0, faultsInjected: 0, byStatus: {} };
}

export interface EmulatorHandle<S> {
  url: string;
  port: number;
  state: S;
  close(): Promise<void>;
}

export interface EmulatorDefinition<S extends EmulatorStateBase> {
  state: S;
  /** Answers one ordinary (non-control) request. */
  handle(req: EmulatorRequest): EmulatorResponse | Promise<EmulatorResponse>;
  /** The answer to an injected 5xx / 429 fault, in the ESP's own shape. */
  faultResponse(spec: FaultSpec, now: Date): EmulatorResponse;
  /** Extra control routes (path after /__control/). */
  control?(name: string, method: string, body: unknown): EmulatorResponse | undefined;
  host?: string;
  port?: number;
  /** Largest body accepted (bytes); larger → 413. */
  maxBodyBytes?: number;
}

export async function startEmulator<S extends EmulatorStateBase>(def: EmulatorDefinition<S>): Promise<EmulatorHandle<S>> {
  const { state } = def;
  const maxBody = def.maxBodyBytes ?? 10 * 1024 * 1024;

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > maxBody) tooLarge = true;
      else chunks.push(c);
    });
    req.on('error', () => res.destroy());
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://emulator.local');
      const request: EmulatorRequest = { method: req.method ?? 'GET', url, headers: req.headers, rawBody: Buffer.concat(chunks) };
      if (url.pathname.startsWith('/__control/')) {
        write(res, controlRoute(def, request));
        return;
      }
      state.counters.requests++;
      if (tooLarge) return answer(res, { status: 413, body: { error: 'PayloadTooLarge' } });
      const fault = state.faults.take(Date.now());
      if (fault) {
        state.counters.faultsInjected++;
        // The body has been read in full: the client has sent its request, so a hang or a
        // drop here is the ambiguous case (the ESP may have acted on it).
        if (fault.mode === 'hang' || fault.mode === 'drop') {
          if (fault.afterProcessing) {
            try {
              void Promise.resolve(def.handle(request)).catch(() => undefined);
            } catch {
              // the request was refused; it still gets no answer
            }
          }
          if (fault.mode === 'drop') req.socket.destroy();
          return; // hang: never answered; the client's timeout closes the socket
        }
        return answer(res, def.faultResponse(fault, new Date()));
      }
      let out: EmulatorResponse | Promise<EmulatorResponse>;
      try {
        out = def.handle(request);
      } catch (err) {
        out = { status: 500, body: { error: 'EmulatorBug', message: String(err) } };
      }
      if (out instanceof Promise) out.then((r) => answer(res, r), (err) => answer(res, { status: 500, body: { error: 'EmulatorBug', message: String(err) } }));
      else answer(res, out);
    });
  });
  server.keepAliveTimeout = 30_000;

  function answer(res: http.ServerResponse, r: EmulatorResponse): void {
    state.counters.byStatus[r.status] = (state.counters.byStatus[r.status] ?? 0) + 1;
    if (r.status === 429) state.counters.status429++;
    write(res, r);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(def.port ?? 0, def.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${def.host ?? '127.0.0.1'}:${port}`,
    port,
    state,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function write(res: http.ServerResponse, r: EmulatorResponse): void {
  if (res.destroyed) return;
  const headers: Record<string, string> = { ...(r.headers ?? {}) };
  let payload: string | undefined;
  if (typeof r.body === 'string') {
    payload = r.body;
    headers['content-type'] ??= r.contentType ?? 'text/plain; charset=utf-8';
  } else if (r.body !== undefined) {
    payload = JSON.stringify(r.body);
    headers['content-type'] ??= r.contentType ?? 'application/json; charset=utf-8';
  }
  headers['content-length'] = String(payload === undefined ? 0 : Buffer.byteLength(payload));
  res.writeHead(r.status, headers);
  res.end(payload);
}

function controlRoute<S extends EmulatorStateBase>(def: EmulatorDefinition<S>, req: EmulatorRequest): EmulatorResponse {
  const name = req.url.pathname.slice('/__control/'.length);
  let body: unknown;
  if (req.rawBody.length > 0) {
    try {
      body = JSON.parse(req.rawBody.toString('utf8'));
    } catch {
      return { status: 400, body: { error: 'control body is not JSON' } };
    }
  }
  const { state } = def;
  if (name === 'faults' && req.method === 'POST') {
    try {
      return { status: 200, body: { fault: state.faults.set(body as FaultSpec) } };
    } catch (err) {
      return { status: 400, body: { error: (err as Error).message } };
    }
  }
  if (name === 'faults' && req.method === 'DELETE') {
    state.faults.clear();
    return { status: 200, body: { fault: null } };
  }
  if (name === 'faults' && req.method === 'GET') return { status: 200, body: { fault: state.faults.current() ?? null } };
  if (name === 'records' && req.method === 'GET') return { status: 200, body: state.records() };
  if (name === 'summary' && req.method === 'GET') return { status: 200, body: state.summary() };
  if (name === 'reset' && req.method === 'POST') {
    state.reset();
    return { status: 200, body: { ok: true } };
  }
  if (name === 'limits' && req.method === 'POST') {
    if (!body || typeof body !== 'object') return { status: 400, body: { error: 'limits must be an object' } };
    return { status: 200, body: { limits: state.setLimits(body as Record<string, unknown>) } };
  }
  const extra = def.control?.(name, req.method, body);
  return extra ?? { status: 404, body: { error: `no control route ${req.method} /__control/${name}` } };
}

/** Parses a JSON body; undefined when it is not JSON. */
export function parseJson(raw: Buffer): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(raw.toString('utf8')) };
  } catch {
    return { ok: false };
  }
}

export function header(req: EmulatorRequest, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
