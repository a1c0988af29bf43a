// esp-bridge send: one email type by hand for one Centra object (Centra's "Send email" modal).
// Stores the deliveries in the outbox; a running `serve` or `worker` sends them.
import { openBridge } from '../app/bridge.ts';
import { createCentraClient } from '../centra/graphql-client.ts';
import { imageSizesOf } from '../app/image-sizes.ts';
import { centraGates } from '../app/centra-gates.ts';
import { silentLogger } from '../delivery/attempt.ts';
import { InputError, NotFoundError, UnavailableError, UpstreamError } from '../config/errors.ts';
import { loadConfig } from '../config/load.ts';
import { resolveSecret } from '../config/secret.ts';
import { sendManualEmail } from '../ingest/manual.ts';
import { preparePlanning } from '../pipeline/plan.ts';

export async function sendCommand(opts: { config: string; type: string; id: string; email: string; to?: string }): Promise<void> {
  const config = loadConfig(opts.config);
  if (!config.centra) throw new InputError(`${opts.config} has no centra section`, ['centra: url and token are needed to fetch the object (see docs/config.md)']);
  let token: string;
  try {
    token = resolveSecret(config.centra.token);
  } catch (e) {
    throw new InputError('cannot reach Centra', [`centra.token: ${(e as Error).message}`]);
  }
  const recipients = opts.to ? opts.to.split(',').map((s) => s.trim()).filter(Boolean) : undefined;
  await preparePlanning(config);
  const bridge = openBridge(config);
  // Its own process: on PostgreSQL it takes its request or two from the quota it shares with serve
  // (app/centra-gates.ts); on SQLite it has a gate of its own.
  const gates = centraGates({ token, rateLimits: config.centra.rateLimits, complexityLimits: config.centra.complexityLimits }, { quotas: bridge.storage.quotas, log: silentLogger });
  const centra = createCentraClient({ url: config.centra.url, token, timeoutMs: config.centra.timeoutMs, ...gates, imageSizes: imageSizesOf(config) });
  try {
    const r = await sendManualEmail({ centra, bridge }, { type: opts.type, id: opts.id, emailType: opts.email, ...(recipients ? { recipients } : {}) });
    const out = {
      requestId: r.requestId,
      eventKeys: r.events.map((e) => e.eventKey),
      deliveries: r.events.flatMap((e) => e.deliveries),
      skipped: r.events.flatMap((e) => e.skipped),
    };
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    process.stderr.write(`${out.deliveries.length} deliveries stored; a running serve or worker sends them\n`);
  } catch (err) {
    // Centra down, a query Centra refused, an object it does not have: a readable line, not a stack.
    if (err instanceof UnavailableError || err instanceof UpstreamError || err instanceof NotFoundError) throw new InputError('manual send failed', [err.message]);
    throw err;
  } finally {
    await bridge.close();
  }
}
