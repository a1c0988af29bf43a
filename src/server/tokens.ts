// Who a token makes the caller: the admin token reads (and feeds events), the operator token may
// also replay deliveries. Compared by digest, so the time taken does not depend on the token given.
import { createHash, timingSafeEqual } from 'node:crypto';

export type Role = 'admin' | 'operator';

const digest = (s: string) => createHash('sha256').update(s).digest();

export interface Tokens {
  /** The role a presented token grants, or null. */
  roleOf(given: string | undefined | null): Role | null;
  /** Whether replay is possible at all (an operator token is configured). */
  readonly replayEnabled: boolean;
}

export function createTokens(adminToken: string, operatorToken: string | null | undefined): Tokens {
  const admin = digest(adminToken);
  const operator = operatorToken ? digest(operatorToken) : null;
  return {
    replayEnabled: operator !== null,
    roleOf(given) {
      if (!given) return null;
      const d = digest(given);
      // Both compared every time: which one matched is not told by the time taken either.
      const isOperator = operator !== null && timingSafeEqual(d, operator);
      const isAdmin = timingSafeEqual(d, admin);
      return isOperator ? 'operator' : isAdmin ? 'admin' : null;
    },
  };
}

/** The token of an `Authorization: Bearer <token>` header. */
export function bearerOf(header: string | undefined): string | null {
  const m = /^Bearer\s+(.+)$/i.exec(header ?? '');
  return m ? m[1].trim() : null;
}
