// The email types Centra knows (seed 002) and who can receive a copy.
export const EMAIL_TYPES = [
  'buyer_created',
  'forgot_email',
  'order',
  'order_conf',
  'shipment',
  'cancel',
  'refund',
  'invoice',
  'creditnote',
] as const;
export type EmailType = (typeof EMAIL_TYPES)[number];

/** Voyado Engage sync operations (src/engage/): planned and delivered like emails, but no email. */
export const SYNC_KINDS = ['engage_contact', 'engage_receipt', 'engage_redeem'] as const;
export type SyncKind = (typeof SYNC_KINDS)[number];

/** `buyer` and `sales_rep` on wholesale stores, `customer` on direct-to-consumer stores. */
export const RECIPIENTS = ['buyer', 'sales_rep', 'customer'] as const;
export type Recipient = (typeof RECIPIENTS)[number];

export const ESPS = ['klaviyo', 'rule', 'voyado', 'smtp'] as const;
export type EspName = (typeof ESPS)[number];
