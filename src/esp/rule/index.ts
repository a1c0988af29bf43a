// Rule as an ESP module: settings, mapping (plugin.ts, payload.ts), transport, defaults.
import type { EspModule } from '../plugin.ts';
import { buildRequest, ruleSettingsSchema, triggerName, type RuleSettings } from './plugin.ts';
import { createRuleTransport } from './transport.ts';

export const ruleEsp: EspModule<'rule', RuleSettings> = {
  name: 'rule',
  settingsSchema: ruleSettingsSchema,
  triggerName,
  buildRequest,
  createTransport: (deps) =>
    createRuleTransport({ credentials: (plugin) => ({ apiKey: deps.secret(deps.settings(plugin).apiKey) }), timeoutMs: deps.timeoutMs }),
  delivery: {
    // A re-send re-tags the subscriber and restarts the automation: never repeat blindly.
    retry: { idempotent: false, onAmbiguous: 'dead' },
    // Rule publishes no number for v2 (docs/rule.md): a bucket of 2 per second paces about one
    // request a second, never 3 in any second, below the 2–5 req/s Rule was seen throttling at;
    // 4 at once as Rule's own SDK sends. Adaptive pacing (delivery/adaptive-pacing.ts) slows
    // further on a 429. A known higher allowance: delivery.limits.esp.rule.
    limits: { concurrency: 4, rates: [{ limit: 2, intervalMs: 1000 }] },
  },
  // The key goes in the body's `apikey` (as the seed shows) or as a Bearer header.
  secrets: { headers: ['authorization'], body: ['apikey'] },
  // Rule keeps the email's data as subscriber fields (key → value); a template reads them by key.
  templateFields: (request) =>
    Object.fromEntries(((request.body as { subscribers: { fields: { key: string; value: unknown }[] } }).subscribers.fields ?? []).map((f) => [f.key, f.value])),
};
