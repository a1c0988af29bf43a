// Sums and derived amounts of lines and orders, in one place for every mapper.
import { includedTax, roundTo, sum, toBase, type Decimal } from './money.ts';
import type { Line } from './types.ts';

/** What the line costs: unit price × quantity. */
export const lineValue = (l: Line): Decimal => roundTo(l.unitPrice.times(l.quantity));
/** Pricelist value before discounts: unit original price × quantity. */
export const lineOriginalValue = (l: Line): Decimal => roundTo(l.unitOriginalPrice.times(l.quantity));
export const lineDiscount = (l: Line): Decimal => lineOriginalValue(l).minus(lineValue(l));
export const lineTax = (l: Line): Decimal => includedTax(lineValue(l), l.taxPercent);
export const unitTax = (l: Line): Decimal => includedTax(l.unitPrice, l.taxPercent);
export const isDiscounted = (l: Line): boolean => lineDiscount(l).greaterThan(0);

export interface LineTotals {
  value: Decimal;
  original: Decimal;
  discount: Decimal;
  tax: Decimal;
  quantity: number;
}

export function totalsOf(lines: Line[]): LineTotals {
  return {
    value: sum(lines.map(lineValue)),
    original: sum(lines.map(lineOriginalValue)),
    discount: sum(lines.map(lineDiscount)),
    tax: sum(lines.map(lineTax)),
    quantity: lines.reduce((n, l) => n + l.quantity, 0),
  };
}

/** Tax of each rate over the lines, in the order the rates first appear. */
export function taxByRate(lines: Line[]): { percent: Decimal; tax: Decimal }[] {
  const groups: { percent: Decimal; tax: Decimal }[] = [];
  for (const l of lines) {
    const group = groups.find((g) => g.percent.equals(l.taxPercent));
    if (group) group.tax = group.tax.plus(lineTax(l));
    else groups.push({ percent: l.taxPercent, tax: lineTax(l) });
  }
  return groups;
}

export { toBase };

/** Unique values in first-seen order. */
export function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}
