// The store's errors, apart from its drivers, so a caller can recognise one without loading them.
import { UnavailableError } from '../config/errors.ts';

/** The configured store cannot be reached or migrated (a PostgreSQL server down, a bad URL). */
export class StoreUnavailableError extends UnavailableError {
  override name = 'StoreUnavailableError';
}
