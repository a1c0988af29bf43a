// The gates every Centra request of a process waits at. The request buckets belong to Centra's
// token: on PostgreSQL they are shared through the store by every process of the deployment (serve,
// workers, a manual send), as an ESP key's are (delivery/rate-gate.ts), so N processes stay within one
// quota; on SQLite (one process) they are the process's own. The complexity buckets stay per process:
// Centra charges complexity after the answer (extensions.complexity), which a lease taken before the
// request cannot know; each process pays what its answers cost before its next request.
import { createCentraGate, createComplexityGate, type CentraRate } from '../centra/quota.ts';
import type { CentraGate } from '../centra/graphql-client.ts';
import { systemClock } from '../delivery/clock.ts';
import { credentialGate, credentialId } from '../delivery/rate-gate.ts';
import type { WorkerLogger } from '../delivery/attempt.ts';
import type { QuotaStore } from '../storage/quotas.ts';

export function centraGates(
  settings: { token: string; rateLimits: readonly CentraRate[]; complexityLimits: readonly CentraRate[] },
  deps: { quotas?: QuotaStore | null; log: WorkerLogger },
): { gate: CentraGate; complexityGate: CentraGate } {
  const gate = deps.quotas
    ? credentialGate(credentialId('centra', settings.token), settings.rateLimits.map((r) => ({ limit: r.limit, intervalMs: r.intervalMs })), { quotas: deps.quotas, clock: systemClock, log: deps.log })
    : createCentraGate(settings.rateLimits);
  return { gate, complexityGate: createComplexityGate(settings.complexityLimits) };
}
