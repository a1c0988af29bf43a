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

/** `buyer` and `sales_rep` on wholesale stores, `customer` on direct-to-consumer stores. */
export const RECIPIENTS = ['buyer', 'sales_rep', 'customer'] as const;
export type Recipient = (typeof RECIPIENTS)[number];
