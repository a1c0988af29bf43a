// Fallback email settings: per store (language, branding, template overrides) and the SMTP server
// the bridge sends through. Documented in docs/fallback-emails.md.
import { z } from 'zod';
import { secretRefSchema } from '../../config/secret.ts';
import type { StoreContext } from '../plugin.ts';

const colour = z.string().regex(/^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/, 'a colour such as #1a1a1a');

export const brandingSchema = z
  .object({
    /** Absolute URL of the logo shown at the top of every email ('' = the store name as text). */
    logoUrl: z.union([z.string().url(), z.literal('')]).default(''),
    /** Header band, buttons and headings. */
    primaryColor: colour.default('#1a1a1a'),
    /** Links and highlighted amounts. */
    accentColor: colour.default('#b5651d'),
    /** Footer text under every email ('' = the store name and sender address). */
    footerText: z.string().default(''),
  })
  .strict();
export type Branding = z.infer<typeof brandingSchema>;

const DEFAULT_BRANDING: Branding = { logoUrl: '', primaryColor: '#1a1a1a', accentColor: '#b5651d', footerText: '' };

export const fallbackSettingsSchema = z
  .object({
    /** Where the fallback email's language comes from, as for plugins. */
    language: z.enum(['store', 'delivery_country', 'site']).default('site'),
    branding: brandingSchema.default(DEFAULT_BRANDING),
    /** A folder whose files replace built-in templates by name (order.mjml, order.subject.hbs, order.text.hbs, _header.mjml, ...). */
    templatesDir: z.string().min(1).optional(),
  })
  .strict()
  .default({ language: 'site', branding: DEFAULT_BRANDING });
export type FallbackSettings = z.infer<typeof fallbackSettingsSchema>;

/** What a fallback email reads of its store. */
export interface FallbackStore extends StoreContext {
  fallback: FallbackSettings;
  emails: { orderReceiptPdf: boolean };
}

export const smtpServerSchema = z
  .object({
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535).default(587),
    /** true = TLS from the start (465); false = STARTTLS when offered. */
    secure: z.boolean().default(false),
    /** Refuse to send unless STARTTLS succeeds (ignored when secure). */
    requireTLS: z.boolean().default(false),
    auth: z.object({ user: z.string().min(1), pass: secretRefSchema }).strict().optional(),
    /** Milliseconds to wait for the TCP (and TLS) connection. */
    connectionTimeoutMs: z.number().int().positive().default(10_000),
    /** Milliseconds to wait for the server's greeting once connected. */
    greetingTimeoutMs: z.number().int().positive().default(10_000),
    /** Milliseconds of socket inactivity before giving up (covers the reply to DATA). */
    socketTimeoutMs: z.number().int().positive().default(60_000),
    /** Name announced in EHLO ('' = the machine's hostname). */
    clientName: z.string().default(''),
  })
  .strict();
export type SmtpServerConfig = z.infer<typeof smtpServerSchema>;
