// Klaviyo emulator: POST /api/events, validated against the vendor's own OpenAPI schema.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsImport from 'ajv-formats';
import {
  EmulatorStateBase,
  header,
  isObject,
  parseJson,
  startEmulator,
  type EmulatorHandle,
  type EmulatorRequest,
  type EmulatorResponse,
} from '../common/server.ts';
import { SlidingWindowLimiter } from '../common/rate-limit.ts';

export interface KlaviyoEmulatorOptions {
  /** Private API keys accepted (default `['klaviyo-test-key']`). */
  apiKeys?: string[];
  burstPerSecond?: number;
  steadyPerMinute?: number;
  port?: number;
  /** false: keep only the event's identity (metric, email, unique_id), not its body — for long benchmarks. Default true. */
  recordBodies?: boolean;
}

export interface KlaviyoEventRecord {
  receivedAt: string;
  metric: string;
  email?: string;
  uniqueId?: string;
  time?: string;
  value?: number;
  properties: Record<string, unknown>;
  body: unknown;
}

const SCHEMA_URL = new URL('../../../shared/vendor/klaviyo/create_event.json', import.meta.url);
const REVISION = /^(\d{4})-(\d{2})-(\d{2})(\.[A-Za-z0-9_-]+)?$/;
const JSONAPI = 'application/vnd.api+json';
/** Media types Klaviyo takes: JSON:API, and plain JSON as its own SDK (klaviyo-api) sends it. */
const MEDIA_TYPES = new Set([JSONAPI, 'application/json']);

/**
 * The day Klaviyo stops serving a revision: two years after its release date (Klaviyo's API
 * versioning and deprecation policy); null for a malformed revision or a date that does not exist.
 */
export function revisionRetiresAt(revision: string): number | null {
  const m = REVISION.exec(revision);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const released = new Date(Date.UTC(y, mo - 1, d));
  if (released.getUTCFullYear() !== y || released.getUTCMonth() !== mo - 1 || released.getUTCDate() !== d) return null;
  return Date.UTC(y + 2, mo - 1, d);
}

let cachedValidator: ValidateFunction | undefined;

/** Compiles EventCreateQueryV2 from the vendor OpenAPI (read once per process). */
export function klaviyoEventValidator(): ValidateFunction {
  if (cachedValidator) return cachedValidator;
  const doc = JSON.parse(readFileSync(SCHEMA_URL, 'utf8')) as { components: { schemas: Record<string, unknown> } };
  const schemas = openApiToJsonSchema(doc.components.schemas) as Record<string, unknown>;
  const ajv = new Ajv({ strict: false, allErrors: false });
  const addFormats = addFormatsImport as unknown as (a: Ajv) => Ajv;
  addFormats(ajv);
  cachedValidator = ajv.compile({ $ref: '#/components/schemas/EventCreateQueryV2', components: { schemas } });
  return cachedValidator;
}

/** OpenAPI 3.0 `nullable: true` → JSON Schema `anyOf [schema, null]`; drops `example`. */
function openApiToJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(openApiToJsonSchema);
  if (!isObject(node)) return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === 'example' || k === 'nullable') continue;
    // `properties` maps names to schemas: convert each schema, keep the names.
    if (k === 'properties' && isObject(v) && !('type' in v && typeof v.type === 'string')) {
      out[k] = Object.fromEntries(Object.entries(v).map(([name, s]) => [name, openApiToJsonSchema(s)]));
    } else out[k] = openApiToJsonSchema(v);
  }
  if (node.nullable === true) return { anyOf: [out, { type: 'null' }] };
  return out;
}

export class KlaviyoState extends EmulatorStateBase {
  events: KlaviyoEventRecord[] = [];
  /** The unique_id of each event that came again (answered 202 and not recorded, as Klaviyo does). */
  repeatedIds: string[] = [];
  private seen = new Set<string>();
  apiKeys: Set<string>;
  burst: SlidingWindowLimiter;
  steady: SlidingWindowLimiter;

  constructor(opts: KlaviyoEmulatorOptions) {
    super();
    this.apiKeys = new Set(opts.apiKeys ?? ['klaviyo-test-key']);
    this.burst = new SlidingWindowLimiter(opts.burstPerSecond ?? 350, 1000);
    this.steady = new SlidingWindowLimiter(opts.steadyPerMinute ?? 3500, 60_000);
    this.recordBodies = opts.recordBodies ?? true;
  }

  readonly recordBodies: boolean;

  protected resetRecords(): void {
    this.events = [];
    this.repeatedIds = [];
    this.seen.clear();
    this.burst.clear();
    this.steady.clear();
  }

  records(): Record<string, unknown> {
    return { events: this.events, counters: this.counters };
  }

  override summary(): Record<string, unknown> {
    return { counters: this.counters, uniqueIds: this.events.map((e) => e.uniqueId ?? null) };
  }

  setLimits(l: Record<string, unknown>): Record<string, unknown> {
    if (typeof l.burstPerSecond === 'number' && l.burstPerSecond > 0) this.burst.limit = l.burstPerSecond;
    if (typeof l.steadyPerMinute === 'number' && l.steadyPerMinute > 0) this.steady.limit = l.steadyPerMinute;
    this.burst.clear();
    this.steady.clear();
    return { burstPerSecond: this.burst.limit, steadyPerMinute: this.steady.limit };
  }

  /** True when new; false when (email, metric, unique_id) was seen before. */
  remember(key: string): boolean {
    if (this.seen.has(key)) return false;
    this.seen.add(key);
    return true;
  }
}

function errors(status: number, code: string, title: string, detail: string, pointer?: string): EmulatorResponse {
  return {
    status,
    contentType: JSONAPI,
    body: { errors: [{ id: randomUUID(), status, code, title, detail, source: pointer === undefined ? {} : { pointer } }] },
  };
}

function schemaError(e: ErrorObject): EmulatorResponse {
  const pointer = e.instancePath || '/';
  const missing = e.keyword === 'required' ? `'${String((e.params as { missingProperty?: string }).missingProperty)}' is a required property` : undefined;
  return errors(400, 'invalid', 'Invalid input.', missing ?? `${pointer} ${e.message ?? 'is invalid'}`, `/data${pointer === '/' ? '' : pointer.replace(/^\/data/, '')}`);
}

export function handleKlaviyo(state: KlaviyoState, req: EmulatorRequest): EmulatorResponse {
  if (req.url.pathname !== '/api/events' && req.url.pathname !== '/api/events/') {
    return errors(404, 'not_found', 'Not found.', `No route for ${req.url.pathname}`);
  }
  if (req.method !== 'POST') return errors(405, 'method_not_allowed', 'Method not allowed.', `Method "${req.method}" not allowed.`);
  const auth = header(req, 'authorization') ?? '';
  const m = /^Klaviyo-API-Key (.+)$/.exec(auth);
  if (!m || !state.apiKeys.has(m[1].trim())) {
    return errors(401, 'not_authenticated', 'Authentication credentials were not provided.', 'Missing or invalid private key.');
  }
  const key = m[1].trim();
  const now = Date.now();
  const b = state.burst.tryAcquire(key, now);
  const s = b.ok ? state.steady.tryAcquire(key, now) : b;
  if (!b.ok || !s.ok) {
    const waitMs = !b.ok ? b.retryAfterMs : !s.ok ? s.retryAfterMs : 1000;
    const seconds = Math.max(1, Math.ceil(waitMs / 1000));
    const r = errors(429, 'throttled', 'Request was throttled.', `Request was throttled. Expected available in ${seconds} seconds.`);
    r.headers = { 'retry-after': String(seconds) };
    return r;
  }
  const revision = header(req, 'revision');
  if (!revision) return errors(400, 'invalid', 'Invalid input.', 'Missing required header "revision".', undefined);
  const retiresAt = revisionRetiresAt(revision);
  if (retiresAt === null) return errors(400, 'invalid', 'Invalid input.', `Invalid revision "${revision}": expected YYYY-MM-DD[.suffix].`);
  // Retired revisions: 410 as Klaviyo's revision notes say; the body's code and wording are a guess (docs/emulators.md).
  if (now >= retiresAt) {
    return errors(410, 'revision_retired', 'Revision retired.', `Revision ${revision} was retired on ${new Date(retiresAt).toISOString().slice(0, 10)}; use a current revision.`);
  }
  const ctype = (header(req, 'content-type') ?? '').split(';')[0].trim().toLowerCase();
  if (!MEDIA_TYPES.has(ctype)) return errors(415, 'unsupported_media_type', 'Unsupported media type.', `Unsupported media type "${ctype}" in request.`);
  const parsed = parseJson(req.rawBody);
  if (!parsed.ok) return errors(400, 'parse_error', 'Malformed request.', 'The request body is not valid JSON.');
  const validate = klaviyoEventValidator();
  if (!validate(parsed.value)) return schemaError(validate.errors![0]);
  const attrs = (parsed.value as { data: { attributes: Record<string, any> } }).data.attributes;
  const profile = (attrs.profile.data.attributes ?? {}) as Record<string, unknown>;
  const profileId = attrs.profile.data.id;
  const identifiers = ['email', 'phone_number', 'external_id', 'anonymous_id', '_kx'].filter((k) => typeof profile[k] === 'string' && profile[k] !== '');
  if (identifiers.length === 0 && !profileId) {
    return errors(400, 'invalid', 'Invalid input.', 'A profile identifier (id, email, phone_number, external_id…) is required.', '/data/attributes/profile/data/attributes');
  }
  const metric = String(attrs.metric.data.attributes.name);
  if (metric.length === 0 || metric.length >= 128) {
    return errors(400, 'invalid', 'Invalid input.', 'Metric name must be 1 to 127 characters.', '/data/attributes/metric/data/attributes/name');
  }
  const email = typeof profile.email === 'string' ? profile.email : undefined;
  const uniqueId = typeof attrs.unique_id === 'string' ? attrs.unique_id : undefined;
  if (uniqueId !== undefined) {
    const who = (email ?? (profile.phone_number as string | undefined) ?? profileId ?? '').toLowerCase();
    if (!state.remember(`${who}\u0000${metric}\u0000${uniqueId}`)) {
      state.counters.duplicates++;
      state.repeatedIds.push(uniqueId);
      return { status: 202 };
    }
  }
  state.events.push({
    receivedAt: new Date(now).toISOString(),
    metric,
    email,
    uniqueId,
    time: typeof attrs.time === 'string' ? attrs.time : undefined,
    value: typeof attrs.value === 'number' ? attrs.value : undefined,
    properties: state.recordBodies ? (attrs.properties as Record<string, unknown>) : {},
    body: state.recordBodies ? parsed.value : undefined,
  });
  return { status: 202 };
}

export async function startKlaviyoEmulator(opts: KlaviyoEmulatorOptions = {}): Promise<EmulatorHandle<KlaviyoState>> {
  klaviyoEventValidator(); // read and compile the schema at start-up, not per request
  const state = new KlaviyoState(opts);
  return startEmulator({
    state,
    port: opts.port,
    handle: (req) => handleKlaviyo(state, req),
    faultResponse: (spec) => {
      if (spec.mode === '429') {
        const r = errors(spec.status ?? 429, 'throttled', 'Request was throttled.', 'Request was throttled (injected fault).');
        r.headers = { 'retry-after': spec.retryAfter ?? '1' };
        return r;
      }
      const r = errors(spec.status ?? 503, 'error', 'A server error occurred.', 'Injected fault.');
      if (spec.retryAfter) r.headers = { 'retry-after': spec.retryAfter };
      return r;
    },
  });
}
