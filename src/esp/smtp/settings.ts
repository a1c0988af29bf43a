// Fallback email settings: per store (branding, PDF) and the SMTP server the bridge sends through.
import { z } from 'zod';
import { secretRefSchema } from '../../config/secret.ts';

export const fallbackSettingsSchema = z
  .object({
    /** Where the fallback email's language comes from, as for plugins. */
    language: z.enum(['store', 'delivery_country', 'site']).default('site'),
  })
  .strict()
  .default({ language: 'site' });
export type FallbackSettings = z.infer<typeof fallbackSettingsSchema>;

export const smtpServerSchema = z
  .object({
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535).default(587),
    /** true = TLS from the start (465); false = STARTTLS when offered. */
    secure: z.boolean().default(false),
    auth: z.object({ user: z.string().min(1), pass: secretRefSchema }).strict().optional(),
  })
  .strict();
export type SmtpServerConfig = z.infer<typeof smtpServerSchema>;
