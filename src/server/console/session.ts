// The console's session: after a login with the admin or the operator token, the browser holds a
// cookie `esp_console` (HttpOnly, SameSite=Strict, Path=/console, Secure behind HTTPS) with the role,
// an expiry and a nonce, signed with HMAC-SHA-256 under a key derived from that role's token. Nothing
// is kept on the server: any instance verifies it, and changing a token ends its sessions. The token
// itself never reaches the cookie. Each form carries a CSRF token derived from the session's nonce.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Role } from '../tokens.ts';

export const COOKIE = 'esp_console';
export const SESSION_MS = 8 * 60 * 60 * 1000;

export interface Session {
  role: Role;
  expiresAt: number;
  nonce: string;
}

export interface Sessions {
  /** A new signed cookie value for the role (its token was just presented). */
  issue(role: Role, now: number): { value: string; session: Session };
  /** The session a cookie value carries, or null (absent, forged, of a role no longer configured, expired). */
  verify(value: string | undefined, now: number): Session | null;
  /** The CSRF token forms of this session carry. */
  csrfOf(session: Session): string;
  csrfValid(session: Session, given: unknown): boolean;
}

const b64 = (b: Buffer) => b.toString('base64url');
const keyOf = (token: string) => createHash('sha256').update('esp-bridge console session v1\0').update(token).digest();

export function createSessions(tokens: { admin: string; operator: string | null }): Sessions {
  const keys: Partial<Record<Role, Buffer>> = { admin: keyOf(tokens.admin), ...(tokens.operator ? { operator: keyOf(tokens.operator) } : {}) };
  const mac = (key: Buffer, data: string) => createHmac('sha256', key).update(data).digest();
  const equal = (a: Buffer, b: Buffer) => a.length === b.length && timingSafeEqual(a, b);
  return {
    issue(role, now) {
      const session: Session = { role, expiresAt: now + SESSION_MS, nonce: b64(randomBytes(18)) };
      const payload = `${role}.${session.expiresAt}.${session.nonce}`;
      return { value: `${payload}.${b64(mac(keys[role]!, payload))}`, session };
    },
    verify(value, now) {
      const m = /^(admin|operator)\.(\d{1,15})\.([A-Za-z0-9_-]{24})\.([A-Za-z0-9_-]{43})$/.exec(value ?? '');
      if (!m) return null;
      const role = m[1] as Role;
      const key = keys[role];
      if (!key) return null;
      if (!equal(Buffer.from(m[4]!, 'base64url'), mac(key, `${m[1]}.${m[2]}.${m[3]}`))) return null;
      const expiresAt = Number(m[2]);
      return expiresAt > now ? { role, expiresAt, nonce: m[3]! } : null;
    },
    csrfOf(session) {
      return b64(mac(keys[session.role]!, `csrf.${session.nonce}`));
    },
    csrfValid(session, given) {
      return typeof given === 'string' && equal(Buffer.from(given), Buffer.from(this.csrfOf(session)));
    },
  };
}

/** The Set-Cookie header for a session (or, with an empty value, its removal). */
export function cookieHeader(value: string, opts: { secure: boolean; maxAgeMs: number }): string {
  return [`${COOKIE}=${value}`, 'Path=/console', 'HttpOnly', 'SameSite=Strict', `Max-Age=${Math.floor(opts.maxAgeMs / 1000)}`, ...(opts.secure ? ['Secure'] : [])].join('; ');
}

/** The console cookie of a Cookie header. */
export function cookieOf(header: string | undefined): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === COOKIE) return v.join('=');
  }
  return undefined;
}
