// The `server:` and `centra:` sections of the config (beside the schema: config/ holds no edge code): what `esp-bridge serve` listens on and
// how it reaches Centra's Integration API. Both are optional for preview; serve requires them.
import { z } from 'zod';
import { InputError } from './errors.ts';
import { resolveSecret, secretRefSchema, type SecretRef } from './secret.ts';

export const DEFAULT_PORT = 8080;
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export const readinessSchema = z
  .object({
    /** A lane whose last this-many attempts all failed (none delivered since) is failing. */
    laneFailingAfter: z.number().int().positive().default(5),
    /** The oldest delivery still to be sent may wait this long. */
    backlogMaxSec: z.number().int().positive().default(900),
    /** This many dead letters within the window degrade readiness (0: never). */
    deadLettersMax: z.number().int().min(0).default(10),
    deadLettersWindowMin: z.number().int().positive().default(15),
  })
  .strict()
  .prefault({});
export type ReadinessRules = z.output<typeof readinessSchema>;

/** Failed sign-ins (console) and bearer checks (API) per client address (docs/console.md, "Signing in"). */
export const signInLimitSchema = z
  .object({
    /** Wrong tokens an address may send within the window; then 429 until the oldest of them is a window old. 0 = no limit. */
    maxFailures: z.number().int().min(0).default(5),
    windowSec: z.number().int().positive().max(86_400).default(60),
    /** Addresses remembered at once; when full, the one that failed longest ago is forgotten. */
    maxAddresses: z.number().int().positive().max(1_000_000).default(10_000),
  })
  .strict()
  .prefault({});
export type SignInLimitRules = z.output<typeof signInLimitSchema>;

export const serverSchema = z
  .object({
    /** Port to listen on; default: the PORT environment variable, else 8080. 0 = any free port. */
    port: z.number().int().min(0).max(65535).optional(),
    host: z.string().min(1).default('0.0.0.0'),
    /** Centra webhook endpoint secrets; every one is accepted (rotation). */
    webhookSecrets: z.array(secretRefSchema).default([]),
    /** Bearer token of the admin and direct-event API. */
    adminToken: secretRefSchema.optional(),
    /** Bearer token that may also replay deliveries (API and console); replay is off without it. Must differ from adminToken. */
    operatorToken: secretRefSchema.optional(),
    /** Larger request bodies are answered 413. */
    maxBodyBytes: z.number().int().positive().default(DEFAULT_MAX_BODY_BYTES),
    /** Webhook signatures whose t is further than this from now are rejected as stale. */
    signatureToleranceSec: z.number().int().positive().default(300),
    /** Slow clients: how long a request's headers, and its whole body, may take to arrive, how long a connection may sit idle, and how many may be open. */
    timeouts: z
      .object({
        /** All request headers received within this (else 408 and the connection is closed). */
        headersMs: z.number().int().min(100).default(10_000),
        /** The whole request, body included, received within this (else 408 and closed): a body trickled byte by byte is cut off here. */
        requestMs: z.number().int().min(100).default(30_000),
        /** A connection with no traffic either way for this long is closed (a request being answered counts as traffic only when bytes move). */
        idleMs: z.number().int().min(100).default(60_000),
        /** A kept-alive connection waits this long for the next request. */
        keepAliveMs: z.number().int().min(100).default(5_000),
      })
      .strict()
      .refine((t) => t.headersMs <= t.requestMs, { message: 'headersMs must not exceed requestMs' })
      .default({ headersMs: 10_000, requestMs: 30_000, idleMs: 60_000, keepAliveMs: 5_000 }),
    /** Connections open at once; one more is closed as soon as it is accepted. */
    maxConnections: z.number().int().positive().default(1024),
    /** When GET /readyz says degraded (docs/operations.md, "Health"). */
    readiness: readinessSchema,
    signInLimit: signInLimitSchema,
    /**
     * Behind a reverse proxy: which proxies' X-Forwarded-For to believe for the client address (the
     * sign-in limit counts per address; without this every client has the proxy's). false (default):
     * the connection's address, X-Forwarded-For ignored; true: every hop (only when nothing but the proxy can reach the port);
     * addresses or CIDR ranges: only those proxies (Fastify's trustProxy).
     */
    trustProxy: z.union([z.boolean(), z.array(z.string().min(1)).min(1)]).default(false),
    /** How often the metrics' delivery and inbox gauges are counted from the store again (between counts they follow the store's events). */
    metricsRecountMinutes: z.number().positive().max(1440).default(5),
  })
  .strict();
export type ServerTimeouts = z.output<typeof serverSchema>['timeouts'];
export type ServerConfig = z.infer<typeof serverSchema>;

/**
 * Centra's example quota (REQUEST_COUNT: 20 per TEN_SECONDS, 10,000 per ONE_HOUR), from its API rate
 * limits page (docs/centra.md §2, quota): the client's default buckets.
 */
export const CENTRA_EXAMPLE_REQUEST_QUOTA: readonly { limit: number; intervalMs: number }[] = [
  { limit: 20, intervalMs: 10_000 },
  { limit: 10_000, intervalMs: 3_600_000 },
];

/** The example QUERY_COMPLEXITY quota of the same page: 150,000 points per TEN_SECONDS, 20,000,000 per ONE_HOUR. */
export const CENTRA_EXAMPLE_COMPLEXITY_QUOTA: readonly { limit: number; intervalMs: number }[] = [
  { limit: 150_000, intervalMs: 10_000 },
  { limit: 20_000_000, intervalMs: 3_600_000 },
];

const centraRateSchema = z.object({ limit: z.number().int().positive(), intervalMs: z.number().int().min(1000) }).strict();

export const centraSchema = z
  .object({
    /** The Integration API endpoint, e.g. https://brand.centra.com/graphql. */
    url: z.string().url(),
    token: secretRefSchema,
    /** `webhook`: Centra's webhook plugin posts to /webhooks/centra; `events`: poll Centra's events queue. */
    mode: z.enum(['webhook', 'events']).default('webhook'),
    /** Events mode: how often the queue is polled. */
    pollIntervalMs: z.number().int().positive().default(60_000),
    /** Each Integration API call gives up after this. */
    timeoutMs: z.number().int().positive().default(10_000),
    /**
     * Objects asked for in one snapshot request (several events of one object cost one). At most 200:
     * the request's `limit` is the number of keys, and Centra's list queries take a limit of 1 - 200
     * (centra.dev/graphql/query.html; docs/centra.md §2).
     */
    batchSize: z.number().int().min(1).max(200).default(100),
    /** The client's buckets, shared by every call to Centra in the process; `[]` = no client-side limit. */
    rateLimits: z.array(centraRateSchema).default(() => CENTRA_EXAMPLE_REQUEST_QUOTA.map((r) => ({ ...r }))),
    /** The client's complexity buckets (points of Centra's `extensions.complexity`); `[]` = none. */
    complexityLimits: z.array(centraRateSchema).default(() => CENTRA_EXAMPLE_COMPLEXITY_QUOTA.map((r) => ({ ...r }))),
  })
  .strict();
export type CentraConfig = z.infer<typeof centraSchema>;

/** The server settings with every secret resolved, as the running service uses them. */
export interface ResolvedServerSettings {
  port: number;
  host: string;
  webhookSecrets: string[];
  adminToken: string;
  /** null: not configured, replay is off. */
  operatorToken: string | null;
  maxBodyBytes: number;
  signatureToleranceSec: number;
  timeouts: ServerTimeouts;
  maxConnections: number;
  readiness: ReadinessRules;
  signInLimit: SignInLimitRules;
  trustProxy: boolean | string[];
  metricsRecountMinutes: number;
  centra: { url: string; token: string; mode: 'webhook' | 'events'; pollIntervalMs: number; timeoutMs: number; batchSize: number; rateLimits: { limit: number; intervalMs: number }[]; complexityLimits: { limit: number; intervalMs: number }[] };
}

function tryResolve(ref: SecretRef, where: string, problems: string[], env: NodeJS.ProcessEnv): string {
  try {
    return resolveSecret(ref, env);
  } catch (e) {
    problems.push(`${where}: ${(e as Error).message}`);
    return '';
  }
}

/** Checks what serve needs and resolves its secrets; a readable InputError lists every gap. */
export function resolveServerSettings(
  config: { server?: ServerConfig; centra?: CentraConfig },
  env: NodeJS.ProcessEnv = process.env,
): ResolvedServerSettings {
  const problems: string[] = [];
  const server = config.server;
  const centra = config.centra;
  if (!server) problems.push('server: missing (port, host, webhookSecrets, adminToken; see docs/config.md)');
  if (!centra) problems.push('centra: missing (url, token, mode; see docs/config.md)');
  if (server && !server.adminToken) problems.push('server.adminToken: missing (e.g. { env: ADMIN_TOKEN })');
  if (server && centra && centra.mode === 'webhook' && server.webhookSecrets.length === 0) {
    problems.push('server.webhookSecrets: at least one secret is needed in webhook mode (e.g. [{ env: CENTRA_WEBHOOK_SECRET }])');
  }
  const webhookSecrets = server ? server.webhookSecrets.map((s, i) => tryResolve(s, `server.webhookSecrets[${i}]`, problems, env)) : [];
  const adminToken = server?.adminToken ? tryResolve(server.adminToken, 'server.adminToken', problems, env) : '';
  const operatorToken = server?.operatorToken ? tryResolve(server.operatorToken, 'server.operatorToken', problems, env) : null;
  if (operatorToken && operatorToken === adminToken) problems.push('server.operatorToken: must differ from server.adminToken (the operator token is what allows replay)');
  const token = centra ? tryResolve(centra.token, 'centra.token', problems, env) : '';
  let port = server?.port;
  if (port === undefined) {
    const fromEnv = env.PORT;
    if (fromEnv !== undefined && fromEnv !== '') {
      const n = Number(fromEnv);
      if (!Number.isInteger(n) || n < 0 || n > 65535) problems.push(`PORT: "${fromEnv}" is not a port number`);
      else port = n;
    }
  }
  if (problems.length || !server || !centra) throw new InputError('the configuration cannot run the service', problems);
  return {
    port: port ?? DEFAULT_PORT,
    host: server.host,
    webhookSecrets,
    adminToken,
    operatorToken,
    maxBodyBytes: server.maxBodyBytes,
    signatureToleranceSec: server.signatureToleranceSec,
    timeouts: server.timeouts,
    maxConnections: server.maxConnections,
    readiness: server.readiness,
    signInLimit: server.signInLimit,
    trustProxy: server.trustProxy,
    metricsRecountMinutes: server.metricsRecountMinutes,
    centra: { url: centra.url, token, mode: centra.mode, pollIntervalMs: centra.pollIntervalMs, timeoutMs: centra.timeoutMs, batchSize: centra.batchSize, rateLimits: centra.rateLimits, complexityLimits: centra.complexityLimits },
  };
}
