// Rate buckets shared by every process of one store (docs/delivery.md, "Rate limits per
// credential"): the port the delivery engine's shared gate (src/delivery/shared-rate-gate.ts)
// leases tokens through, and Centra's post-paid complexity gate (src/centra/shared-complexity-gate.ts)
// charges points through (docs/centra.md §2, "Sharing the complexity buckets"). Only the PostgreSQL
// store has one (src/storage/postgres/quotas.ts); the embedded store serves one process per file,
// whose buckets stay in memory.

/** One bucket of a credential: its shape, as the delivery engine computed it from the ESP's limits. */
export interface QuotaBucket {
  intervalMs: number;
  capacity: number;
  /** Tokens added per millisecond of the store's clock. */
  perMs: number;
}

/** A bucket after a lease: what is left in it, and how fast it fills. */
export interface QuotaLeft {
  intervalMs: number;
  tokens: number;
  perMs: number;
}

export interface QuotaLease {
  /** Tokens taken from every bucket of the credential at once (0 when one of them has less than one). */
  granted: number;
  /** Each bucket after the grant (empty: the credential's buckets are not declared). */
  left: QuotaLeft[];
}

export interface QuotaStore {
  /**
   * Creates the credential's buckets, full, or reshapes those that exist (keeping their tokens,
   * at most the new capacity): the process that declares last sets the shape.
   */
  declare(credential: string, buckets: readonly QuotaBucket[]): Promise<void>;
  /**
   * Refills the credential's buckets of these intervals to the store's own clock (one clock for
   * every process) and takes up to `want` tokens from each, as many as the emptiest holds, in one
   * statement under the buckets' row locks.
   */
  lease(credential: string, intervalsMs: readonly number[], want: number): Promise<QuotaLease>;
  /**
   * Post-paid buckets (declared like the others): in one call under the buckets' row locks,
   * refills them to the store's clock, charges `cost` (they may go below zero: a debt), gives back
   * `release` of this holder's held points, charges in full the holds of holders not heard from for
   * `holdMs` (dead processes), then holds `unit` points for each of up to `want` new requests while
   * every bucket keeps at least the holds of every holder. Nothing is held for `unit` 0.
   */
  charge(credential: string, intervalsMs: readonly number[], holder: string, op: ChargeOp): Promise<ChargeResult>;
}

export interface ChargeOp {
  /** Points this holder held for requests now answered (or given up), released. */
  release: number;
  /** What those requests cost, charged. */
  cost: number;
  /** Points to hold for each new request. */
  unit: number;
  /** New requests waiting (how many holds are wanted). */
  want: number;
  /** How long the holder's holds live without a call from it. */
  holdMs: number;
}

export interface ChargeResult {
  /** New holds granted (0 – want). */
  granted: number;
  /** Each bucket after the call (empty: not declared). */
  left: QuotaLeft[];
  /** Points held for requests on their way, by every holder, after the call. */
  held: number;
}
