// Voyado Engage as an ESP module: settings, mapping (plugin.ts, payload.ts), transport, and the
// Engage DTC sync (engage/: its planner, its delivery kinds, the storefront's promotions route).
import type { EspModule } from '../plugin.ts';
import { planSync } from './engage/plan.ts';
import { promotionsRoute } from './engage/promotions-route.ts';
import { SYNC_KINDS } from './engage/send.ts';
import { buildRequest, triggerName, voyadoSettingsSchema, type VoyadoSettings } from './plugin.ts';
import { createVoyadoTransport } from './transport.ts';

export const voyadoEsp: EspModule<'voyado', VoyadoSettings> = {
  name: 'voyado',
  settingsSchema: voyadoSettingsSchema,
  triggerName,
  buildRequest,
  createTransport: (deps) =>
    createVoyadoTransport({
      credentials: (plugin) => {
        const s = deps.settings(plugin);
        return { apiKey: deps.secret(s.apiKey), newContactType: s.newContactType };
      },
      timeoutMs: deps.timeoutMs,
      contacts: deps.storage.contacts,
    }),
  delivery: {
    // Identical order calls fire the automation twice: never re-send blindly.
    retry: { idempotent: false, onAmbiguous: 'dead' },
    // Stay under 50 requests/s per key (SPEC §4).
    limits: { rates: [{ limit: 50, intervalMs: 1_000 }] },
  },
  secrets: { headers: ['apikey'] },
  syncKinds: SYNC_KINDS,
  planSync,
  routes: promotionsRoute,
};
