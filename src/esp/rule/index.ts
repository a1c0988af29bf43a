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
    limits: { rates: [] },
  },
  // The key goes in the body's `apikey` (as the seed shows) or as a Bearer header.
  secrets: { headers: ['authorization'], body: ['apikey'] },
  // Rule keeps the email's data as subscriber fields (key → value); a template reads them by key.
  templateFields: (request) =>
    Object.fromEntries(((request.body as { subscribers: { fields: { key: string; value: unknown }[] } }).subscribers.fields ?? []).map((f) => [f.key, f.value])),
};
