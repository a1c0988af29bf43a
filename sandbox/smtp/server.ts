// SMTP emulator: a real SMTP server (smtp-server) on 127.0.0.1 that keeps every message it accepts,
// parsed with mailparser (raw bytes included), and can fail or hang on demand.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerAuthentication, type SMTPServerSession } from 'smtp-server';

export interface SmtpEmulatorOptions {
  /** 0 (default) = a free port. */
  port?: number;
  /** Refuse mail without AUTH (PLAIN/LOGIN, over plain TCP). */
  authRequired?: boolean;
  /** Accepted credentials (default sandbox / sandbox). */
  users?: Record<string, string>;
  /** Also write each accepted message as <n>.eml into this folder. */
  emlDir?: string;
  /** Largest message accepted, bytes (default 25 MB). */
  maxSize?: number;
}

export type SmtpPhase = 'mail' | 'rcpt' | 'data';

export interface ReceivedMail extends ParsedMail {
  /** The message exactly as received. */
  raw: Buffer;
  envelope: { from: string; to: string[] };
  /** Where the .eml was written, when `emlDir` is set. */
  file?: string;
}

export interface SmtpEmulatorHandle {
  host: string;
  port: number;
  /** smtp://127.0.0.1:<port> */
  url: string;
  messages: ReceivedMail[];
  control: {
    /** The next `count` transactions are answered with `code message` (at DATA's end unless another phase is given). */
    failNext(count: number, code: number, message: string, phase?: SmtpPhase): void;
    /** The next `count` messages are read in full and never answered (the client times out after DATA). */
    hangNext(count: number): void;
    /** Resolves once `n` messages have arrived. */
    waitForMessages(n: number, timeoutMs?: number): Promise<ReceivedMail[]>;
    reset(): void;
  };
  close(): Promise<void>;
}

export async function startSmtpEmulator(options: SmtpEmulatorOptions = {}): Promise<SmtpEmulatorHandle> {
  const users = options.users ?? { sandbox: 'sandbox' };
  const messages: ReceivedMail[] = [];
  let failure: { count: number; code: number; message: string; phase: SmtpPhase } | null = null;
  let hangs = 0;
  const waiters: { n: number; resolve: () => void }[] = [];
  const hanging = new Set<() => void>();
  if (options.emlDir) mkdirSync(options.emlDir, { recursive: true });

  const takeFailure = (phase: SmtpPhase): Error | null => {
    if (!failure || failure.phase !== phase || failure.count <= 0) return null;
    failure.count -= 1;
    const err = new Error(failure.message) as Error & { responseCode: number };
    err.responseCode = failure.code;
    if (failure.count <= 0) failure = null;
    return err;
  };

  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS'],
    authOptional: !options.authRequired,
    allowInsecureAuth: true,
    size: options.maxSize ?? 25 * 1024 * 1024,
    logger: false,
    onAuth(auth: SMTPServerAuthentication, _session: SMTPServerSession, cb) {
      if (auth.username && users[auth.username] !== undefined && users[auth.username] === auth.password) return cb(null, { user: auth.username });
      const err = new Error('Authentication credentials invalid') as Error & { responseCode: number };
      err.responseCode = 535;
      return cb(err);
    },
    onMailFrom(_address, _session, cb) {
      cb(takeFailure('mail') ?? undefined);
    },
    onRcptTo(_address, _session, cb) {
      cb(takeFailure('rcpt') ?? undefined);
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (hangs > 0) {
          hangs -= 1;
          hanging.add(() => cb(new Error('closing')));
          return;
        }
        const fail = takeFailure('data');
        if (fail) return cb(fail);
        if ((stream as unknown as { sizeExceeded?: boolean }).sizeExceeded) {
          const err = new Error('Message exceeds fixed maximum message size') as Error & { responseCode: number };
          err.responseCode = 552;
          return cb(err);
        }
        const raw = Buffer.concat(chunks);
        simpleParser(raw)
          .then((parsed) => {
            const mail = parsed as ReceivedMail;
            mail.raw = raw;
            mail.envelope = {
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              to: session.envelope.rcptTo.map((r) => r.address),
            };
            if (options.emlDir) {
              mail.file = join(options.emlDir, `${String(messages.length + 1).padStart(4, '0')}.eml`);
              writeFileSync(mail.file, raw);
            }
            messages.push(mail);
            for (const w of [...waiters]) {
              if (messages.length >= w.n) {
                waiters.splice(waiters.indexOf(w), 1);
                w.resolve();
              }
            }
            cb(null, `Message queued as ${messages.length}`);
          })
          .catch((e: Error) => cb(e));
      });
    },
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  server.on('error', () => {});
  const port = (server.server.address() as AddressInfo).port;

  return {
    host: '127.0.0.1',
    port,
    url: `smtp://127.0.0.1:${port}`,
    messages,
    control: {
      failNext(count, code, message, phase = 'data') {
        failure = { count, code, message, phase };
      },
      hangNext(count) {
        hangs = count;
      },
      waitForMessages(n, timeoutMs = 10_000) {
        if (messages.length >= n) return Promise.resolve(messages.slice());
        return new Promise((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`only ${messages.length} of ${n} messages arrived within ${timeoutMs} ms`)), timeoutMs);
          waiters.push({ n, resolve: () => (clearTimeout(timer), resolve(messages.slice())) });
        });
      },
      reset() {
        messages.length = 0;
        failure = null;
        hangs = 0;
      },
    },
    close() {
      for (const release of hanging) release();
      hanging.clear();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
