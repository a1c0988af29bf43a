// Retry-After in the three forms the ESPs use: delay seconds, an HTTP-date, and Rule's
// Stockholm wall-clock `YYYY-MM-DD HH:MM:SS` (no zone; read against the response's Date header).

const STOCKHOLM_LOCAL = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/;

const stockholmParts = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Stockholm',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

/** Stockholm's offset from UTC (ms) at an instant: +1 h in winter, +2 h in summer. */
function stockholmOffsetMs(utcMs: number): number {
  const p: Record<string, number> = {};
  for (const part of stockholmParts.formatToParts(new Date(utcMs))) if (part.type !== 'literal') p[part.type] = Number(part.value);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(utcMs / 1000) * 1000;
}

/**
 * The UTC instant of a Stockholm wall-clock time. In the autumn's repeated hour the earlier
 * instant; in the spring's missing hour the time read with the winter offset.
 */
export function stockholmLocalToUtc(y: number, mo: number, d: number, h: number, mi: number, s: number): number {
  const wall = Date.UTC(y, mo - 1, d, h, mi, s);
  const day = 86_400_000;
  const offsets = [...new Set([stockholmOffsetMs(wall - day), stockholmOffsetMs(wall + day)])];
  const exact = offsets.map((o) => wall - o).filter((utc) => utc + stockholmOffsetMs(utc) === wall);
  if (exact.length > 0) return Math.min(...exact);
  return wall - Math.min(...offsets);
}

/**
 * How long to wait, in ms, per a Retry-After header; undefined when it cannot be read.
 * `dateHeader` (the response's Date) is the server's "now": dates are measured from it, so
 * a skewed local clock does not matter. Never negative.
 */
export function parseRetryAfter(value: string, now: Date, dateHeader?: string): number | undefined {
  const v = value.trim();
  if (v === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const serverNow = dateHeader !== undefined && !Number.isNaN(Date.parse(dateHeader)) ? Date.parse(dateHeader) : now.getTime();
  const local = STOCKHOLM_LOCAL.exec(v);
  let target: number;
  if (local) {
    const [y, mo, d, h, mi, s] = local.slice(1).map(Number);
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return undefined;
    target = stockholmLocalToUtc(y, mo, d, h, mi, s);
  } else {
    // An HTTP-date names a weekday or month: bare numbers like "-5" are not dates.
    if (!/[A-Za-z]/.test(v)) return undefined;
    target = Date.parse(v);
    if (Number.isNaN(target)) return undefined;
  }
  return Math.max(0, target - serverNow);
}
