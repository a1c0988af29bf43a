// Rate buckets shared by every process of one store (docs/delivery.md, "Rate limits per
// credential"): the port the delivery engine's shared gate (src/delivery/shared-rate-gate.ts)
// leases tokens through. Only the PostgreSQL store has one (src/storage/postgres/quotas.ts); the
// embedded store serves one process per file, whose buckets stay in memory.

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
}
