// Erasing a person's data from the store (esp-bridge erase, POST /api/erase; docs/operations.md,
// "Erase"). The log line names the person by a digest of the address, never the address itself:
// an operator who is asked "was X erased?" computes the same digest (esp-bridge erase prints it) and
// finds the line, while the logs themselves hold no address.
import { createHash } from 'node:crypto';
import { RequestError } from '../config/errors.ts';
import type { EraseResult, StoreMaintenance } from '../storage/maintenance.ts';
import { erasedKey } from '../storage/maintenance.ts';

/** sha256 of the trimmed, lower-cased address, first 16 hex digits. */
export function personRef(email: string): string {
  return `sha256:${createHash('sha256').update(erasedKey(email)).digest('hex').slice(0, 16)}`;
}

export function checkedEmail(raw: unknown): string {
  const email = typeof raw === 'string' ? raw.trim() : '';
  if (!email || email.length > 320 || !/^[^\s@]+@[^\s@]+$/.test(email)) throw new RequestError('bad erase request', ['email: give the address whose data is to be removed (one address)']);
  return email;
}

export async function erasePersonData(
  deps: { maintenance: Pick<StoreMaintenance, 'erasePerson'>; log: { info(obj: object, msg?: string): void }; now?: () => number },
  rawEmail: unknown,
  by: string,
): Promise<EraseResult & { person: string }> {
  const email = checkedEmail(rawEmail);
  const result = await deps.maintenance.erasePerson(email, (deps.now ?? Date.now)());
  const person = personRef(email);
  deps.log.info({ person, by, ...result }, 'personal data erased on request');
  return { ...result, person };
}
