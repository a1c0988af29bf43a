// Fallback email (SPEC §6): when no ESP plugin takes an email, the bridge sends it itself over SMTP.
// Pure and synchronous like the ESP mappers: the stored request carries the whole message; the
// transport (transport.ts) only adds the server's credentials.
import type { OutgoingRequest } from '../../delivery/types.ts';
import type { EmailIntent } from '../../emails/intent.ts';
import { orderOf } from '../../domain/event.ts';
import type { SmtpAttachment, SmtpMessageBody } from './message.ts';
import type { FallbackStore } from './settings.ts';
import { renderOrderPdf } from './pdf.ts';
import { renderFallbackEmail } from './render.ts';

const quoteName = (name: string) => (/^[\w .-]*$/.test(name) ? name : `"${name.replace(/["\\]/g, '\\$&')}"`);

export function buildFallbackEmail(intent: EmailIntent, store: FallbackStore, language: string): OutgoingRequest {
  const email = renderFallbackEmail(intent, store, language);
  const attachments: SmtpAttachment[] = [];
  const order = orderOf(intent.subject);
  if (intent.emailType === 'order' && store.emails.orderReceiptPdf && order) {
    const pdf = renderOrderPdf(email.view, { createdAt: order.createdAt });
    attachments.push({ filename: `order-${order.number}.pdf`, contentType: 'application/pdf', contentBase64: pdf.toString('base64') });
  }
  const body: SmtpMessageBody = {
    from: `${quoteName(store.sender.name)} <${store.sender.email}>`,
    to: intent.to,
    ...(store.sender.replyTo ? { replyTo: store.sender.replyTo } : {}),
    subject: email.subject,
    html: email.html,
    text: email.text,
    attachments,
  };
  return { method: 'POST', url: 'smtp://fallback', headers: {}, body };
}
