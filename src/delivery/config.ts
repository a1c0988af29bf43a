// The `delivery:` section of the config: retries, rate limits, leases (the `storage:` one is src/storage/config.ts).
import { z } from 'zod';

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
    /** Each lane's circuit breaker (src/delivery/circuit-breaker.ts, docs/delivery.md). */
    breaker: z
      .object({
        failureThreshold: z.number().int().min(1).optional(),
        probeBaseMs: z.number().int().positive().optional(),
        probeFactor: z.number().min(1).optional(),
        probeCapMs: z.number().int().positive().optional(),
      })
      .strict()
      .default({}),
    leaseMs: z.number().int().positive().default(60_000),
    batchSize: z.number().int().positive().default(32),
    pollMs: z.number().int().positive().default(1_000),
  })
  .strict()
  .default({ timeoutMs: 10_000, retry: {}, limits: {}, breaker: {}, leaseMs: 60_000, batchSize: 32, pollMs: 1_000 });
export type DeliveryConfig = z.infer<typeof deliverySchema>;
