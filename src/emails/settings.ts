// Store email settings of SPEC §2 (seed 002), with Centra's defaults.
import { z } from 'zod';

const sendTo = z.enum(['none', 'sales_rep', 'buyer', 'both']);
export type SendTo = z.infer<typeof sendTo>;

export const emailSettingsSchema = z
  .object({
    /** "Welcome to Showroom" auto-send: yes / no / only when the buyer was created in Showroom. */
    welcomeEmail: z.enum(['yes', 'no', 'showroom_only']).default('yes'),
    /** Store setting: send the order receipt. The buyer-level override wins when set. */
    orderReceipt: z.boolean().default(true),
    /** Attach a PDF of the order to the receipt (fallback emails). */
    orderReceiptPdf: z.boolean().default(false),
    /** "Send order confirmation emails to" (wholesale). Also governs the receipt's sales-rep copy. */
    orderConfirmationTo: sendTo.default('buyer'),
    /** "Send shipment confirmation emails to" (wholesale). */
    shipmentConfirmationTo: sendTo.default('buyer'),
    /** Direct-to-consumer: send the order confirmation when an order is confirmed. */
    orderConfirmation: z.boolean().default(true),
    /** Direct-to-consumer: send "account created" when a registered customer is created. */
    accountCreated: z.boolean().default(true),
    /** Send the cancel email when the event does not say ("Send email to client", default No). */
    cancelEmailByDefault: z.boolean().default(false),
  })
  .strict()
  .default({
    welcomeEmail: 'yes',
    orderReceipt: true,
    orderReceiptPdf: false,
    orderConfirmationTo: 'buyer',
    shipmentConfirmationTo: 'buyer',
    orderConfirmation: true,
    accountCreated: true,
    cancelEmailByDefault: false,
  });
export type EmailSettings = z.infer<typeof emailSettingsSchema>;
