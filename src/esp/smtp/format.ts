// Amounts and dates as the fallback emails and the PDF show them. Amounts stay decimal strings
// (from the shared money helpers); only the separators change with the language.
import { groupedAmount, percentLabel, plainAmount, type Decimal } from '../../domain/money.ts';
import { localDateTime } from '../../domain/dates.ts';

/** "7 919.22 DKK" (en, the shared groupedAmount), "7 919,22 DKK" (sv), "7.919,22 DKK" (de). */
export function formatMoney(value: Decimal, currency: string, lang: string): string {
  if (lang === 'en') return groupedAmount(value, currency);
  const fixed = plainAmount(value);
  const negative = fixed.startsWith('-');
  const [whole, fraction] = (negative ? fixed.slice(1) : fixed).split('.');
  const groupSep = lang === 'de' ? '.' : ' ';
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, groupSep);
  return `${negative ? '-' : ''}${grouped},${fraction} ${currency}`.trim();
}

/** "25%", "25,5 %" style rate labels: the shared label, with a decimal comma outside English. */
export function formatPercent(value: Decimal, lang: string): string {
  const label = percentLabel(value);
  return lang === 'en' ? label : label.replace('.', ',');
}

/** "2024-07-09 11:44": the store's wall clock, ISO order, readable in every language. */
export function formatDateTime(value: string): string {
  if (!value) return '';
  try {
    return localDateTime(value).slice(0, 16);
  } catch {
    return value;
  }
}
