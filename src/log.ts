// pino logger factory with the same secret rules as the stored records (delivery/redact.ts).
import pino, { type DestinationStream, type Logger, type LevelWithSilent } from 'pino';
import { REDACTED, SECRET_KEYS, redactSecrets } from './delivery/redact.ts';
import { InputError } from './config/errors.ts';

export type { Logger };

export interface LoggerOptions {
  level?: LevelWithSilent;
  /** Where to write (default stdout); tests pass a stream to read the lines back. */
  destination?: DestinationStream;
  name?: string;
}

/** Fixed redaction paths for the common shapes (fast path); deeper ones are caught by the formatter. */
export const REDACT_PATHS: string[] = (() => {
  const keys = [...SECRET_KEYS].map((k) => (/^[a-z_]+$/.test(k) ? `.${k}` : `["${k}"]`));
  const prefixes = ['headers', 'req.headers', 'request.headers', 'request.body', 'body', '*', '*.headers', '*.body', '*.request.headers', '*.request.body'];
  const paths: string[] = [];
  for (const k of keys) {
    paths.push(k.startsWith('.') ? k.slice(1) : k.replace(/^\["(.*)"\]$/, '["$1"]'));
    for (const p of prefixes) paths.push(`${p}${k}`);
  }
  return paths.filter((p) => !p.startsWith('['));
})();

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

/** The level $LOG_LEVEL names (default info); an unknown name is an error, not a silent default. */
export function logLevelOf(env: NodeJS.ProcessEnv = process.env): LevelWithSilent {
  const v = env.LOG_LEVEL?.trim().toLowerCase();
  if (!v) return 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(v)) throw new InputError('bad LOG_LEVEL', [`"${env.LOG_LEVEL}" is not one of ${LOG_LEVELS.join(', ')}`]);
  return v as LevelWithSilent;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      name: options.name,
      level: options.level ?? logLevelOf(),
      redact: { paths: REDACT_PATHS, censor: REDACTED },
      // Any depth, any case, and secrets inside strings (error texts).
      formatters: { log: (obj) => redactSecrets(obj) },
      hooks: {
        logMethod(args, method) {
          const redacted = args.map((a) => (typeof a === 'string' ? redactSecrets(a) : a)) as typeof args;
          return method.apply(this, redacted);
        },
      },
    },
    options.destination,
  );
}
