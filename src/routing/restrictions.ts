// Where a plugin applies (its restrictions) and its per-email toggles: part of every plugin's settings.
import { z } from 'zod';
import { EMAIL_TYPES } from '../emails/catalog.ts';

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
