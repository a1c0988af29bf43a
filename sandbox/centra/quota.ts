// Centra's API quota as its rate-limit page describes it (docs/centra.md §2, quota): per token, three
// kinds of bucket (REQUEST_COUNT, QUERY_COMPLEXITY, MUTATION_COUNT) for each of two intervals
// (TEN_SECONDS, ONE_HOUR). A bucket starts full, is topped up at a constant rate (its quota per
// interval) and never holds more than its quota; a request is let through only if every bucket it
// draws on has the tokens (1 per request, 1 per mutation, 1 per complexity point), else 429 with a
// Retry-After pointing at the moment it would be let through.
import { Kind, parse, type DocumentNode, type FieldNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode, type ValueNode } from 'graphql';

export type RateLimitType = 'REQUEST_COUNT' | 'QUERY_COMPLEXITY' | 'MUTATION_COUNT';
export type RateLimitInterval = 'TEN_SECONDS' | 'ONE_HOUR';

export interface CentraQuota {
  requestsPer10s: number;
  requestsPerHour: number;
  complexityPer10s: number;
  complexityPerHour: number;
  mutationsPer10s: number;
  mutationsPerHour: number;
}

/** The example quota of Centra's page ("a fresh instance"). */
export const CENTRA_EXAMPLE_QUOTA: CentraQuota = {
  requestsPer10s: 20,
  requestsPerHour: 10_000,
  complexityPer10s: 150_000,
  complexityPerHour: 20_000_000,
  mutationsPer10s: 100,
  mutationsPerHour: 1_000,
};

const INTERVAL_MS: Record<RateLimitInterval, number> = { TEN_SECONDS: 10_000, ONE_HOUR: 3_600_000 };
const BUCKETS: { type: RateLimitType; interval: RateLimitInterval; key: keyof CentraQuota }[] = [
  { type: 'REQUEST_COUNT', interval: 'TEN_SECONDS', key: 'requestsPer10s' },
  { type: 'REQUEST_COUNT', interval: 'ONE_HOUR', key: 'requestsPerHour' },
  { type: 'QUERY_COMPLEXITY', interval: 'TEN_SECONDS', key: 'complexityPer10s' },
  { type: 'QUERY_COMPLEXITY', interval: 'ONE_HOUR', key: 'complexityPerHour' },
  { type: 'MUTATION_COUNT', interval: 'TEN_SECONDS', key: 'mutationsPer10s' },
  { type: 'MUTATION_COUNT', interval: 'ONE_HOUR', key: 'mutationsPerHour' },
];

interface Bucket {
  tokens: number;
  at: number;
}

/** What a request costs: 1 request, its complexity, and 1 mutation if it is one. */
export interface RequestCost {
  complexity: number;
  mutation: boolean;
}

export class CentraQuotaBuckets {
  private readonly byToken = new Map<string, Bucket[]>();

  constructor(public quota: CentraQuota = CENTRA_EXAMPLE_QUOTA) {}

  private buckets(token: string, now: number): Bucket[] {
    let list = this.byToken.get(token);
    if (!list) {
      list = BUCKETS.map((b) => ({ tokens: this.quota[b.key], at: now }));
      this.byToken.set(token, list);
    }
    BUCKETS.forEach((b, i) => {
      const quota = this.quota[b.key];
      const bucket = list![i];
      bucket.tokens = Math.min(quota, bucket.tokens + ((now - bucket.at) * quota) / INTERVAL_MS[b.interval]);
      bucket.at = now;
    });
    return list;
  }

  private price(type: RateLimitType, cost: RequestCost): number {
    return type === 'REQUEST_COUNT' ? 1 : type === 'QUERY_COMPLEXITY' ? cost.complexity : cost.mutation ? 1 : 0;
  }

  /** Takes the request's tokens from every bucket, or says when (epoch ms) it would fit. */
  take(token: string, cost: RequestCost, now: number): { ok: true } | { ok: false; retryAt: number; type: RateLimitType; interval: RateLimitInterval } {
    const list = this.buckets(token, now);
    let worst: { retryAt: number; type: RateLimitType; interval: RateLimitInterval } | undefined;
    BUCKETS.forEach((b, i) => {
      const need = this.price(b.type, cost);
      const missing = need - list[i].tokens;
      if (need > 0 && missing > 0) {
        // A cost above the bucket's size never fits: the moment it is full again is the best answer.
        const quota = this.quota[b.key];
        const retryAt = now + Math.ceil((Math.min(missing, quota) * INTERVAL_MS[b.interval]) / quota);
        if (!worst || retryAt > worst.retryAt) worst = { retryAt, type: b.type, interval: b.interval };
      }
    });
    if (worst) return { ok: false, ...worst };
    BUCKETS.forEach((b, i) => (list[i].tokens -= this.price(b.type, cost)));
    return { ok: true };
  }

  /** The `rateLimits` query's answer for a token (Centra's RateLimit objects). */
  report(token: string, now: number): { type: RateLimitType; intervalSeconds: RateLimitInterval; quota: number; usedQuota: number; remainingQuota: number }[] {
    const list = this.buckets(token, now);
    return BUCKETS.map((b, i) => {
      const remaining = Math.floor(list[i].tokens);
      return { type: b.type, intervalSeconds: b.interval, quota: this.quota[b.key], usedQuota: this.quota[b.key] - remaining, remainingQuota: remaining };
    });
  }

  clear(): void {
    this.byToken.clear();
  }
}

/**
 * Query complexity, **a guess** (Centra does not publish how it counts; docs/emulators.md): every
 * field selected counts 1 (fragments expanded), and a field with a `limit` argument counts its
 * selection once per object it may return (the `limit`, or the argument's default of 20).
 */
export function queryComplexity(query: string | DocumentNode, variables: Record<string, unknown> = {}, operationName?: string): number {
  const doc = typeof query === 'string' ? parse(query) : query;
  const fragments = new Map<string, FragmentDefinitionNode>();
  const operations: OperationDefinitionNode[] = [];
  for (const d of doc.definitions) {
    if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
    else if (d.kind === Kind.OPERATION_DEFINITION) operations.push(d);
  }
  const op = operationName ? operations.find((o) => o.name?.value === operationName) : operations[0];
  if (!op) return 0;
  const value = (v: ValueNode): unknown => (v.kind === Kind.VARIABLE ? variables[v.name.value] : v.kind === Kind.INT ? Number(v.value) : undefined);
  const multiplier = (f: FieldNode): number => {
    const arg = f.arguments?.find((a) => a.name.value === 'limit');
    if (!arg) return 1;
    const n = Number(value(arg.value) ?? 20);
    return Number.isFinite(n) && n > 0 ? n : 20;
  };
  const count = (set: SelectionSetNode | undefined, seen: Set<string>): number => {
    let n = 0;
    for (const s of set?.selections ?? []) {
      if (s.kind === Kind.FIELD) n += 1 + multiplier(s) * count(s.selectionSet, seen);
      else if (s.kind === Kind.INLINE_FRAGMENT) n += count(s.selectionSet, seen);
      else {
        const f = fragments.get(s.name.value);
        if (f && !seen.has(f.name.value)) n += count(f.selectionSet, new Set([...seen, f.name.value]));
      }
    }
    return n;
  };
  return count(op.selectionSet, new Set());
}

export const isMutation = (query: string | DocumentNode, operationName?: string): boolean => {
  const doc = typeof query === 'string' ? parse(query) : query;
  const ops = doc.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const op = operationName ? ops.find((o) => o.name?.value === operationName) : ops[0];
  return op?.operation === 'mutation';
};
