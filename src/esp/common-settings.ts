// Settings every ESP plugin has: its name, its key, where it applies, and which language it sends.
import { z } from 'zod';
import { secretRefSchema } from '../config/secret.ts';
import { emailTogglesSchema, restrictionsSchema } from '../routing/restrictions.ts';

export const commonPluginFields = {
  name: z.string().min(1),
  /**
   * The names this plugin had before (docs/operations.md, "Renaming a plugin"): deliveries stored
   * under an old name are sent with this plugin's settings instead of being stranded.
   */
  renamedFrom: z.union([z.string().min(1), z.array(z.string().min(1))]).transform((v) => (Array.isArray(v) ? v : [v])).default([]),
  apiKey: secretRefSchema,
  /** The ESP's API base URL (the sandbox emulators in tests and the demo). */
  baseUrl: z.string().url().optional(),
  restrictions: restrictionsSchema,
  /** Where the language sent to the ESP comes from. */
  language: z.enum(['store', 'delivery_country', 'site']).default('store'),
  emails: emailTogglesSchema,
  /** Which product image size to send (a size name of the product media). */
  imageSize: z.string().default('standard'),
  /** shadow: this plugin's deliveries are planned and stored (status `shadow`) but never sent (docs/moving-off-centra-emails.md). */
  mode: z.enum(['live', 'shadow']).default('live'),
};

const pluginSettingsSchema = z.object({ esp: z.string(), ...commonPluginFields });
/** What every plugin's settings hold, whatever its ESP. */
export type PluginSettings = z.infer<typeof pluginSettingsSchema>;
