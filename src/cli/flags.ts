// Command-line flag values, checked before anything runs: a bad value is a one-line error naming the flag.
import { InputError } from '../config/errors.ts';

/** The flag's value if it is one of `allowed`; absent stays absent. */
export function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], flag: string): T | undefined {
  if (value === undefined) return undefined;
  if (!allowed.includes(value as T)) throw new InputError(`bad ${flag}`, [`"${value}" is not one of ${allowed.join(', ')}`]);
  return value as T;
}

/** A whole number within [min, max]; absent gives `fallback`. */
export function intFlag(value: string | undefined, flag: string, fallback: number, min = 1, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value.trim()) || Number(value) < min || Number(value) > max) {
    throw new InputError(`bad ${flag}`, [`"${value}" is not a whole number from ${min} to ${max}`]);
  }
  return Number(value);
}

/** A point in time: an ISO 8601 date or date-time (taken as UTC without a zone), or "2h" / "3d" / "30m" ago. */
export function timeFlag(value: string | undefined, flag: string, now = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const ago = /^(\d+)([mhd])$/.exec(value.trim());
  if (ago) return now - Number(ago[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[ago[2] as 'm' | 'h' | 'd'];
  const iso = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/.test(value.trim());
  const t = iso ? Date.parse(/(Z|[+-]\d{2}:?\d{2})$/.test(value.trim()) || value.trim().length === 10 ? value.trim() : `${value.trim().replace(' ', 'T')}Z`) : NaN;
  if (Number.isNaN(t)) throw new InputError(`bad ${flag}`, [`"${value}" is not a date (2026-11-30, 2026-11-30T14:00Z) nor a time ago (30m, 2h, 3d)`]);
  return t;
}
