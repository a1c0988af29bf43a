// Klaviyo as an ESP module: settings, mapping (plugin.ts, payload.ts), transport, defaults.
import type { EspModule } from '../plugin.ts';
import { buildRequest, klaviyoSettingsSchema, triggerName, type KlaviyoSettings } from './plugin.ts';
import { createKlaviyoTransport } from './transport.ts';
import { revisionFindings } from './revision.ts';

export const klaviyoEsp: EspModule<'klaviyo', KlaviyoSettings> = {
  name: 'klaviyo',
  settingsSchema: klaviyoSettingsSchema,
  triggerName,
  buildRequest,
  createTransport: (deps) =>
    createKlaviyoTransport({ credentials: (plugin) => ({ apiKey: deps.secret(deps.settings(plugin).apiKey) }), timeoutMs: deps.timeoutMs }),
  delivery: {
    // unique_id makes a repeat of the same event a no-op at Klaviyo: an ambiguous failure may be retried.
    retry: { idempotent: true },
    // Klaviyo's Create Event limits: burst 350/s, steady 3,500/min (SPEC §4).
    limits: { rates: [{ limit: 350, intervalMs: 1_000 }, { limit: 3_500, intervalMs: 60_000 }] },
  },
  secrets: { headers: ['authorization'] },
  // A retired revision is refused at start-up; one retiring within 90 days is a warning.
  checkSettings: (settings, now) => revisionFindings(settings.revision, now),
  // A Klaviyo template reads an event's properties as {{ event.<name> }}.
  templateFields: (request) => (request.body as { data: { attributes: { properties: unknown } } }).data.attributes.properties,
};
