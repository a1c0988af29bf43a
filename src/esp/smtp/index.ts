// The SMTP fallback as a delivery channel: its transport and defaults. The email itself is built
// by buildFallbackEmail (plugin.ts) when routing finds no plugin.
import type { FallbackModule } from '../plugin.ts';
import type { SmtpServerConfig } from './settings.ts';
import { createSmtpTransport } from './transport.ts';

export const smtpFallback: FallbackModule<SmtpServerConfig> = {
  name: 'smtp',
  createTransport: (server, secret) => createSmtpTransport({ server, resolveSecret: secret }),
  delivery: {
    // A repeated DATA may deliver the message twice.
    retry: { idempotent: false, onAmbiguous: 'dead' },
    limits: { rates: [], concurrency: 4 },
  },
  // The stored message holds no credential: the server's password is added at send time.
  secrets: {},
};
