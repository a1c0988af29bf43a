// Money is decimal (decimal.js), never binary floating point. Centra sends amounts as JSON numbers;
// they are turned into decimals from their shortest string form, which is exactly what was written.
import { Decimal } from 'decimal.js';

export { Decimal };

Decimal.set({ precision: 40, rounding: Decimal.ROUND_HALF_UP });

export type Money = Decimal;

export const ZERO = new Decimal(0);

export function dec(value: number | string | Decimal): Decimal {
  if (value instanceof Decimal) return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`not a finite amount: ${value}`);
    return new Decimal(String(value));
  }
  return new Decimal(value);
}

/** Rounds half up to cents (or another number of places). */
export function roundTo(value: Decimal, places = 2): Decimal {
  return value.toDecimalPlaces(places, Decimal.ROUND_HALF_UP);
}

/** An amount as a JSON number (for APIs that type money as numbers), rounded once, at the edge. */
export function jsonAmount(value: Decimal, places = 2): number {
  return Number(roundTo(value, places).toFixed(places));
}

/** Customer-currency amount converted to the base currency: amount × rate, rounded half up to cents. */
export function toBase(customerAmount: Decimal, baseRate: Decimal): Decimal {
  return roundTo(roundTo(customerAmount).times(baseRate));
}

/** The tax contained in a tax-inclusive amount: amount × p / (100 + p), rounded to cents. */
export function includedTax(grossAmount: Decimal, taxPercent: Decimal): Decimal {
  if (taxPercent.isZero()) return ZERO;
  return roundTo(grossAmount.times(taxPercent).dividedBy(taxPercent.plus(100)));
}

export function sum(values: Iterable<Decimal>): Decimal {
  let total = ZERO;
  for (const v of values) total = total.plus(v);
  return total;
}

/** "8690.00": fixed decimals, no grouping. */
export function plainAmount(value: Decimal, places = 2): string {
  return roundTo(value, places).toFixed(places);
}

/** "7 919.22 DKK": space as thousands separator, then the currency code. */
export function groupedAmount(value: Decimal, currency: string, places = 2): string {
  const fixed = plainAmount(value, places);
  const negative = fixed.startsWith('-');
  const [whole, fraction] = (negative ? fixed.slice(1) : fixed).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
  return `${negative ? '-' : ''}${grouped}${fraction ? `.${fraction}` : ''} ${currency}`;
}

/** "38%", "25.5%": a tax rate without trailing zeros. */
export function percentLabel(value: Decimal): string {
  return `${value.toDecimalPlaces(4).toString()}%`;
}
