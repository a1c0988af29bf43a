// Client for Centra's Integration API (GraphQL): fetches the object behind an event and maps
// Centra's response to the snapshot shape of event-schema.ts (one mapping function per type).
import { UnavailableError, UpstreamError } from '../config/errors.ts';
import type {
  CentraAccount,
  CentraAddress,
  CentraBuyerObject,
  CentraCustomerObject,
  CentraInvoice,
  CentraOrder,
  CentraOrderLine,
  CentraReturn,
  CentraShipment,
} from './event-schema.ts';
import type {
  AccountFieldsFragment,
  AccountSnapshotQuery,
  AddrFragment,
  AttrsFragment,
  BuyerFieldsFragment,
  BuyerSnapshotQuery,
  CustomerFieldsFragment,
  CustomerSnapshotQuery,
  InvoiceSnapshotQuery,
  LineImagesFragment,
  MoneyFragment,
  OrderFieldsFragment,
  OrderLineFieldsFragment,
  OrderSnapshotQuery,
  ReturnSnapshotQuery,
  ShipmentSnapshotQuery,
} from './generated/results.ts';
import { imageAlias, mediaSizeVariables, SNAPSHOT_KINDS, snapshotNested, snapshotRoot, snapshotsQuery, snapshotVariables, type SnapshotKind } from './queries.ts';

/** Centra could not be reached or asked us to back off: retry later. */
export class CentraUnavailableError extends UnavailableError {
  override readonly name = 'CentraUnavailableError';
  constructor(
    message: string,
    readonly status?: number,
    /** From Retry-After (delta seconds, an HTTP date, or a unix timestamp in seconds or milliseconds). */
    readonly retryAfterMs?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Centra answered, but the query failed (GraphQL errors, 4xx): retrying will not help. */
export class CentraQueryError extends UpstreamError {
  override readonly name = 'CentraQueryError';
  constructor(
    message: string,
    readonly status?: number,
    readonly errors: { message: string; path?: unknown; extensions?: unknown }[] = [],
  ) {
    super(message);
  }
}

/**
 * Centra's answer lost this object among others of its batch and the batch spent its extra requests
 * before telling them apart: it may be fine, so it is asked for again later (not failed, not a Centra outage).
 */
export class CentraUnsettledError extends UpstreamError {
  override readonly name = 'CentraUnsettledError';
}

export type SnapshotType = SnapshotKind;
export interface SnapshotRef {
  type: SnapshotType;
  id: number | string;
}

/** What `account` events fetch: the account, its store and the ids of its buyers. No email is about an account. */
/** Account has no published store field: `store` is its first buyer's store (null without buyers). */
export type CentraAccountObject = CentraAccount & { store: { id: number; name?: string | null; type: 'WHOLESALE' | 'DIRECT_TO_CONSUMER' } | null; buyers: { id: number }[] };

export interface SnapshotByType {
  order: CentraOrder;
  shipment: CentraShipment;
  return: CentraReturn;
  customer: CentraCustomerObject;
  buyer: CentraBuyerObject;
  invoice: CentraInvoice;
  account: CentraAccountObject;
}

/** Runs one GraphQL operation and returns `data`; throws the typed errors above. */
export type GraphqlExecutor = <T = any>(query: string, variables?: Record<string, unknown>) => Promise<T>;

/**
 * What every Integration API request waits for before it goes out: Centra's quota as the client
 * holds it (src/centra/quota.ts), or any implementation sharing the quota more widely (a store).
 */
export interface CentraGate {
  acquire(signal?: AbortSignal): Promise<void>;
}

/**
 * A complexity gate paid after each answer, in points (on PostgreSQL: shared through the store by
 * every process, src/centra/shared-complexity-gate.ts): a request goes out once it admitted it, and
 * its ticket is settled exactly once, with the answer's complexity.
 */
export interface PostPaidComplexityGate {
  admit(signal?: AbortSignal): Promise<ComplexityTicket>;
}

export interface ComplexityTicket {
  /** The answer's `extensions.complexity`; undefined when no answer told it (network, timeout, 429, 5xx, not JSON). */
  settle(points: number | undefined): void;
}

/** Complexity points one acquire of a complexity gate stands for (CentraClientOptions.complexityGate). */
export const COMPLEXITY_POINTS_PER_TOKEN = 100;

/** Objects asked for in one request when nothing else is configured (docs/centra.md §2, batching). */
export const DEFAULT_SNAPSHOT_BATCH = 100;

export interface CentraClientOptions {
  /** The GraphQL endpoint, e.g. https://brand.centra.com/graphql. */
  url: string;
  token: string;
  timeoutMs?: number;
  fetchImpl?: typeof fetch;
  /** Waited for before every request (default: none). One per process, shared by every caller of Centra. */
  gate?: CentraGate;
  /**
   * Centra's complexity buckets. A CentraGate (the process's own, src/centra/quota.ts): each
   * answer's `extensions.complexity` is paid here, one acquire per COMPLEXITY_POINTS_PER_TOKEN
   * points, before the next request goes out (a query's complexity is known once Centra has answered
   * it; one request's worth is the most the client can be behind). A PostPaidComplexityGate (shared
   * on PostgreSQL): admitted before each request, settled with its answer's complexity.
   */
  complexityGate?: CentraGate | PostPaidComplexityGate;
  /** Most objects asked for in one request by fetchSnapshots (default 100). */
  batchSize?: number;
  /**
   * The size names of the product image asked for on order lines: every plugin's `imageSize`
   * (app/image-sizes.ts). Default ["standard"], the size Centra's examples ask for.
   */
  imageSizes?: readonly string[];
  now?: () => number;
}

/** A snapshot fetched in a batch: the object, null (Centra has no such object), or why this one could not be taken. */
export type SnapshotResult = SnapshotByType[SnapshotType] | null | Error;

export interface CentraClient {
  execute: GraphqlExecutor;
  fetchSnapshot<K extends SnapshotType>(ref: { type: K; id: number | string }): Promise<SnapshotByType[K] | null>;
  /**
   * Fetches many objects with as few requests as the batch size allows: the refs are deduplicated,
   * grouped by type and asked for with Centra's list filters, several types in one document. The
   * answer is keyed by `snapshotKey`. A GraphQL error concerning one object is that ref's Error alone
   * (attributed by its path, else found by bisecting the request); Centra unavailable (network, timeout,
   * 429, 5xx) or an HTTP 4xx throws for the whole call (every ref in it shares the fate).
   */
  fetchSnapshots(refs: readonly SnapshotRef[]): Promise<Map<string, SnapshotResult>>;
  /** Requests sent (each one waited for the gate). */
  readonly requests: number;
}

const INT32_MAX = 2 ** 31 - 1;

/** `type:id` — the key fetchSnapshots answers by (the order number for orders, as Centra's events carry it). */
export const snapshotKey = (ref: SnapshotRef): string => `${ref.type}:${String(ref.id)}`;

/** What Centra's answer holds under each kind's root field (generated from the queries). */
interface RawByType {
  order: OrderSnapshotQuery['orders'][number];
  shipment: ShipmentSnapshotQuery['shipments'][number];
  return: ReturnSnapshotQuery['returns'][number];
  customer: CustomerSnapshotQuery['customers'][number];
  buyer: BuyerSnapshotQuery['buyerAccounts'][number]['buyers'][number];
  invoice: InvoiceSnapshotQuery['invoices'][number];
  account: AccountSnapshotQuery['accounts'][number];
}

type Mappers = { [K in SnapshotType]: (raw: RawByType[K], imageSizes: readonly string[]) => SnapshotByType[K] };
const MAPPERS: Mappers = {
  order: mapOrder,
  shipment: mapShipment,
  return: mapReturn,
  customer: mapCustomerObject,
  buyer: mapBuyerObject,
  invoice: mapInvoice,
  account: mapAccountObject,
};

/** The key Centra's answer carries for an object of a type: the order number, else the id. */
const keyOf = (type: SnapshotType, raw: RawByType[SnapshotType]): string => String(Number(type === 'order' ? (raw as RawByType['order']).number : (raw as { id: number | string }).id));

export function createCentraClient(opts: CentraClientOptions): CentraClient {
  const { url, token } = opts;
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const fetchImpl = opts.fetchImpl ?? fetch;
  const batchSize = Math.max(1, Math.floor(opts.batchSize ?? DEFAULT_SNAPSHOT_BATCH));
  const now = opts.now ?? Date.now;
  const imageSizes = opts.imageSizes?.length ? [...new Set(opts.imageSizes)] : DEFAULT_IMAGE_SIZES;
  let requests = 0;
  // After a 429, nobody in the process asks again before Centra's Retry-After.
  let blockedUntil = 0;
  // The complexity of the answers so far, still to be paid to the complexity gate.
  let complexityOwed: Promise<void> = Promise.resolve();

  const postPaid = opts.complexityGate && 'admit' in opts.complexityGate ? opts.complexityGate : undefined;
  const prePaid = opts.complexityGate && 'acquire' in opts.complexityGate ? opts.complexityGate : undefined;

  function owe(points: unknown): void {
    const gate = prePaid;
    const tokens = Math.ceil(Number(points) / COMPLEXITY_POINTS_PER_TOKEN);
    if (!gate || !(tokens > 0)) return;
    complexityOwed = complexityOwed.then(async () => {
      for (let i = 0; i < tokens; i++) await gate.acquire();
    });
  }

  /**
   * Waits for the complexity gates, then the request gate (last: a shared request token is to be
   * used soon after its grant), then Centra's Retry-After. The post-paid ticket, if any, is the caller's to settle.
   */
  async function admit(): Promise<ComplexityTicket | undefined> {
    await complexityOwed;
    const ticket = await postPaid?.admit();
    try {
      await opts.gate?.acquire();
      const wait = blockedUntil - now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    } catch (err) {
      ticket?.settle(0);
      throw err;
    }
    return ticket;
  }

  /**
   * One request. Throws CentraUnavailableError (network, timeout, 429, 5xx, a 2xx body that is not
   * JSON) and CentraQueryError (a 4xx body that is not JSON); anything else is returned, errors and all.
   */
  async function send(query: string, variables: Record<string, unknown> | undefined): Promise<{ status: number; body: any }> {
    const ticket = await admit();
    let complexity: number | undefined;
    try {
      const answer = await sendAdmitted(query, variables);
      complexity = typeof answer.body?.extensions?.complexity === 'number' ? answer.body.extensions.complexity : undefined;
      return answer;
    } finally {
      ticket?.settle(complexity);
    }
  }

  async function sendAdmitted(query: string, variables: Record<string, unknown> | undefined): Promise<{ status: number; body: any }> {
    requests++;
    let res: Response;
    let text: string;
    try {
      res = await fetchImpl(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables: variables ?? {} }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      // The body is read under the same timeout: a server that sends headers then stalls is unavailable too.
      text = await res.text();
    } catch (err) {
      const e = err as Error;
      const timedOut = e.name === 'TimeoutError' || e.name === 'AbortError';
      throw new CentraUnavailableError(timedOut ? `Centra did not answer within ${timeoutMs} ms` : `Centra unreachable: ${e.message}`, undefined, undefined, { cause: err });
    }
    if (res.status === 429 || res.status >= 500) {
      const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'), now());
      if (res.status === 429) blockedUntil = Math.max(blockedUntil, now() + (retryAfterMs ?? 1000));
      throw new CentraUnavailableError(`Centra answered HTTP ${res.status}${firstErrorOf(text)}`, res.status, retryAfterMs);
    }
    let body: any;
    try {
      body = JSON.parse(text);
    } catch {
      if (res.status >= 400) throw new CentraQueryError(`Centra answered HTTP ${res.status}`, res.status);
      throw new CentraUnavailableError(`Centra answered HTTP ${res.status} with a body that is not JSON`, res.status);
    }
    owe(body?.extensions?.complexity);
    return { status: res.status, body };
  }

  const execute: GraphqlExecutor = async (query, variables) => {
    const { status, body } = await send(query, variables);
    const errors = errorsOf(body);
    if (status >= 400 || errors.length) {
      const first = errors[0]?.message ?? `HTTP ${status}`;
      throw new CentraQueryError(`Centra query failed: ${first}`, status, errors);
    }
    if (!body || typeof body !== 'object' || !body.data) throw new CentraQueryError('Centra answered without data', status);
    return body.data;
  };

  /**
   * One request for up to batchSize refs (already deduplicated and valid), all types in one document.
   * Every ref of the chunk gets its result in `out`, except those whose answer GraphQL errors took
   * without saying which object they concern: those are returned (`Lost`) for bisection. An error whose
   * path points into one element of a root list (["orders", 3, …]) fails that object alone.
   */
  async function fetchOnce(chunk: ChunkRef[], out: Map<string, SnapshotResult>): Promise<Lost | null> {
    const byType = new Map<SnapshotType, number[]>();
    for (const r of chunk) byType.set(r.type, [...(byType.get(r.type) ?? []), r.id]);
    const kinds = [...byType.keys()];
    const variables: Record<string, unknown> = mediaSizeVariables(imageSizes);
    for (const [type, keys] of byType) {
      const v = snapshotVariables(type);
      variables[v.keys] = keys;
      // Centra's default page is 20 objects: ask for exactly as many as there are keys.
      variables[v.limit] = keys.length;
    }
    const { status, body } = await send(snapshotsQuery(kinds, imageSizes.length), variables);
    const errors = errorsOf(body);
    // An HTTP error (401: the token) is about the request, not an object: every ref shares it, as before.
    if (status >= 400) throw new CentraQueryError(`Centra query failed: ${errors[0]?.message ?? `HTTP ${status}`}`, status, errors);
    const data = body && typeof body === 'object' && body.data && typeof body.data === 'object' ? (body.data as Record<string, unknown>) : null;
    if (!data && !errors.length) throw new CentraQueryError('Centra answered without data', status);
    const { perObject, lostKinds, unattributed } = attributeErrors(byType, data, errors);
    for (const [type, keys] of byType) {
      if (lostKinds.has(type)) continue;
      // Typed from the generated results: the lists are non-null, so an absent one is a kind Centra left out.
      const list = objectsOf(type, data) as RawByType[SnapshotType][];
      const found = new Map(list.map((raw) => [keyOf(type, raw), raw]));
      for (const key of keys) {
        const own = perObject.get(snapshotKey({ type, id: key }));
        const raw = found.get(String(key));
        let result: SnapshotResult = null;
        // Never mapped as if it were fine: a field of it failed (and may now be null).
        if (own) result = objectError(type, key, own, status);
        else if (raw) {
          try {
            result = (MAPPERS[type] as (raw: RawByType[SnapshotType], sizes: readonly string[]) => SnapshotResult)(raw, imageSizes);
          } catch (err) {
            result = new CentraQueryError(`Centra's ${type} ${key} could not be read: ${(err as Error).message}`);
          }
        }
        out.set(snapshotKey({ type, id: key }), result);
      }
    }
    // Objects an error points into fail even in a kind that is lost otherwise (no need to ask for them again).
    const lost: ChunkRef[] = [];
    for (const r of chunk) {
      if (!lostKinds.has(r.type)) continue;
      const own = perObject.get(snapshotKey(r));
      if (own) out.set(snapshotKey(r), objectError(r.type, r.id, own, status));
      else lost.push(r);
    }
    if (!lost.length) return null;
    const requestLevel = !data && errors.every((e) => !Array.isArray(e?.path)) ? errors.map((e) => String(e?.message)).join('\n') : undefined;
    return { refs: lost, errors: unattributed, status, requestLevel };
  }

  /**
   * Refs whose answer was lost to errors no path ties to one object: one ref alone gets the error;
   * more are split in halves and each half asked for again, until every bad object fails alone
   * (O(log n) requests for one bad object in n). `budget` caps the extra requests of one chunk.
   */
  async function isolate(lost: Lost, out: Map<string, SnapshotResult>, budget: { left: number }): Promise<void> {
    if (lost.refs.length === 1) {
      const [r] = lost.refs;
      out.set(snapshotKey(r), objectError(r.type, r.id, lost.errors, lost.status));
      return;
    }
    if (budget.left < 2) {
      // Good objects may be among these: they are asked for again later (in another batch, without
      // the bad objects already failed), not failed for the company they kept.
      for (const r of lost.refs) out.set(snapshotKey(r), new CentraUnsettledError(objectError(r.type, r.id, lost.errors, lost.status, 'not isolated: the batch spent its extra requests; asked for again later').message));
      return;
    }
    budget.left -= 2;
    const mid = Math.ceil(lost.refs.length / 2);
    const a = await fetchOnce(lost.refs.slice(0, mid), out);
    const b = await fetchOnce(lost.refs.slice(mid), out);
    // Both disjoint halves fail with the very request error of the whole (no path, no data: a document
    // Centra refuses, whatever the keys): it is not about an object, and halving further would only
    // spend requests. Every ref of the chunk gets it, as before per-object isolation.
    if (lost.requestLevel !== undefined && a?.requestLevel === lost.requestLevel && b?.requestLevel === lost.requestLevel) {
      for (const r of [...a.refs, ...b.refs]) out.set(snapshotKey(r), objectError(r.type, r.id, lost.errors, lost.status, 'the same request error for every part of the batch'));
      return;
    }
    if (a) await isolate(a, out, budget);
    if (b) await isolate(b, out, budget);
  }

  async function fetchChunk(chunk: ChunkRef[], out: Map<string, SnapshotResult>): Promise<void> {
    const lost = await fetchOnce(chunk, out);
    if (lost) await isolate(lost, out, { left: bisectionBudget(chunk.length) });
  }

  async function fetchSnapshots(refs: readonly SnapshotRef[]): Promise<Map<string, SnapshotResult>> {
    const out = new Map<string, SnapshotResult>();
    const todo = new Map<string, ChunkRef>();
    for (const ref of refs) {
      const id = Number(ref.id);
      if (!SNAPSHOT_KINDS.includes(ref.type)) out.set(snapshotKey(ref), new CentraQueryError(`unknown snapshot type ${String(ref.type)}`));
      else if (!Number.isSafeInteger(id)) out.set(snapshotKey(ref), new CentraQueryError(`${ref.type} id ${String(ref.id)} is not an integer`));
      // GraphQL's Int is 32-bit: one key outside it would fail the whole batch's variables, so it fails alone (Int64 for accounts).
      else if (ref.type !== 'account' && (id > INT32_MAX || id < -INT32_MAX - 1)) out.set(snapshotKey(ref), new CentraQueryError(`${ref.type} id ${id} is not an integer Centra's Int can hold (32-bit)`));
      else todo.set(snapshotKey({ type: ref.type, id }), { type: ref.type, id });
    }
    const all = [...todo.values()];
    for (let i = 0; i < all.length; i += batchSize) await fetchChunk(all.slice(i, i + batchSize), out);
    // Asked for as given ('0012' and 12 are one object): answer under the caller's key too.
    for (const ref of refs) if (!out.has(snapshotKey(ref))) out.set(snapshotKey(ref), out.get(snapshotKey({ type: ref.type, id: Number(ref.id) })) ?? null);
    return out;
  }

  async function fetchSnapshot<K extends SnapshotType>(ref: { type: K; id: number | string }): Promise<SnapshotByType[K] | null> {
    const result = (await fetchSnapshots([ref])).get(snapshotKey(ref)) ?? null;
    if (result instanceof Error) throw result;
    return result as SnapshotByType[K] | null;
  }

  return {
    execute,
    fetchSnapshot,
    fetchSnapshots,
    get requests() {
      return requests;
    },
  };
}

type ChunkRef = { type: SnapshotType; id: number };
/** One entry of a GraphQL answer's `errors`. */
type GqlError = { message: string; path?: unknown; locations?: unknown; extensions?: unknown };
/** Refs of a request whose objects errors took without naming them, and those errors. */
interface Lost {
  refs: ChunkRef[];
  errors: GqlError[];
  status: number;
  /** Set when the answer held no data and no error had a path (a request error): the messages, to compare. */
  requestLevel?: string;
}

const errorsOf = (body: any): GqlError[] => (Array.isArray(body?.errors) ? body.errors : []);

/**
 * Extra requests one chunk of n refs may spend on bisection: 4 · ⌈log₂ n⌉, enough to isolate two
 * bad objects (one costs at most 2 · ⌈log₂ n⌉: both halves at each of ⌈log₂ n⌉ levels).
 */
export const bisectionBudget = (n: number): number => (n > 1 ? 4 * Math.ceil(Math.log2(n)) : 0);

/**
 * Which objects of a snapshots answer its errors concern. An error whose path is
 * [<root of a kind>, <index>, …] with that element present in `data` concerns that object alone
 * (`perObject`, by snapshotKey). Any other error — no path, a path at a root or not through an index,
 * an element that is missing, or `data` null (a non-null field's error propagates up, per the GraphQL
 * spec, and Centra's lists are `[Order!]!`, so one object can null the whole answer) — loses its kind
 * (`lostKinds`), or every kind when it names none.
 */
/**
 * A kind's objects in an answer: the elements of its root list, or (a kind read through another
 * object, buyers through their accounts) the elements of each root element's `nested` list.
 */
function objectsOf(type: SnapshotType, data: Record<string, unknown> | null): unknown[] {
  const list = data?.[snapshotRoot(type)];
  if (!Array.isArray(list)) return [];
  const nested = snapshotNested(type);
  if (!nested) return list;
  return list.flatMap((e) => (e && typeof e === 'object' && Array.isArray((e as Record<string, unknown>)[nested]) ? ((e as Record<string, unknown>)[nested] as unknown[]) : []));
}

/**
 * The object of a kind an error path points into: [<root>, i, …], or [<root>, i, <nested>, j, …]
 * for a kind read through another object (a path into the account itself concerns none alone).
 */
function elementAt(type: SnapshotType, list: unknown, path: readonly unknown[]): unknown {
  const index = path[1];
  const element = Array.isArray(list) && Number.isInteger(index) ? list[index as number] : undefined;
  const nested = snapshotNested(type);
  if (!nested) return element;
  const inner = element && typeof element === 'object' && path[2] === nested ? (element as Record<string, unknown>)[nested] : undefined;
  return Array.isArray(inner) && Number.isInteger(path[3]) ? inner[path[3] as number] : undefined;
}

export function attributeErrors(byType: ReadonlyMap<SnapshotType, readonly number[]>, data: Record<string, unknown> | null, errors: readonly GqlError[]) {
  const perObject = new Map<string, GqlError[]>();
  const lostKinds = new Set<SnapshotType>();
  const unattributed: GqlError[] = [];
  const kindOfRoot = new Map([...byType.keys()].map((k) => [snapshotRoot(k), k]));
  const wanted = new Set([...byType].flatMap(([type, keys]) => keys.map((id) => snapshotKey({ type, id }))));
  for (const e of errors) {
    const path = Array.isArray(e?.path) ? e.path : null;
    const kind = path && typeof path[0] === 'string' ? kindOfRoot.get(path[0]) : undefined;
    const list = kind && data ? data[snapshotRoot(kind)] : undefined;
    const element = kind && path ? elementAt(kind, list, path) : undefined;
    const key = kind && element && typeof element === 'object' ? keyOf(kind, element as RawByType[SnapshotType]) : undefined;
    if (kind && key !== undefined && key !== 'NaN') {
      const k = snapshotKey({ type: kind, id: key });
      // An error in an object not asked for (Centra answered more) concerns none of ours.
      if (wanted.has(k)) perObject.set(k, [...(perObject.get(k) ?? []), e]);
      continue;
    }
    unattributed.push(e);
    if (kind && data) lostKinds.add(kind);
    else for (const k of byType.keys()) lostKinds.add(k);
  }
  return { perObject, lostKinds, unattributed };
}

/** Why Centra could not give one object: its errors' messages and where they point. */
function objectError(type: SnapshotType, key: number | string, errors: readonly GqlError[], status?: number, note?: string): CentraQueryError {
  const first = errors[0];
  const at = Array.isArray(first?.path) ? ` (at ${first.path.join('.')})` : '';
  const more = errors.length > 1 ? ` (+${errors.length - 1} more error${errors.length > 2 ? 's' : ''})` : '';
  const message = `Centra could not give ${type} ${key}: ${first?.message ?? 'an error without a message'}${at}${more}${note ? `; ${note}` : ''}`;
  return new CentraQueryError(message, status, [...errors]);
}

/** `: <message>` of a GraphQL-shaped error body (which bucket a 429 ran out of), else nothing. */
function firstErrorOf(text: string): string {
  try {
    const message = JSON.parse(text)?.errors?.[0]?.message;
    return typeof message === 'string' && message ? `: ${message.slice(0, 200)}` : '';
  } catch {
    return '';
  }
}

/**
 * Retry-After as milliseconds from now. Centra's rate-limit page says the header "points at a
 * timestamp" without a unit, so all of these are read: delta seconds (RFC 9110), an HTTP date, a
 * unix timestamp in seconds (a number above 10⁹: later than 2001) or in milliseconds (above 10¹¹).
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) {
    const n = Number(v);
    if (n > 1e11) return Math.max(0, Math.round(n - nowMs));
    if (n > 1e9) return Math.max(0, Math.round(n * 1000 - nowMs));
    return Math.round(n * 1000);
  }
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

// ---------------------------------------------------------------------------------------------
// Mapping: Centra's answer → the snapshot shape of event-schema.ts. The input types are generated
// from the queries and Centra's schema (src/centra/generated/results.ts): a field read here that no
// query selects, or a nullable one read as if it could not be null, is a compile error. The output
// is checked again by the snapshot schema (the processor parses it) before anything is planned.

type OrderFields = OrderFieldsFragment;
type ShipmentFields = ShipmentSnapshotQuery['shipments'][number];
type ReturnFields = ReturnSnapshotQuery['returns'][number];
type CustomerObjectFields = CustomerSnapshotQuery['customers'][number];
type BuyerObjectFields = BuyerSnapshotQuery['buyerAccounts'][number]['buyers'][number];
type InvoiceFields = InvoiceSnapshotQuery['invoices'][number];
type AccountObjectFields = AccountSnapshotQuery['accounts'][number];
type StoreFields = CustomerObjectFields['store'];
type PaymentEntry = OrderFields['paymentHistory'][number];
type MovedLine = ShipmentFields['lines'][number];
type AttributeElement = AttrsFragment['elements'][number];
/** One product image as asked: `source` for the first size, `source_1`, … for the others (queries.ts, LineImages). */
type LineImages = LineImagesFragment & { [alias: `source_${number}`]: LineImagesFragment['source'] };

/** The sizes asked for when a caller names none: the size Centra's examples ask for. */
export const DEFAULT_IMAGE_SIZES: readonly string[] = ['standard'];

/** Drops keys whose value is undefined, so optional fields are absent rather than undefined. */
function clean<T extends Record<string, unknown>>(o: T): T {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}

type Money = { value: number | string; currency?: { code: string } };
export function mapMoney(m: MoneyFragment): Money;
export function mapMoney(m: MoneyFragment | null): Money | null;
export function mapMoney(m: MoneyFragment | null): Money | null {
  if (!m) return null;
  return clean({ value: m.value, currency: m.currency.code ? { code: m.currency.code } : undefined });
}

export function mapAddress(a: AddrFragment | null): CentraAddress | null {
  if (!a) return null;
  return {
    firstName: a.firstName,
    lastName: a.lastName,
    companyName: a.companyName,
    address1: a.address1,
    address2: a.address2,
    city: a.city,
    zipCode: a.zipCode,
    stateOrProvince: a.stateOrProvince,
    state: a.state ? { code: a.state.code, name: a.state.name } : null,
    country: a.country ? { code: a.country.code, name: a.country.name } : null,
    email: a.email,
    phoneNumber: a.phoneNumber,
    cellPhoneNumber: a.cellPhoneNumber,
  };
}

/** An attribute element's value: an image as its own object, a choice by its name, else the text. */
function elementValue(e: AttributeElement): unknown {
  if ('url' in e) {
    return clean({ type: 'image', url: e.url, width: e.width == null ? undefined : String(e.width), height: e.height == null ? undefined : String(e.height), mimeType: e.mimeType ?? undefined });
  }
  if ('selectedValue' in e) return e.selectedValueName ?? e.selectedValue;
  return 'value' in e ? e.value : null;
}
const asText = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

/** Order attributes: attribute name → its value (the first element's, for a one-element attribute; `name.key` for more). */
export function mapOrderAttributes(list: AttrsFragment[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of list) {
    const only = a.elements.length === 1;
    for (const e of a.elements) {
      const v = elementValue(e);
      if (v != null) out[only ? a.type.name : `${a.type.name}.${e.key}`] = asText(v);
    }
  }
  return out;
}

/** Product attributes as Centra renders them: attribute name → {element key → value}. */
export function mapProductAttributes(list: AttrsFragment[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const a of list) out[a.type.name] = Object.fromEntries(a.elements.map((e) => [e.key, elementValue(e)]));
  return out;
}

/** The product's first image: size asked → URL, keyed by the size the plugins name (absent where Centra has none). */
function mapMedia(list: LineImages[], sizes: readonly string[]): { sources: Record<string, string> }[] {
  return list.flatMap((m) => {
    const sources: Record<string, string> = {};
    sizes.forEach((size, i) => {
      const source = m[imageAlias(i) as 'source'];
      if (source) sources[size] = source.url;
    });
    return Object.keys(sources).length ? [{ sources }] : [];
  });
}

function mapCarrier(c: { carrierName: string | null; serviceName: string | null } | null) {
  return c ? { carrierName: c.carrierName, serviceName: c.serviceName } : null;
}
const mapStore = (s: StoreFields) => ({ id: s.id, name: s.name, type: s.type });
const mapPayments = (list: PaymentEntry[]) => list.map((p) => ({ entryType: p.entryType, status: p.status, value: mapMoney(p.value) }));
const mapMovedLines = (lines: MovedLine[]) => lines.map((l) => ({ orderLine: { id: l.orderLine.id }, quantity: l.quantity }));

export function mapAccount(a: AccountFieldsFragment): CentraAccount {
  const rep = a.salesRepresentative;
  return {
    id: Number(a.id),
    name: a.name,
    salesRepresentative: rep ? { id: rep.id, name: rep.name, email: rep.email } : null,
    paymentTerms: a.paymentTerms ? { description: a.paymentTerms.description } : null,
    shippingTerms: a.shippingTerms ? { description: a.shippingTerms.description } : null,
    shippingEmail: a.shippingEmail,
    carrierInformation: mapCarrier(a.carrierInformation),
    // Account shows no market or pricelist Centra publishes (docs/centra.md §2).
    market: null,
    pricelist: null,
  };
}

function mapBuyer(b: BuyerFieldsFragment) {
  return {
    id: b.id,
    email: b.email,
    firstName: b.firstName,
    lastName: b.lastName,
    phoneNumber: b.phoneNumber,
    billingAddress: mapAddress(b.billingAddress),
    receiveAutoEmails: b.receiveAutoEmails,
    // Centra publishes no per-buyer receipt override: null = the store setting applies.
    sendOrderReceipt: null,
  };
}

// isRegistered, language, newsletter and an ESP contact id are not published on Customer
// (docs/centra.md §2): left out, so the domain takes its defaults.
function mapCustomer(c: CustomerFieldsFragment) {
  return { id: c.id, email: c.email, firstName: c.firstName, lastName: c.lastName, billingAddress: mapAddress(c.billingAddress) };
}

export function mapOrderLine(l: OrderLineFieldsFragment, sizes: readonly string[] = DEFAULT_IMAGE_SIZES): CentraOrderLine {
  // Nullable in Centra's schema; a line without them cannot be described (the error names the line).
  if (!l.product) throw new Error(`order line ${l.id} has no product`);
  if (!l.productVariant) throw new Error(`order line ${l.id} has no product variant`);
  const size = l.productSize;
  return {
    id: l.id,
    __typename: l.__typename,
    // Nullable on OrderLine: the product's own name stands in (the query selects it for this).
    productName: l.productName ?? l.product.name ?? '',
    productVariantName: l.productVariantName,
    folderName: l.folderName,
    size: l.size,
    productNumber: l.productNumber,
    quantity: l.quantity,
    taxPercent: l.taxPercent,
    unitPrice: mapMoney(l.unitPrice),
    unitOriginalPrice: mapMoney(l.unitOriginalPrice),
    hasAnyDiscount: l.hasAnyDiscount,
    comment: l.comment,
    productExternalUrl: l.productExternalUrl,
    product: { id: l.product.id, attributes: mapProductAttributes(l.product.attributes) },
    // The product's first image in each size asked for, keyed by that size's name (line.images in the domain).
    media: mapMedia(l.product.media, sizes),
    // Not published on ProductVariant: variantNumber (docs/centra.md §2).
    productVariant: { id: l.productVariant.id, name: l.productVariant.name, variantNumber: null },
    // EAN, UPC and sizeNumber are not published on ProductSize; GTIN is.
    productSize: size ? { SKU: size.SKU, GTIN: size.GTIN, EAN: null, UPC: null, sizeNumber: null, description: size.description } : null,
    // Brand shows no uri Centra publishes; the line has no published category or collection.
    brand: l.brand ? clean({ id: l.brand.id ?? undefined, name: l.brand.name, uri: null }) : null,
    category: null,
    collection: null,
  };
}

export function mapOrder(o: OrderFields, sizes: readonly string[] = DEFAULT_IMAGE_SIZES): CentraOrder {
  const t = o.totals;
  // Which parties an order has depends on its store's kind: Centra's Order interface, told apart by __typename.
  const dtc = o.__typename === 'DirectToConsumerOrder' ? o : null;
  const wholesale = o.__typename === 'WholesaleOrder' ? o : null;
  return clean({
    id: o.id,
    number: o.number,
    status: o.status,
    createdAt: o.createdAt,
    store: mapStore(o.store),
    market: o.market ? { id: o.market.id, name: o.market.name } : null,
    pricelist: o.pricelist ? { id: o.pricelist.id, name: o.pricelist.name } : null,
    country: o.country ? { code: o.country.code } : null,
    currencyBaseRate: o.currencyBaseRate,
    grandTotal: mapMoney(o.grandTotal),
    totals: t ? { shipping: mapMoney(t.shipping), handling: mapMoney(t.handling), shippingTaxIncluded: mapMoney(t.shippingTaxIncluded), taxDeducted: mapMoney(t.taxDeducted) } : null,
    discountsApplied: o.discountsApplied.map((d) => ({ value: mapMoney(d.value), code: d.code, voucherName: d.voucherName })),
    // Centra's PaymentMethod shows uri and plugin (no display name): the uri stands in for the name.
    paymentMethod: o.paymentMethod ? { name: o.paymentMethod.uri, plugin: o.paymentMethod.plugin } : null,
    shippingPriceGroup: o.shippingPriceGroup ? { shippingOption: o.shippingPriceGroup.shippingOption ? { name: o.shippingPriceGroup.shippingOption.name } : null } : null,
    shippingAddress: mapAddress(o.shippingAddress),
    billingAddress: mapAddress(o.billingAddress),
    lines: o.lines.map((l) => mapOrderLine(l, sizes)),
    customer: dtc?.customer ? mapCustomer(dtc.customer) : null,
    buyer: wholesale?.buyer ? mapBuyer(wholesale.buyer) : null,
    account: wholesale?.account ? mapAccount(wholesale.account) : null,
    purchaseOrderNumber: wholesale?.purchaseOrderNumber ?? null,
    deliveryWindows: wholesale?.deliveryWindows?.map((w) => ({ name: w.name })),
    paymentHistory: mapPayments(o.paymentHistory),
    attributes: mapOrderAttributes(o.attributes),
  });
}

export function mapShipment(s: ShipmentFields, sizes: readonly string[] = DEFAULT_IMAGE_SIZES): CentraShipment {
  return {
    id: s.id,
    number: s.number,
    createdAt: s.createdAt,
    isGoodToGo: s.isGoodToGo,
    isShipped: s.isShipped,
    shippedAt: s.shippedAt,
    trackingNumber: s.trackingNumber,
    numberOfPackages: s.numberOfPackages,
    carrierInformation: mapCarrier(s.carrierInformation),
    additionalMessage: s.additionalMessage,
    // Shipment shows no shipping value Centra publishes (docs/centra.md §2).
    shippingValue: null,
    lines: mapMovedLines(s.lines),
    order: mapOrder(s.order, sizes),
  };
}

export function mapReturn(r: ReturnFields, sizes: readonly string[] = DEFAULT_IMAGE_SIZES): CentraReturn {
  return {
    id: r.id,
    createdAt: r.createdAt,
    returnStatus: r.returnStatus,
    lines: mapMovedLines(r.lines),
    // Return shows no refunded shipping value Centra publishes (docs/centra.md §2).
    shippingValue: null,
    refundPaymentHistory: mapPayments(r.refundPaymentHistory),
    order: mapOrder(r.order, sizes),
  };
}

export function mapCustomerObject(c: CustomerObjectFields): CentraCustomerObject {
  return { ...mapCustomer(c), store: mapStore(c.store), market: null, pricelist: null };
}

export function mapBuyerObject(b: BuyerObjectFields): CentraBuyerObject {
  return { ...mapBuyer(b), account: mapAccount(b.account), store: mapStore(b.store), companyName: b.billingAddress?.companyName ?? null };
}

export function mapAccountObject(a: AccountObjectFields): CentraAccountObject {
  return { ...mapAccount(a), store: a.buyers.length ? mapStore(a.buyers[0].store) : null, buyers: a.buyers.map((b) => ({ id: b.id })) };
}

export function mapInvoice(i: InvoiceFields): CentraInvoice {
  const order = i.order;
  // Invoice.account, InvoiceLine.product and .productVariant are nullable on Centra's pages; the
  // snapshot needs them, so such an invoice fails alone (its batch is mapped as usual).
  const account = i.account;
  if (!account) throw new Error(`invoice ${i.id} has no account`);
  const lines = i.lines.map((l, n) => {
    if (!l.product || !l.productVariant) throw new Error(`invoice line ${n + 1} has no product`);
    return { ...l, product: l.product, productVariant: l.productVariant };
  });
  return {
    id: i.id,
    // InvoiceType's value names are read off Centra's schema page; matching on "CREDIT" keeps a renamed value a credit note.
    type: /credit/i.test(i.type) ? 'creditnote' : 'invoice',
    createdAt: i.createdAt,
    currency: { code: i.currency.code },
    order: order ? { number: order.number, purchaseOrderNumber: 'purchaseOrderNumber' in order ? order.purchaseOrderNumber : null } : null,
    address: mapAddress(i.billingAddress) ?? {},
    buyer: { id: i.buyer.id, email: i.buyer.email, firstName: i.buyer.firstName, lastName: i.buyer.lastName, companyName: i.billingAddress?.companyName ?? null },
    account: mapAccount(account),
    store: mapStore(i.store),
    lines: lines.map((l) => ({
      product: { id: l.product.id },
      productVariant: { id: l.productVariant.id, name: l.productVariant.name },
      // Nullable on InvoiceLine: the snapshot's strings are empty then.
      productNumber: l.productNumber ?? '',
      productName: l.productName ?? '',
      // InvoiceLine has no brand object, only brandName.
      brand: l.brandName ? { name: l.brandName } : null,
      size: l.size,
      quantity: l.quantity,
      unitOriginalPrice: mapMoney(l.unitOriginalPrice),
      unitPrice: mapMoney(l.unitPrice),
      taxPercent: l.taxPercent,
    })),
    // Centra publishes no invoice document / pay link field: empty (docs/centra.md §2).
    link: '',
    payLink: '',
  };
}
