// Secrets are named in the config by the environment variable that holds them ({ env: NAME });
// a literal string is accepted for local sandboxes. They are resolved only where they are sent.
import { z } from 'zod';

export const secretRefSchema = z.union([
  z.string().min(1, 'a secret, or { env: NAME }'),
  z.object({ env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name') }).strict(),
]);
export type SecretRef = z.infer<typeof secretRefSchema>;

export function resolveSecret(ref: SecretRef, env: NodeJS.ProcessEnv = process.env): string {
  if (typeof ref === 'string') return ref;
  const value = env[ref.env];
  if (!value) throw new Error(`environment variable ${ref.env} is not set (it holds a secret the config names)`);
  return value;
}

export function describeSecret(ref: SecretRef): string {
  return typeof ref === 'string' ? 'a literal value' : `$${ref.env}`;
}

export const REDACTED = '[redacted]';
