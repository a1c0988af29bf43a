// Sends stored smtp deliveries with nodemailer. Outcomes: 2xx delivered; 4xx replies, connection
// errors and timeouts transient (a timeout once DATA was sent is ambiguous: the server may have the
// message); 5xx replies permanent, with the server's reply kept.
import nodemailer from 'nodemailer';
import type { PlannedDelivery, SendOutcome, Transport } from '../../delivery/types.ts';
import type { SecretRef } from '../../config/secret.ts';
import type { SmtpMessageBody } from './message.ts';
import type { SmtpServerConfig } from './settings.ts';

export interface SmtpTransportOptions {
  server: SmtpServerConfig;
  /** Resolves the password reference of `server.auth` at send time. */
  resolveSecret: (ref: SecretRef) => string;
}

interface SmtpError extends Error {
  code?: string;
  responseCode?: number;
  response?: string;
  command?: string;
}

const TRANSIENT_CODES = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ETLS', 'EPROTOCOL']);

function describe(e: SmtpError): string {
  const reply = e.response ? e.response.replace(/\s+/g, ' ').trim() : '';
  const text = [e.code, e.command ? `on ${e.command}` : '', reply || e.message].filter(Boolean).join(' ');
  return text.length > 1000 ? `${text.slice(0, 1000)}…` : text;
}

/** Pure: how one failed SMTP attempt is classified. `dataSent` = the DATA command had gone out. */
export function classifySmtpError(e: SmtpError, dataSent: boolean): SendOutcome {
  const error = describe(e);
  const status = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  if (status !== undefined && status >= 500) return { kind: 'permanent', status, error };
  if (status !== undefined && status >= 400) return { kind: 'transient', status, error };
  if (e.code === 'ETIMEDOUT' || /timeout/i.test(e.message)) return { kind: 'transient', error, ...(dataSent ? { ambiguous: true } : {}) };
  if ((e.code && TRANSIENT_CODES.has(e.code)) || (e as NodeJS.ErrnoException).syscall) return { kind: 'transient', error, ...(dataSent ? { ambiguous: true } : {}) };
  if (e.code === 'EAUTH' && status === undefined) return { kind: 'transient', error };
  return { kind: 'permanent', ...(status !== undefined ? { status } : {}), error };
}

function isBody(b: unknown): b is SmtpMessageBody {
  const o = b as Partial<SmtpMessageBody> | null;
  return !!o && typeof o.from === 'string' && typeof o.to === 'string' && typeof o.subject === 'string' && typeof o.html === 'string' && typeof o.text === 'string';
}

const messageIdOf = (id: string) => `<${id.replace(/[^A-Za-z0-9._-]/g, '.')}@esp-bridge>`;

export function createSmtpTransport(opts: SmtpTransportOptions): Transport {
  const { server } = opts;
  return {
    esp: 'smtp',
    async send(delivery: PlannedDelivery, signal: AbortSignal): Promise<SendOutcome> {
      const body = delivery.request.body;
      if (!isBody(body)) return { kind: 'permanent', error: 'the stored smtp request has no from, to, subject, html and text' };
      let auth: { user: string; pass: string } | undefined;
      if (server.auth) {
        try {
          auth = { user: server.auth.user, pass: opts.resolveSecret(server.auth.pass) };
        } catch (e) {
          return { kind: 'transient', error: `SMTP password: ${(e as Error).message}` };
        }
      }
      let dataSent = false;
      const noop = () => {};
      const watch = (_entry: unknown, message: unknown) => {
        if (typeof message === 'string' && /^DATA\b/i.test(message)) dataSent = true;
      };
      const transporter = nodemailer.createTransport({
        host: server.host,
        port: server.port,
        secure: server.secure,
        requireTLS: server.requireTLS,
        ...(auth ? { auth } : {}),
        ...(server.clientName ? { name: server.clientName } : {}),
        connectionTimeout: server.connectionTimeoutMs,
        greetingTimeout: server.greetingTimeoutMs,
        socketTimeout: server.socketTimeoutMs,
        transactionLog: true,
        logger: { level: noop, trace: noop, debug: watch, info: noop, warn: noop, error: noop, fatal: noop } as never,
      });
      if (signal.aborted) return { kind: 'transient', error: 'aborted before sending' };
      const sending = transporter.sendMail({
        from: body.from,
        to: body.to,
        ...(body.replyTo ? { replyTo: body.replyTo } : {}),
        subject: body.subject,
        html: body.html,
        text: body.text,
        messageId: messageIdOf(delivery.id),
        headers: { 'X-Esp-Bridge-Delivery': delivery.id },
        attachments: (body.attachments ?? []).map((a) => ({ filename: a.filename, contentType: a.contentType, content: Buffer.from(a.contentBase64, 'base64') })),
      });
      sending.catch(noop); // an abort may win the race; the late failure is then expected
      let onAbort = noop;
      const aborted = new Promise<SendOutcome>((resolve) => {
        onAbort = () => {
          transporter.close();
          resolve({ kind: 'transient', error: 'aborted', ...(dataSent ? { ambiguous: true } : {}) });
        };
        signal.addEventListener('abort', onAbort, { once: true });
      });
      try {
        return await Promise.race([
          sending.then((info): SendOutcome => {
            const status = Number(/^(\d{3})/.exec(String(info.response ?? ''))?.[1] ?? 250);
            if (info.rejected.length) return { kind: 'permanent', status, error: `rejected: ${info.rejected.join(', ')} ${info.response ?? ''}`.trim() };
            return { kind: 'delivered', status, detail: String(info.response ?? '').slice(0, 300) };
          }),
          aborted,
        ]);
      } catch (e) {
        return classifySmtpError(e as SmtpError, dataSent);
      } finally {
        signal.removeEventListener('abort', onAbort);
        transporter.close();
      }
    },
  };
}
