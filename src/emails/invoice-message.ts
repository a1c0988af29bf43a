// The invoice email's message: typed in Centra's "Send email" modal (or the default text), with
// its placeholders replaced. Every ESP sends the same text.
import { personName } from '../domain/address.ts';
import { longDateTime } from '../domain/dates.ts';
import type { Invoice } from '../domain/types.ts';

export const DEFAULT_INVOICE_MESSAGE = [
  '='.repeat(67),
  '%type',
  '='.repeat(67),
  '%date',
  '',
  'Dear %name,',
  "Here's your %kind. Please download it from the link below.",
  '',
  '%link',
  '%paylink',
  '',
  'If you have any questions about this %kind, please feel free to mail us at %storeEmail',
  '',
  'Sincerely,',
  '%storeName',
].join('\n');

export function renderInvoiceMessage(template: string, invoice: Invoice, store: { name: string; email: string }): string {
  const kind = invoice.kind === 'creditnote' ? 'credit note' : 'invoice';
  const values: Record<string, string> = {
    paylink: invoice.payLink,
    link: invoice.link,
    date: longDateTime(invoice.createdAt),
    name: personName(invoice.address),
    type: kind.toUpperCase(),
    kind,
    storeEmail: store.email,
    storeName: store.name,
  };
  return template.replace(/%(paylink|link|date|name|type|kind|storeEmail|storeName)\b/g, (_, k: string) => values[k]);
}
