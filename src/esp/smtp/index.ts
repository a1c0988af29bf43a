// The SMTP fallback as a channel module: the email the bridge builds itself when no plugin takes
// one (plugin.ts), its settings, its template check, its transport and delivery defaults.
import type { FallbackModule } from '../plugin.ts';
import { checkFallbackTemplates } from './check.ts';
import type { SmtpMessageBody } from './message.ts';
import { buildFallbackEmail } from './plugin.ts';
import { fallbackSettingsSchema, smtpServerSchema, type FallbackStore, type SmtpServerConfig } from './settings.ts';
import { prepareTemplateSets } from './templates.ts';
import { createSmtpTransport } from './transport.ts';

export type { SmtpMessageBody };

export const smtpFallback = {
  name: 'smtp',
  buildEmail: buildFallbackEmail,
  settingsSchema: fallbackSettingsSchema,
  serverSchema: smtpServerSchema,
  prepare: (config) => prepareTemplateSets(config.stores.flatMap((s) => (s.fallback.templatesDir ? [s.fallback.templatesDir] : []))),
  checkTemplates: checkFallbackTemplates,
  createTransport: (server, secret) => createSmtpTransport({ server, resolveSecret: secret }),
  delivery: {
    // A repeated DATA may deliver the message twice.
    retry: { idempotent: false, onAmbiguous: 'dead' },
    limits: { rates: [], concurrency: 4 },
  },
  // The stored message holds no credential: the server's password is added at send time.
  secrets: {},
} satisfies FallbackModule<SmtpServerConfig, FallbackStore>;
