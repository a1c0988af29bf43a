// The gates every Centra request of a process waits at. On PostgreSQL both kinds of Centra bucket
// belong to the token and are shared through the store by every process of the deployment (serve,
// workers, a manual send), so N processes stay within one quota: the request buckets are leased
// before each request, as an ESP key's are (delivery/rate-gate.ts); the complexity buckets are
// post-paid, since Centra tells a query's complexity only in its answer (extensions.complexity):
// a request holds an estimate of its cost in the store while on its way, and its answer's
// complexity is charged after it (centra/shared-complexity-gate.ts, docs/centra.md §2). On SQLite
// (one process) both are the process's own.
import { createCentraGate, createComplexityGate, type CentraRate } from '../centra/quota.ts';
import type { CentraGate, PostPaidComplexityGate } from '../centra/graphql-client.ts';
import { SharedComplexityGate } from '../centra/shared-complexity-gate.ts';
import { systemClock } from '../delivery/clock.ts';
import { credentialGate, credentialId } from '../delivery/rate-gate.ts';
import type { WorkerLogger } from '../delivery/attempt.ts';
import type { QuotaStore } from '../storage/quotas.ts';

export function centraGates(
  settings: { token: string; rateLimits: readonly CentraRate[]; complexityLimits: readonly CentraRate[] },
  deps: { quotas?: QuotaStore | null; log: WorkerLogger },
): { gate: CentraGate; complexityGate: CentraGate | PostPaidComplexityGate } {
  const gate = deps.quotas
    ? credentialGate(credentialId('centra', settings.token), settings.rateLimits.map((r) => ({ limit: r.limit, intervalMs: r.intervalMs })), { quotas: deps.quotas, clock: systemClock, log: deps.log })
    : createCentraGate(settings.rateLimits);
  const complexityGate =
    deps.quotas && settings.complexityLimits.length > 0
      ? new SharedComplexityGate(deps.quotas, credentialId('centra-complexity', settings.token), settings.complexityLimits, { clock: systemClock, log: deps.log })
      : createComplexityGate(settings.complexityLimits);
  return { gate, complexityGate };
}
