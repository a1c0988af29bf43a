// Secrets are named in the config by the environment variable that holds them ({ env: NAME });
// a literal string is accepted for local sandboxes. They are resolved only where they are sent.
import { z } from 'zod';
import { registerSecret } from '../delivery/redact.ts';

export const secretRefSchema = z.union([
  z.string().min(1, 'a secret, or { env: NAME }'),
  z.object({ env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name') }).strict(),
]);
export type SecretRef = z.infer<typeof secretRefSchema>;

/** The secret's value; from then on it is scrubbed from every text stored, served or logged (delivery/redact.ts). */
export function resolveSecret(ref: SecretRef, env: NodeJS.ProcessEnv = process.env): string {
  const value = typeof ref === 'string' ? ref : env[ref.env];
  if (!value) throw new Error(`environment variable ${(ref as { env: string }).env} is not set (it holds a secret the config names)`);
  registerSecret(value);
  // A connection URL's password is a secret of its own (an error may quote it alone).
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    try {
      const password = decodeURIComponent(new URL(value).password);
      if (password) registerSecret(password);
    } catch {
      // Not a URL after all: the whole value is registered.
    }
  }
  return value;
}

export function describeSecret(ref: SecretRef): string {
  return typeof ref === 'string' ? 'a literal value' : `$${ref.env}`;
}

export { REDACTED } from '../delivery/redact.ts';
