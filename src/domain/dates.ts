// Date formats the ESPs expect. Centra's DateTimeTz is ISO 8601 with the store's offset; the
// wall-clock part of it is the store's local time. Event dates carry no zone and are taken as UTC.

const ISO = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/;
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

interface Parts {
  y: string;
  mo: string;
  d: string;
  h: string;
  mi: string;
  s: string;
  zone: string;
}

function parts(value: string): Parts {
  const m = ISO.exec(value.trim());
  if (!m) throw new Error(`not a date and time: ${JSON.stringify(value)}`);
  const zone = m[7] === undefined || m[7] === 'Z' ? '+00:00' : m[7].includes(':') ? m[7] : `${m[7].slice(0, 3)}:${m[7].slice(3)}`;
  return { y: m[1], mo: m[2], d: m[3], h: m[4], mi: m[5], s: m[6], zone };
}

/** "2024-07-09 11:44:12": the wall clock of the given timestamp. */
export function localDateTime(value: string): string {
  if (!value) return '';
  const p = parts(value);
  return `${p.y}-${p.mo}-${p.d} ${p.h}:${p.mi}:${p.s}`;
}

/** "2024-07-09T15:34:18+02:00": ISO 8601 with offset, seconds precision. */
export function isoWithOffset(value: string): string {
  if (!value) return '';
  const p = parts(value);
  return `${p.y}-${p.mo}-${p.d}T${p.h}:${p.mi}:${p.s}${p.zone}`;
}

/** "09 July, 2024 - 12:03", as Centra writes invoice dates. */
export function longDateTime(value: string): string {
  const p = parts(value);
  return `${p.d} ${MONTHS[Number(p.mo) - 1]}, ${p.y} - ${p.h}:${p.mi}`;
}

/** A Centra event date ("2024-07-09 09:44:36.628033", UTC) as "2024-07-09 09:44:36". */
export const eventDateTime = localDateTime;
