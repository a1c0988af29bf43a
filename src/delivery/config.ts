// The `delivery:` and `storage:` sections of the config: retries, rate limits, leases, where the outbox lives.
import { z } from 'zod';
import { secretRefSchema } from '../config/secret.ts';

const rate = z.object({ limit: z.number().int().positive(), intervalMs: z.number().int().positive() }).strict();
const laneLimits = z
  .object({
    concurrency: z.number().int().positive().optional(),
    rates: z.array(rate).optional(),
    attemptTimeoutMs: z.number().int().positive().optional(),
  })
  .strict();

const espRetry = z.object({ idempotent: z.boolean(), onAmbiguous: z.enum(['retry', 'dead']).optional() }).strict();

export const deliverySchema = z
  .object({
    /** Each HTTP or SMTP call gives up after this. */
    timeoutMs: z.number().int().positive().default(10_000),
    retry: z
      .object({
        baseMs: z.number().int().positive().optional(),
        factor: z.number().min(1).optional(),
        capMs: z.number().int().positive().optional(),
        maxAttempts: z.number().int().min(1).optional(),
        maxAgeMs: z.number().int().positive().optional(),
        /** Per ESP name (validated against the registry with the whole config). */
        esps: z.record(z.string(), espRetry).optional(),
      })
      .strict()
      .default({}),
    /** Rate limits and concurrency: `default`, per `esp`, per lane (`esp:plugin`). */
    limits: z
      .object({
        default: laneLimits.optional(),
        esp: z.record(z.string(), laneLimits).optional(),
        lanes: z.record(z.string(), laneLimits).optional(),
      })
      .strict()
      .default({}),
    leaseMs: z.number().int().positive().default(60_000),
    batchSize: z.number().int().positive().default(32),
    pollMs: z.number().int().positive().default(1_000),
  })
  .strict()
  .default({ timeoutMs: 10_000, retry: {}, limits: {}, leaseMs: 60_000, batchSize: 32, pollMs: 1_000 });
export type DeliveryConfig = z.infer<typeof deliverySchema>;

const postgresSchema = z
  .object({
    /** postgres://user:password@host:port/database: a secret (it may hold a password), by default from $DATABASE_URL. */
    url: secretRefSchema.default({ env: 'DATABASE_URL' }),
    /** Schema holding the bridge's tables, created if missing. */
    schema: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'a plain lower-case identifier').default('esp_bridge'),
    /** Connections per process. */
    maxConnections: z.number().int().positive().max(200).default(10),
  })
  .strict();

export const storageSchema = z
  .object({
    /** sqlite: the embedded file (one host); postgres: a database several bridge processes share (docs/delivery.md). */
    kind: z.enum(['sqlite', 'postgres']).default('sqlite'),
    /** The embedded store's file. */
    sqlitePath: z.string().min(1).default('./data/bridge.sqlite'),
    /** normal: a commit survives a crash of the process; full: also a power loss (an fsync per commit, docs/delivery.md). */
    synchronous: z.enum(['normal', 'full']).default('normal'),
    postgres: postgresSchema.prefault({}),
  })
  .strict()
  .prefault({});
export type StorageConfig = z.infer<typeof storageSchema>;
