// Settings of the Voyado Engage DTC sync, part of the Voyado plugin's config (`engage:`).
// Everything defaults to off, so a config without `engage` behaves as before.
import { z } from 'zod';
import { secretRefSchema } from '../../../config/secret.ts';

export const SYNC_MODES = ['all', 'registered', 'engage_id', 'off'] as const;
export type SyncMode = (typeof SYNC_MODES)[number];

const promotionsSchema = z
  .object({
    /** Redeem the order's promotion (`voyado_promotion_id`) once it ships with a successful payment; serve GET /api/promotions. */
    enabled: z.boolean().default(false),
    /** Engage promotion externalId, EXTERNALOFFER code or promotionId → Centra voucher code. */
    vouchers: z.record(z.string(), z.string()).default({}),
    /** Bearer token the storefront sends to GET /api/promotions (never the admin token). */
    storefrontToken: secretRefSchema.optional(),
  })
  .strict();

export const engageSettingsSchema = z
  .object({
    /**
     * all: every customer → Member; registered: registered customers → Member, the rest transactional;
     * engage_id: customers carrying an Engage contactId → Member, the rest transactional; off: no contact sync.
     */
    syncContacts: z.enum(SYNC_MODES).default('off'),
    /** Newsletter subscribers that are not Members → contact type "Contact". */
    newsletterAsContact: z.boolean().default(false),
    /** Handle of the tenant's transactional contact type (tenant-specific). */
    transactionalContactType: z.string().min(1).default('TransactionalContact'),
    /** Member contact type handle. */
    memberContactType: z.string().min(1).default('Member'),
    /** Newsletter contact type handle. */
    newsletterContactType: z.string().min(1).default('Contact'),
    /** Purchase and return receipts for Members (needs a contact sync mode other than off). */
    receipts: z.boolean().default(false),
    /** `source` query parameter of contacts the bridge creates. */
    source: z.string().min(1).default('centra'),
    promotions: promotionsSchema.default({ enabled: false, vouchers: {} }),
  })
  .strict()
  .default({
    syncContacts: 'off',
    newsletterAsContact: false,
    transactionalContactType: 'TransactionalContact',
    memberContactType: 'Member',
    newsletterContactType: 'Contact',
    receipts: false,
    source: 'centra',
    promotions: { enabled: false, vouchers: {} },
  });
export type EngageSettings = z.infer<typeof engageSettingsSchema>;

/** Whether any Engage sync is on for a plugin. */
export const engageEnabled = (e: EngageSettings): boolean => e.syncContacts !== 'off' || e.receipts || e.promotions.enabled;
