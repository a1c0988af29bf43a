// Fallback email (SPEC §6): when no ESP plugin takes an email, the bridge sends it itself over SMTP.
// This first version renders a plain summary; the templates come with the fallback-email issue.
import type { OutgoingRequest } from '../../delivery/types.ts';
import type { EmailIntent } from '../../emails/intent.ts';
import { orderOf } from '../../emails/intent.ts';
import type { StoreConfig } from '../../config/schema.ts';
import { totalsOf } from '../../domain/amounts.ts';
import { groupedAmount } from '../../domain/money.ts';

const SUBJECTS: Record<string, (ref: string) => string> = {
  buyer_created: () => 'Welcome',
  forgot_email: () => 'Reset your password',
  order: (r) => `Order receipt ${r}`,
  order_conf: (r) => `Order ${r} confirmed`,
  shipment: (r) => `Order ${r} has shipped`,
  cancel: (r) => `Order ${r} cancelled`,
  refund: (r) => `Refund for order ${r}`,
  invoice: (r) => `Invoice ${r}`,
  creditnote: (r) => `Credit note ${r}`,
};

export function buildFallbackEmail(intent: EmailIntent, store: StoreConfig, language: string): OutgoingRequest {
  const order = orderOf(intent.subject);
  const ref = order ? String(order.number) : intent.subject.kind === 'invoice' ? String(intent.subject.invoice.id) : '';
  const subject = SUBJECTS[intent.emailType](ref);
  const lines: string[] = [subject, ''];
  if (order) {
    for (const l of order.lines) lines.push(`${l.quantity} × ${l.productName} ${l.variantName} ${l.sizeLabel} — ${groupedAmount(l.unitPrice.times(l.quantity), order.currency)}`);
    lines.push('', `Total: ${groupedAmount(totalsOf(order.lines).value.plus(order.shipping).plus(order.handling), order.currency)}`);
  }
  if (intent.link) lines.push('', intent.link);
  if (intent.message) lines.push('', intent.message);
  const text = lines.join('\n');
  return {
    method: 'POST',
    url: 'smtp://fallback',
    headers: {},
    body: {
      from: `${store.sender.name} <${store.sender.email}>`,
      to: intent.to,
      subject,
      language,
      html: `<pre>${text.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]!)}</pre>`,
      text,
      attachments: [],
    },
  };
}
