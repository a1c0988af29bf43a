// The start-up probe asks Centra's rateLimits (docs/centra.md, quota) and names a client bucket that
// is above the quota Centra reports for the token, or a Centra bucket the client does not hold.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkQuota } from '../../src/centra/quota.ts';
import { CENTRA_EXAMPLE_COMPLEXITY_QUOTA, CENTRA_EXAMPLE_REQUEST_QUOTA } from '../../src/config/server.ts';
import { startHarness, waitFor } from '../server/helpers.ts';

const example = { rateLimits: CENTRA_EXAMPLE_REQUEST_QUOTA, complexityLimits: CENTRA_EXAMPLE_COMPLEXITY_QUOTA };
const reported = (requestsPer10s: number) => [
  { type: 'REQUEST_COUNT' as const, intervalSeconds: 'TEN_SECONDS' as const, quota: requestsPer10s, usedQuota: 1, remainingQuota: requestsPer10s - 1 },
  { type: 'REQUEST_COUNT' as const, intervalSeconds: 'ONE_HOUR' as const, quota: 10_000, usedQuota: 1, remainingQuota: 9_999 },
  { type: 'QUERY_COMPLEXITY' as const, intervalSeconds: 'TEN_SECONDS' as const, quota: 150_000, usedQuota: 0, remainingQuota: 150_000 },
  { type: 'MUTATION_COUNT' as const, intervalSeconds: 'TEN_SECONDS' as const, quota: 5, usedQuota: 0, remainingQuota: 5 },
];

test('checkQuota: the example buckets fit the example quota; a lower Centra quota and a missing bucket are named', () => {
  assert.deepEqual(checkQuota(example, reported(20)).problems, []);
  assert.deepEqual(checkQuota(example, reported(10)).problems, ["centra.rateLimits allows 20 per 10000 ms where Centra's quota for this token is 10 per TEN_SECONDS: Centra will answer 429"]);
  assert.deepEqual(checkQuota({ ...example, rateLimits: [{ limit: 20, intervalMs: 10_000 }] }, reported(20)).problems, ["centra.rateLimits has no bucket of 3600000 ms where Centra's quota is 10000 per ONE_HOUR"]);
  assert.deepEqual(checkQuota({ ...example, rateLimits: [] }, reported(20)).problems.length, 2);
  assert.equal(checkQuota(example, reported(20)).summary[0], 'REQUEST_COUNT/TEN_SECONDS 20 (1 used)');
});

test('serve against a Centra whose token has 10 requests / 10 s: the start-up probe warns that centra.rateLimits (20) is above it', async () => {
  const h = await startHarness({ orders: 10, centraQuota: { requestsPer10s: 10 } });
  try {
    await waitFor(() => h.logs.has(/Centra Integration API reachable/), 'the probe answered', 10_000);
    const warned = h.logs.lines.filter((l) => /^Centra quota: /.test(String(l.msg))).map((l) => l.msg);
    assert.deepEqual(warned, ["Centra quota: centra.rateLimits allows 20 per 10000 ms where Centra's quota for this token is 10 per TEN_SECONDS: Centra will answer 429"]);
    const reachable = h.logs.lines.find((l) => /Centra Integration API reachable/.test(String(l.msg)));
    assert.ok(reachable.quota.includes('REQUEST_COUNT/TEN_SECONDS 10 (1 used)'), JSON.stringify(reachable.quota));
  } finally {
    await h.close();
  }
});

test('with centra.rateLimits set to that quota, the probe has nothing to say', async () => {
  const h = await startHarness({ orders: 10, centraQuota: { requestsPer10s: 10 }, centra: { rateLimits: [{ limit: 10, intervalMs: 10_000 }, { limit: 10_000, intervalMs: 3_600_000 }] } });
  try {
    await waitFor(() => h.logs.has(/Centra Integration API reachable/), 'the probe answered', 10_000);
    assert.equal(h.logs.lines.filter((l) => /^Centra quota: /.test(String(l.msg))).length, 0);
  } finally {
    await h.close();
  }
});
