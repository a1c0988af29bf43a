// The `storage:` section of the config: which engine holds the outbox, the inbox and the
// contact map, and where (docs/config.md, "storage").
import { z } from 'zod';
import { secretRefSchema } from '../config/secret.ts';

const postgresSchema = z
  .object({
    /** postgres://user:password@host:port/database: a secret (it may hold a password), by default from $DATABASE_URL. */
    url: secretRefSchema.default({ env: 'DATABASE_URL' }),
    /** Schema holding the bridge's tables, created if missing. */
    schema: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'a plain lower-case identifier').default('esp_bridge'),
    /** Connections per process. */
    maxConnections: z.number().int().positive().max(200).default(10),
    /** How long an inbox event stays claimed by the process working on it unless renewed (every third of it, while worked on). */
    inboxLeaseMs: z.number().int().min(1_000).max(600_000).default(15_000),
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
    /**
     * How long the personal data of finished rows is kept (docs/operations.md, "Retention"): after
     * `deliveredDays` a delivered or dead delivery loses its request and its attempts' error texts,
     * after `eventsDays` a processed or failed event its raw text; the rows stay (dedupe keys).
     * null keeps them. Pruned by serve and worker every `everyMinutes`.
     */
    retention: z
      .object({
        deliveredDays: z.number().positive().nullable().default(30),
        eventsDays: z.number().positive().nullable().default(30),
        everyMinutes: z.number().positive().max(1440).default(60),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .prefault({});
export type StorageConfig = z.infer<typeof storageSchema>;
