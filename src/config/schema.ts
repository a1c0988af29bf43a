// The configuration file (YAML or JSON): stores, their email settings and their ESP plugins.
// Every section is strict, so a typo is an error that names the field.
import { z } from 'zod';
import { emailSettingsSchema } from '../emails/settings.ts';
import { CHANNEL_NAMES, FALLBACK, pluginSchema, type PluginConfig } from '../esp/modules.ts';
import { deliverySchema } from '../delivery/config.ts';
import { centraSchema, serverSchema } from './server.ts';
import { storageSchema } from '../storage/config.ts';

export { pluginSchema, type PluginConfig };

/** Locale used for "language from delivery country" when the config does not name one. */
export const DEFAULT_COUNTRY_LANGUAGES: Record<string, string> = {
  SE: 'sv-SE', DK: 'da-DK', NO: 'nb-NO', FI: 'fi-FI', DE: 'de-DE', AT: 'de-AT', CH: 'de-CH', GB: 'en-GB', IE: 'en-IE',
  US: 'en-US', CA: 'en-CA', AU: 'en-AU', PL: 'pl-PL', FR: 'fr-FR', NL: 'nl-NL', BE: 'nl-BE', ES: 'es-ES', IT: 'it-IT', PT: 'pt-PT',
};

export const storeSchema = z
  .object({
    /** Centra's store id (order.store.id). */
    id: z.number().int(),
    name: z.string().min(1),
    kind: z.enum(['wholesale', 'dtc']),
    /** Store language: a locale ("sv-SE") or a language code ("en"). */
    language: z.string().min(2).default('en'),
    /** Who the store's emails come from (fallback emails; invoice message). */
    sender: z
      .object({ name: z.string().min(1), email: z.string().email(), replyTo: z.string().email().optional() })
      .strict()
      .default({ name: 'Showroom', email: 'noreply@example.com' }),
    urls: z
      .object({
        /** Showroom / storefront base URL (order links). */
        showroom: z.string().url().optional(),
        /** The brand's website. */
        company: z.string().url().optional(),
      })
      .strict()
      .default({}),
    /** Tracking link: {trackingNumber} is replaced; without it the number is appended. */
    trackingUrl: z.string().default(''),
    emails: emailSettingsSchema,
    /** Delivery country → locale, for plugins whose language comes from the delivery country. */
    countryLanguages: z.record(z.string().length(2), z.string().min(2)).default({}),
    /** ESP plugins in order: the first whose restrictions match sends the email. */
    plugins: z.array(pluginSchema).default([]),
    /** The bridge's own emails when no plugin takes one. */
    fallback: FALLBACK.settingsSchema,
    /**
     * shadow: every delivery of the store (the fallback's too) is planned and stored, status
     * `shadow`, and never sent: the dry run before switching Centra's own emails off
     * (docs/moving-off-centra-emails.md). A plugin's own `mode` does it for that plugin only.
     */
    mode: z.enum(['live', 'shadow']).default('live'),
  })
  .strict()
  .superRefine((store, ctx) => {
    const names = new Set<string>();
    store.plugins.forEach((p, i) => {
      if (names.has(p.name)) ctx.addIssue({ code: 'custom', path: ['plugins', i, 'name'], message: `plugin name "${p.name}" is used twice in this store` });
      names.add(p.name);
    });
  });
export type StoreConfig = z.infer<typeof storeSchema>;

export const configSchema = z
  .object({
    stores: z.array(storeSchema).min(1, 'at least one store'),
    /** SMTP server for fallback emails. */
    smtp: FALLBACK.serverSchema.optional(),
    storage: storageSchema,
    delivery: deliverySchema,
    /** HTTP service (`esp-bridge serve`); optional for preview, required by serve. */
    server: serverSchema.optional(),
    /** Centra's Integration API; optional for preview, required by serve and send. */
    centra: centraSchema.optional(),
  })
  .strict()
  .superRefine((config, ctx) => {
    // Per-ESP delivery settings name a channel the registry knows (src/esp/registry.ts).
    const perEsp: [string[], Record<string, unknown> | undefined][] = [
      [['delivery', 'retry', 'esps'], config.delivery.retry.esps],
      [['delivery', 'limits', 'esp'], config.delivery.limits.esp],
    ];
    for (const [path, record] of perEsp) {
      for (const name of Object.keys(record ?? {})) {
        if (!CHANNEL_NAMES.includes(name)) ctx.addIssue({ code: 'custom', path: [...path, name], message: `unknown ESP "${name}" (known: ${CHANNEL_NAMES.join(', ')})` });
      }
    }
    const ids = new Set<number>();
    const plugins = new Map<string, number>();
    config.stores.forEach((s, i) => {
      if (ids.has(s.id)) ctx.addIssue({ code: 'custom', path: ['stores', i, 'id'], message: `store id ${s.id} is used twice` });
      ids.add(s.id);
      // Deliveries name their plugin; the name finds its credentials, so it is unique across stores.
      s.plugins.forEach((p, j) => {
        const other = plugins.get(p.name);
        if (other !== undefined && other !== s.id) ctx.addIssue({ code: 'custom', path: ['stores', i, 'plugins', j, 'name'], message: `plugin name "${p.name}" is also used by store ${other}; plugin names are unique across stores` });
        plugins.set(p.name, s.id);
      });
    });
    // An old name is an alias for exactly one plugin, and no longer any plugin's own name.
    const aliases = new Map<string, string>();
    config.stores.forEach((s, i) =>
      s.plugins.forEach((p, j) =>
        p.renamedFrom.forEach((old, k) => {
          const path = ['stores', i, 'plugins', j, 'renamedFrom', k];
          if (plugins.has(old)) ctx.addIssue({ code: 'custom', path, message: `"${old}" is still a plugin's name; renamedFrom names a plugin's former name` });
          else if (aliases.has(old) && aliases.get(old) !== p.name) ctx.addIssue({ code: 'custom', path, message: `"${old}" is also in plugin "${aliases.get(old)}"'s renamedFrom` });
          aliases.set(old, p.name);
        }),
      ),
    );
  });
export type Config = z.infer<typeof configSchema>;
