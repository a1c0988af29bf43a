// Settings every ESP plugin has: its name, where it applies, and which language it sends.
import { z } from 'zod';
import { EMAIL_TYPES } from '../emails/catalog.ts';
import { secretRefSchema } from '../config/secret.ts';

const idOrName = z.union([z.number().int(), z.string().min(1)]);

export const restrictionsSchema = z
  .object({
    /** Pricelist ids or names. Empty = everywhere. */
    pricelists: z.array(idOrName).default([]),
    markets: z.array(idOrName).default([]),
    /** Delivery country codes (ISO 3166-1 alpha-2). */
    countries: z.array(z.string().length(2, 'a two-letter country code')).default([]),
    /** Locales or language codes, e.g. "sv-SE" or "sv". */
    locales: z.array(z.string().min(2)).default([]),
  })
  .strict()
  .default({ pricelists: [], markets: [], countries: [], locales: [] });
export type Restrictions = z.infer<typeof restrictionsSchema>;

/** Per email type: false disables it, a string renames its metric / tag / trigger / status. */
const emailToggleSchema = z.union([z.boolean(), z.string().min(1)]);
export const emailTogglesSchema = z.partialRecord(z.enum(EMAIL_TYPES), emailToggleSchema).default({});

export const commonPluginFields = {
  name: z.string().min(1),
  apiKey: secretRefSchema,
  /** The ESP's API base URL (the sandbox emulators in tests and the demo). */
  baseUrl: z.string().url().optional(),
  restrictions: restrictionsSchema,
  /** Where the language sent to the ESP comes from. */
  language: z.enum(['store', 'delivery_country', 'site']).default('store'),
  emails: emailTogglesSchema,
  /** Which product image size to send (a size name of the product media). */
  imageSize: z.string().default('standard'),
};
