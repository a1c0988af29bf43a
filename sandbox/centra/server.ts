// Centra emulator: POST /graphql (a subset of the Integration API, incl. the events queue) over
// a generated dataset, answered "as of" an adjustable clock; fault injection and /__control.
import { buildSchema, getNamedType, graphql, isInterfaceType, isNonNullType, isObjectType, type GraphQLSchema } from 'graphql';
import { EmulatorStateBase, header, isObject, parseJson, startEmulator, type EmulatorHandle, type EmulatorRequest, type EmulatorResponse } from '../common/server.ts';
import { CENTRA_EXAMPLE_QUOTA, CentraQuotaBuckets, isMutation, queryComplexity, type CentraQuota } from './quota.ts';
import type { FaultSpec } from '../common/faults.ts';
import { CENTRA_SDL } from './schema.ts';
import { centraDate, generateDataset, type Dataset, type Order, type TimelineEvent } from './data.ts';

export const DEFAULT_CENTRA_TOKEN = 'centra-test-token';

export interface CentraEmulatorOptions {
  /** Accepted bearer tokens (default [DEFAULT_CENTRA_TOKEN]). */
  tokens?: string[];
  dataset?: Dataset;
  seed?: number;
  orders?: number;
  /** The emulator's clock (ms); objects are served as they were then. Default: everything final. */
  clock?: number;
  /**
   * Centra's quota per token (docs/centra.md §2, quota): default Centra's example (20 requests / 10 s,
   * 10,000 / h, complexity 150,000 / 10 s and 20 M / h, 100 mutations / 10 s and 1,000 / h); a part
   * overrides those keys; `false` = no quota (tests that need many requests at once).
   */
  quota?: Partial<CentraQuota> | false;
  /** How a 429's Retry-After is written (Centra says "a timestamp"; its unit is a guess): default unix seconds. */
  retryAfter?: RetryAfterForm;
  /** Fields of single objects whose resolution throws (a test fault, docs/emulators.md "Field faults"). */
  fieldFaults?: FieldFaultSpec[];
  host?: string;
  port?: number;
}

export type RetryAfterForm = 'unix-seconds' | 'unix-ms' | 'delta-seconds';

export interface QueuedEvent {
  id: number;
  objectType: string;
  changeType: string;
  objectReference: number;
  createdAt: string;
  storeId: number | null;
}

/**
 * A test fault: resolving `field` of one object throws, so graphql-js answers as it does for any
 * resolver that throws — a nullable field becomes null with an error at its path; a non-null one
 * nulls its parent, up to the nearest nullable field (for a snapshot list `[Order!]!`: all of `data`).
 * Centra publishes nothing about per-object failures: what makes one fail is our guess.
 */
export interface FieldFaultSpec {
  type: TimelineEvent['type'];
  /** The order number for orders, else the object's id. */
  id: number;
  /** A field of the object's GraphQL type, or a dotted path through its children: `grandTotal`, `lines.product`. */
  field: string;
  /** The error's message (default: one naming the object and field). */
  message?: string;
}

export interface FieldFault extends FieldFaultSpec {
  message: string;
  /** Whether the field is nullable in the schema (then only it becomes null). */
  nullable: boolean;
}

export interface CentraGraphqlCall {
  operationName: string | null;
  variables: Record<string, unknown>;
  status: number;
  errors: number;
}

const OBJECT_TYPES: Record<TimelineEvent['type'], string> = {
  order: 'Order',
  shipment: 'Shipment',
  return: 'Return',
  customer: 'Customer',
  buyer: 'Buyer',
  invoice: 'Invoice',
  account: 'Account',
};

function isoAt(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

export class CentraState extends EmulatorStateBase {
  dataset: Dataset;
  clock: number;
  calls: CentraGraphqlCall[] = [];
  listeners = new Map<string, { changeTypes: Set<string>; createdAt: string; updatedAt: string }>();
  queue: QueuedEvent[] = [];
  confirmed: number[] = [];
  private eventSeq = 1;
  /** The quota's buckets; null = no quota. */
  quota: CentraQuotaBuckets | null;
  retryAfter: RetryAfterForm;
  /** Field faults by `type:id` (cleared by reset). */
  fieldFaults = new Map<string, FieldFault[]>();

  constructor(dataset: Dataset, clock = Number.POSITIVE_INFINITY, quota: Partial<CentraQuota> | false = {}, retryAfter: RetryAfterForm = 'unix-seconds') {
    super();
    this.dataset = dataset;
    this.clock = clock;
    this.quota = quota === false ? null : new CentraQuotaBuckets({ ...CENTRA_EXAMPLE_QUOTA, ...quota });
    this.retryAfter = retryAfter;
  }

  /** Retry-After for a moment (epoch ms), in the configured form. */
  retryAfterValue(at: number, now: number): string {
    if (this.retryAfter === 'unix-ms') return String(Math.ceil(at));
    if (this.retryAfter === 'delta-seconds') return String(Math.max(1, Math.ceil((at - now) / 1000)));
    return String(Math.ceil(at / 1000));
  }

  protected resetRecords(): void {
    this.calls = [];
    this.listeners.clear();
    this.queue = [];
    this.confirmed = [];
    this.quota?.clear();
    this.fieldFaults.clear();
  }

  /** Adds a field fault, checked against the schema (the type must have the field). */
  addFieldFault(spec: FieldFaultSpec): FieldFault {
    if (!isObject(spec) || !(spec.type in OBJECT_TYPES)) throw new Error(`type must be one of ${Object.keys(OBJECT_TYPES).join(', ')}`);
    if (!Number.isSafeInteger(spec.id)) throw new Error('id must be an integer (the order number for orders)');
    if (typeof spec.field !== 'string' || !spec.field) throw new Error('field must be a field name or a dotted path (lines.product)');
    let type = centraSchema().getType(OBJECT_TYPES[spec.type]);
    let nullable = true;
    for (const name of spec.field.split('.')) {
      const field = type && (isObjectType(type) || isInterfaceType(type)) ? type.getFields()[name] : undefined;
      if (!field) throw new Error(`${type?.name ?? spec.field} has no field ${name}`);
      nullable = !isNonNullType(field.type);
      type = getNamedType(field.type);
    }
    const fault: FieldFault = { type: spec.type, id: spec.id, field: spec.field, message: typeof spec.message === 'string' && spec.message ? spec.message : `emulated failure: ${spec.field} of ${spec.type} ${spec.id} could not be resolved`, nullable };
    const key = `${spec.type}:${spec.id}`;
    this.fieldFaults.set(key, [...(this.fieldFaults.get(key) ?? []), fault]);
    return fault;
  }

  /** The view with its faulted fields replaced by resolvers that throw (the view itself if none). */
  private faulted(type: TimelineEvent['type'], id: number, view: Record<string, unknown> | null): Record<string, unknown> | null {
    const faults = view ? this.fieldFaults.get(`${type}:${id}`) : undefined;
    if (!faults) return view;
    return faults.reduce((v, f) => throwAt(v, f.field.split('.'), f.message), view!);
  }

  records(): Record<string, unknown> {
    return {
      clock: Number.isFinite(this.clock) ? isoAt(this.clock) : null,
      calls: this.calls,
      listeners: [...this.listeners.entries()].map(([objectType, l]) => ({ objectType, changeTypes: [...l.changeTypes] })),
      queued: this.queue,
      confirmed: this.confirmed,
      counters: this.counters,
    };
  }

  /** `{quota: false}` turns the quota off, `{quota: true}` back on (the example); any CentraQuota key overrides it; `retryAfter` its form. */
  setLimits(limits: Record<string, unknown>): Record<string, unknown> {
    if (limits.quota === false) this.quota = null;
    else if (limits.quota === true || !this.quota) this.quota = new CentraQuotaBuckets({ ...CENTRA_EXAMPLE_QUOTA });
    for (const key of Object.keys(CENTRA_EXAMPLE_QUOTA) as (keyof CentraQuota)[]) {
      const v = limits[key];
      if (typeof v === 'number' && v > 0) this.quota = new CentraQuotaBuckets({ ...this.quota!.quota, [key]: v });
    }
    if (limits.retryAfter === 'unix-seconds' || limits.retryAfter === 'unix-ms' || limits.retryAfter === 'delta-seconds') this.retryAfter = limits.retryAfter;
    return { quota: this.quota ? this.quota.quota : false, retryAfter: this.retryAfter };
  }

  /** Queues events for the listeners set (as Centra's events system would); returns how many were queued. */
  emit(events: readonly Pick<TimelineEvent, 'type' | 'action' | 'id' | 'at'>[]): number {
    let n = 0;
    for (const e of events) {
      if (e.action === 'password_reset') continue; // not an object change
      const objectType = OBJECT_TYPES[e.type];
      const changeType = e.action === 'create' || e.action === 'insert' ? 'CREATED' : e.action === 'delete' ? 'DELETED' : e.action === 'complete' ? 'COMPLETED' : 'UPDATED';
      const l = this.listeners.get(objectType);
      if (!l || (l.changeTypes.size && !l.changeTypes.has(changeType))) continue;
      this.queue.push({ id: this.eventSeq++, objectType, changeType, objectReference: e.id, createdAt: isoAt(e.at), storeId: this.storeOf(e.type, e.id) });
      n++;
    }
    return n;
  }

  private storeOf(type: TimelineEvent['type'], id: number): number | null {
    const d = this.dataset;
    switch (type) {
      case 'order':
        return d.orders.find((o) => o.number === id)?.store.id ?? null;
      case 'shipment': {
        const s = d.shipments.find((x) => x.id === id);
        return s ? (d.orders.find((o) => o.number === s.orderNumber)?.store.id ?? null) : null;
      }
      case 'return': {
        const r = d.returns.find((x) => x.id === id);
        return r ? (d.orders.find((o) => o.number === r.orderNumber)?.store.id ?? null) : null;
      }
      case 'customer':
        return d.stores.dtc.id;
      default:
        return d.stores.wholesale.id;
    }
  }

  // --- views "as of" the clock ---------------------------------------------------------------
  orderView(o: Order): Record<string, unknown> | null {
    const now = this.clock;
    if (o.visibleAt > now) return null;
    const status = o.statusHistory.filter((s) => s.at <= now).reduce((a, b) => (b.at >= a.at ? b : a)).status;
    const d = this.dataset;
    const view: Record<string, unknown> = {
      ...o,
      // Product.media (the line's variant images): ProductMedia with source(sizeName:).
      lines: o.lines.map((l) => ({ ...l, product: { ...l.product, media: (args: Args) => page(l.media.map((m, i) => productMedia(l.productVariant.id * 10 + i, m.sources)), args) } })),
      status,
      paymentHistory: o.paymentHistory.filter((p) => p.at <= now),
      shipments: () => d.shipments.filter((s) => s.orderNumber === o.number).map((s) => this.shipmentView(s)).filter(Boolean),
    };
    if (o.customerId !== undefined) view.customer = () => this.customerView(o.customerId!);
    if (o.buyerId !== undefined) view.buyer = () => this.buyerView(o.buyerId!);
    if (o.accountId !== undefined) view.account = () => this.accountView(o.accountId!);
    return this.faulted('order', o.number, view);
  }

  orderByNumber(n: number): Record<string, unknown> | null {
    const o = this.dataset.orders.find((x) => x.number === n);
    return o ? this.orderView(o) : null;
  }

  shipmentView(s: Dataset['shipments'][number]): Record<string, unknown> | null {
    const now = this.clock;
    if (s.visibleAt > now) return null;
    const shipped = s.shippedAtMs <= now;
    const order = this.dataset.orders.find((o) => o.number === s.orderNumber)!;
    const lineById = new Map(order.lines.map((l) => [l.id, l]));
    return this.faulted('shipment', s.id, {
      ...s,
      isGoodToGo: s.goodToGoAt <= now,
      isShipped: shipped,
      isPaid: shipped,
      isCaptured: shipped,
      shippedAt: shipped ? s.shippedAt : null,
      trackingNumber: shipped ? s.trackingNumber : null,
      // ShipmentLine.lineValue is MonetaryValue! on Centra's page: the shipped quantity at the line's unit price.
      lines: s.lines.map((l) => {
        const orderLine = lineById.get(l.orderLine.id)!;
        return { ...l, orderLine, lineValue: { ...orderLine.unitPrice, value: Math.round(orderLine.unitPrice.value * l.quantity * 100) / 100 } };
      }),
      order: () => this.orderView(order),
    });
  }

  returnView(r: Dataset['returns'][number]): Record<string, unknown> | null {
    const now = this.clock;
    if (r.visibleAt > now) return null;
    const order = this.dataset.orders.find((o) => o.number === r.orderNumber)!;
    const lineById = new Map(order.lines.map((l) => [l.id, l]));
    return this.faulted('return', r.id, {
      ...r,
      returnStatus: r.completedAt <= now ? 'COMPLETED' : 'PENDING',
      refundPaymentHistory: r.refundPaymentHistory.filter((p) => p.at <= now),
      // ReturnLine.shipmentLine is ShipmentLine! on Centra's page: the order's shipment line of that order line.
      lines: r.lines.map((l) => ({ ...l, orderLine: lineById.get(l.orderLine.id), shipmentLine: () => this.shipmentLineOf(order.number, l.orderLine.id) })),
      store: order.store,
      order: () => this.orderView(order),
      customer: () => (order.customerId !== undefined ? this.customerView(order.customerId) : null),
      account: () => (order.accountId !== undefined ? this.accountView(order.accountId) : null),
    });
  }

  private shipmentLineOf(orderNumber: number, orderLineId: number): Record<string, unknown> | null {
    for (const s of this.dataset.shipments.filter((x) => x.orderNumber === orderNumber)) {
      const view = this.shipmentView(s);
      const line = (view?.lines as { orderLine: { id: number } }[] | undefined)?.find((l) => l.orderLine.id === orderLineId);
      if (line) return line;
    }
    return null;
  }

  customerView(id: number): Record<string, unknown> | null {
    const c = this.dataset.customers.find((x) => x.id === id);
    return this.faulted('customer', id, c && c.visibleAt <= this.clock ? { ...c } : null);
  }

  buyerView(id: number): Record<string, unknown> | null {
    const b = this.dataset.buyers.find((x) => x.id === id);
    if (!b || b.visibleAt > this.clock) return null;
    return this.faulted('buyer', id, { ...b, account: () => this.accountView(b.accountId) });
  }

  accountView(id: number): Record<string, unknown> | null {
    const a = this.dataset.accounts.find((x) => x.id === id);
    if (!a) return null;
    return this.faulted('account', id, { ...a, buyers: () => a.buyerIds.map((b) => this.buyerView(b)).filter(Boolean) });
  }

  invoiceView(i: Dataset['invoices'][number]): Record<string, unknown> | null {
    if (i.visibleAt > this.clock) return null;
    return this.faulted('invoice', i.id, {
      ...i,
      type: i.type === 'creditnote' ? 'CREDIT_NOTE' : 'INVOICE',
      billingAddress: i.address,
      // InvoiceLine publishes brandName and productVariantName, not a brand object.
      lines: i.lines.map((l) => ({ ...l, brandName: l.brand.name, productVariantName: l.productVariant.name })),
      order: () => (i.orderNumber === null ? null : this.orderByNumber(i.orderNumber)),
      buyer: () => this.buyerView(i.buyerId),
      account: () => this.accountView(i.accountId),
    });
  }
}

/**
 * A copy of `view` whose field at `path` is a resolver that throws (graphql-js's default resolver
 * calls a function-valued property): through lists and resolver functions on the way.
 */
function throwAt(view: Record<string, unknown>, path: string[], message: string): Record<string, unknown> {
  const [head, ...rest] = path;
  if (!rest.length) {
    return {
      ...view,
      [head]: () => {
        throw new Error(message);
      },
    };
  }
  const inner = (v: unknown): unknown => (Array.isArray(v) ? v.map(inner) : isObject(v) ? throwAt(v as Record<string, unknown>, rest, message) : v);
  const child = view[head];
  return { ...view, [head]: typeof child === 'function' ? async (...args: unknown[]) => inner(await (child as (...a: unknown[]) => unknown)(...args)) : inner(child) };
}

type Args = Record<string, any>;

function productMedia(id: number, sources: { sizeName: string; url: string }[]) {
  return {
    id,
    metaDataJSON: '{}',
    source: ({ sizeName }: Args) => {
      const s = sources.find((x) => x.sizeName === sizeName);
      return s ? { url: s.url, mimeType: 'image/jpeg', mediaSize: { name: s.sizeName, quality: 85, maxWidth: null, maxHeight: null } } : null;
    },
  };
}
const ids = (args: Args): Set<number> | null => (Array.isArray(args.where?.id) ? new Set(args.where.id.map(Number)) : null);
function page<T>(list: T[], args: Args): T[] {
  const limit = Math.max(0, Math.min(Number(args.limit ?? 20), 1000));
  const p = Math.max(1, Number(args.page ?? 1));
  return list.slice((p - 1) * limit, p * limit);
}

/** The root resolvers of the emulated schema, bound to a state. */
export function centraRoot(state: CentraState, token = DEFAULT_CENTRA_TOKEN): Record<string, unknown> {
  const d = () => state.dataset;
  const byIds = <T extends { id: number }>(list: T[], view: (x: T) => unknown, args: Args) => {
    const want = ids(args);
    return page(list.filter((x) => !want || want.has(x.id)).map(view).filter(Boolean), args);
  };
  return {
    orders: (args: Args) => {
      const w = args.where ?? {};
      let list = d().orders;
      // OrderFilter.number is [Int!] (a single literal is coerced to a one-element list).
      if (Array.isArray(w.number)) list = list.filter((o) => w.number.includes(o.number));
      if (Array.isArray(w.id)) list = list.filter((o) => w.id.includes(o.id));
      if (w.storeType) list = list.filter((o) => o.store.type === w.storeType);
      let views = list.map((o) => state.orderView(o)).filter((v): v is Record<string, unknown> => v !== null);
      if (Array.isArray(w.status)) views = views.filter((v) => w.status.includes(v.status));
      return page(views, args);
    },
    shipments: (args: Args) => byIds(d().shipments, (s) => state.shipmentView(s), args),
    returns: (args: Args) => byIds(d().returns, (r) => state.returnView(r), args),
    customers: (args: Args) => byIds(d().customers, (c) => state.customerView(c.id), args),
    // Centra has no buyers query: a buyer is read through accounts(where: { buyerId }).
    accounts: (args: Args) => {
      const buyerIds = Array.isArray(args.where?.buyerId) ? new Set(args.where.buyerId.map(Number)) : null;
      const list = buyerIds ? d().accounts.filter((a) => a.buyerIds.some((b) => buyerIds.has(b))) : d().accounts;
      return byIds(list, (a) => state.accountView(a.id), args);
    },
    invoices: (args: Args) => byIds(d().invoices, (i) => state.invoiceView(i), args),
    events: (args: Args) => {
      const w = args.where ?? {};
      const limit = Math.max(1, Math.min(Number(args.limit ?? 200), 200));
      return state.queue
        .filter((e) => (!w.objectType || w.objectType.includes(e.objectType)) && (!w.changeType || w.changeType.includes(e.changeType)) && (!w.storeId || w.storeId.includes(e.storeId)))
        .slice(0, limit)
        .map((e) => ({ ...e, store: e.storeId === null ? null : [d().stores.wholesale, d().stores.dtc].find((s) => s.id === e.storeId) }));
    },
    eventListeners: () => listenerList(state),
    // The buckets of the token asking (after this request's own tokens were taken, as Centra's example shows).
    rateLimits: () => (state.quota ?? new CentraQuotaBuckets({ ...CENTRA_EXAMPLE_QUOTA })).report(token, Date.now()),
    setEventListeners: (args: Args) => {
      const now = isoAt(Date.now());
      for (const input of args.input as { objectType: string; changeTypes?: string[] | null }[]) {
        const existing = state.listeners.get(input.objectType);
        // Omitting changeTypes listens to all; the set is additive and idempotent.
        if (!input.changeTypes || input.changeTypes.length === 0) {
          state.listeners.set(input.objectType, { changeTypes: new Set(), createdAt: existing?.createdAt ?? now, updatedAt: now });
        } else if (existing) {
          if (existing.changeTypes.size) for (const c of input.changeTypes) existing.changeTypes.add(c);
          existing.updatedAt = now;
        } else {
          state.listeners.set(input.objectType, { changeTypes: new Set(input.changeTypes), createdAt: now, updatedAt: now });
        }
      }
      return { eventListeners: listenerList(state), userErrors: [], userWarnings: [] };
    },
    unsetEventListeners: (args: Args) => {
      for (const input of args.input as { objectType: string }[]) {
        state.listeners.delete(input.objectType);
        state.queue = state.queue.filter((e) => e.objectType !== input.objectType);
      }
      return { eventListeners: listenerList(state), userErrors: [], userWarnings: [] };
    },
    confirmEvents: (args: Args) => {
      const want = new Set<number>(args.input.eventsIds);
      const known = new Set(state.queue.map((e) => e.id));
      const userWarnings = [...want].filter((id) => !known.has(id)).map((id) => ({ message: `event ${id} is not in the queue`, path: ['input', 'eventsIds'] }));
      state.queue = state.queue.filter((e) => !want.has(e.id));
      for (const id of want) if (known.has(id)) state.confirmed.push(id);
      return { userErrors: [], userWarnings };
    },
  };
}

function listenerList(state: CentraState) {
  return [...state.listeners.entries()].map(([objectType, l]) => ({
    integrationName: 'esp-bridge',
    objectType,
    changeTypes: l.changeTypes.size ? [...l.changeTypes] : ['CREATED', 'UPDATED', 'COMPLETED', 'DELETED', 'DEPENDENT_DATA_CHANGED'],
    createdAt: l.createdAt,
    updatedAt: l.updatedAt,
  }));
}

let cachedSchema: GraphQLSchema | undefined;
export function centraSchema(): GraphQLSchema {
  return (cachedSchema ??= buildSchema(CENTRA_SDL));
}

/** Runs a GraphQL operation against the state in process (no HTTP). */
export async function executeCentra(state: CentraState, query: string, variables?: Record<string, unknown>, operationName?: string, token = DEFAULT_CENTRA_TOKEN) {
  return graphql({ schema: centraSchema(), source: query, rootValue: centraRoot(state, token), variableValues: variables, operationName });
}

function parseClock(v: unknown): number | undefined {
  if (v === null || v === undefined) return Number.POSITIVE_INFINITY;
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const t = Date.parse(/^\d{4}-\d{2}-\d{2} /.test(v) ? v.replace(' ', 'T').replace(/(\.\d{3})\d*$/, '$1') + 'Z' : v);
    return Number.isNaN(t) ? undefined : t;
  }
  return undefined;
}

export async function startCentraEmulator(opts: CentraEmulatorOptions = {}): Promise<EmulatorHandle<CentraState>> {
  const tokens = opts.tokens ?? [DEFAULT_CENTRA_TOKEN];
  const dataset = opts.dataset ?? generateDataset({ seed: opts.seed ?? 1, orders: opts.orders ?? 200 });
  const state = new CentraState(dataset, opts.clock, opts.quota ?? {}, opts.retryAfter);
  for (const f of opts.fieldFaults ?? []) state.addFieldFault(f);

  async function handle(req: EmulatorRequest): Promise<EmulatorResponse> {
    if (req.url.pathname !== '/graphql') return { status: 404, body: { errors: [{ message: `no route ${req.method} ${req.url.pathname}` }] } };
    if (req.method !== 'POST') return { status: 405, headers: { allow: 'POST' }, body: { errors: [{ message: 'use POST' }] } };
    const auth = header(req, 'authorization');
    const cookie = header(req, 'cookie')?.match(/(?:^|;\s*)graphql-access=([^;]+)/)?.[1];
    const token = auth?.startsWith('Bearer ') ? auth.slice(7).trim() : cookie;
    if (!token || !tokens.includes(token)) {
      return { status: 401, body: { errors: [{ message: 'Unauthorized: a valid Integration API token is required', extensions: { category: 'authorization' } }] } };
    }
    const parsed = parseJson(req.rawBody);
    const body = parsed.ok && isObject(parsed.value) && typeof parsed.value.query === 'string' ? (parsed.value as { query: string; variables?: unknown; operationName?: unknown }) : null;
    const vars = body && isObject(body.variables) ? (body.variables as Record<string, unknown>) : undefined;
    const opNameArg = body && typeof body.operationName === 'string' ? body.operationName : undefined;
    let complexity = 0;
    let mutation = false;
    try {
      if (body) {
        complexity = queryComplexity(body.query, vars, opNameArg);
        mutation = isMutation(body.query, opNameArg);
      }
    } catch {
      // Not a parsable document: graphql-js answers it below, at the cost of one request.
    }
    const now = Date.now();
    const admitted = state.quota?.take(token, { complexity, mutation }, now) ?? { ok: true as const };
    if (!admitted.ok) {
      return {
        status: 429,
        headers: { 'retry-after': state.retryAfterValue(admitted.retryAt, now) },
        body: { errors: [{ message: `Rate limit exceeded (${admitted.type} ${admitted.interval})`, extensions: { category: 'rate-limit' } }] },
      };
    }
    if (!body) return { status: 400, body: { errors: [{ message: 'body must be JSON {query, variables}' }] } };
    const result = await executeCentra(state, body.query, vars, opNameArg, token);
    const opName = opNameArg ?? body.query.match(/^\s*(?:query|mutation)\s+(\w+)/)?.[1] ?? null;
    state.calls.push({ operationName: opName, variables: vars ?? {}, status: 200, errors: result.errors?.length ?? 0 });
    return {
      status: 200,
      body: {
        ...(result.errors ? { errors: result.errors.map((e) => e.toJSON()) } : {}),
        ...(result.data !== undefined ? { data: result.data } : {}),
        extensions: { complexity, permissionsUsed: [], appVersion: 'emulator' },
      },
    };
  }

  function faultResponse(spec: FaultSpec): EmulatorResponse {
    if (spec.mode === '429') {
      return { status: spec.status ?? 429, headers: { 'retry-after': spec.retryAfter ?? '1' }, body: { errors: [{ message: 'Rate limit exceeded', extensions: { category: 'rate-limit' } }] } };
    }
    return { status: spec.status ?? 503, headers: spec.retryAfter ? { 'retry-after': spec.retryAfter } : {}, body: { errors: [{ message: 'Internal server error' }] } };
  }

  function control(name: string, method: string, body: unknown): EmulatorResponse | undefined {
    if (name === 'clock' && method === 'POST') {
      const at = parseClock(isObject(body) ? body.at : undefined);
      if (at === undefined) return { status: 400, body: { error: 'at must be a number (ms), an ISO date, a Centra date or null' } };
      state.clock = at;
      return { status: 200, body: { clock: Number.isFinite(at) ? isoAt(at) : null } };
    }
    if (name === 'events' && method === 'POST') {
      // {events:[{type, action, id, date|at}]} queues these; {until: date} queues the dataset's timeline up to that date.
      if (!isObject(body)) return { status: 400, body: { error: 'body must be an object' } };
      let list: Pick<TimelineEvent, 'type' | 'action' | 'id' | 'at'>[] = [];
      if (Array.isArray(body.events)) {
        list = (body.events as Record<string, unknown>[]).map((e) => ({ type: e.type as TimelineEvent['type'], action: String(e.action), id: Number(e.id), at: typeof e.at === 'number' ? e.at : (parseClock(e.date) ?? Date.now()) }));
      } else if (body.until !== undefined) {
        const until = parseClock(body.until);
        if (until === undefined) return { status: 400, body: { error: 'until is not a date' } };
        list = state.dataset.timeline.filter((e) => e.at <= until);
      } else return { status: 400, body: { error: 'give events or until' } };
      return { status: 200, body: { queued: state.emit(list) } };
    }
    if (name === 'field-faults') {
      if (method === 'GET') return { status: 200, body: { fieldFaults: [...state.fieldFaults.values()].flat() } };
      if (method === 'DELETE') {
        state.fieldFaults.clear();
        return { status: 200, body: { fieldFaults: [] } };
      }
      if (method === 'POST') {
        try {
          const added = (Array.isArray(body) ? body : [body]).map((f) => state.addFieldFault(f as FieldFaultSpec));
          return { status: 200, body: { added } };
        } catch (err) {
          return { status: 400, body: { error: (err as Error).message } };
        }
      }
    }
    if (name === 'dataset' && method === 'GET') {
      const d = state.dataset;
      return {
        status: 200,
        body: {
          seed: d.seed,
          stores: d.stores,
          counts: { accounts: d.accounts.length, buyers: d.buyers.length, customers: d.customers.length, orders: d.orders.length, shipments: d.shipments.length, returns: d.returns.length, invoices: d.invoices.length, events: d.timeline.length },
          firstEvent: d.timeline[0]?.date ?? null,
          lastEvent: d.timeline.at(-1)?.date ?? null,
        },
      };
    }
    return undefined;
  }

  return startEmulator({ state, handle, faultResponse, control, host: opts.host, port: opts.port });
}

export { centraDate };
