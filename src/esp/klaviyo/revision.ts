// Klaviyo API revisions: which one the bridge sends and when Klaviyo stops serving it.
// A revision is named by its release date (`YYYY-MM-DD`, a beta adds `.pre`), and Klaviyo retires
// it two years after that date (stable in its first year, deprecated in its second): Klaviyo's
// "API versioning and deprecation policy", https://developers.klaviyo.com/en/docs/api_versioning_and_deprecation_policy
// (sources and what they say: docs/config.md, "Klaviyo revision").

/** The newest stable revision on 2026-12-03 (Klaviyo's docs are at v2026-10-15; klaviyo/openapi announced it as the next GA). */
export const KLAVIYO_REVISION = '2026-10-15';

/** `check-config` warns this many days or fewer before a configured revision retires. */
export const RETIREMENT_WARNING_DAYS = 90;

export const REVISION_PATTERN = /^(\d{4})-(\d{2})-(\d{2})(\.[A-Za-z0-9_-]+)?$/;

const DAY_MS = 86_400_000;

/** The release date of a revision (UTC midnight), or null when it is not `YYYY-MM-DD[.suffix]` with a real date. */
export function releaseDate(revision: string): Date | null {
  const m = REVISION_PATTERN.exec(revision);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d ? date : null;
}

/** The day Klaviyo stops serving a revision: two years after its release. */
export function retirementDate(revision: string): Date | null {
  const released = releaseDate(revision);
  if (!released) return null;
  return new Date(Date.UTC(released.getUTCFullYear() + 2, released.getUTCMonth(), released.getUTCDate()));
}

export type RevisionStatus =
  | { state: 'invalid' }
  | { state: 'retired'; retiresOn: string }
  | { state: 'retiring'; retiresOn: string; daysLeft: number }
  | { state: 'supported'; retiresOn: string; daysLeft: number };

export function revisionStatus(revision: string, now: Date): RevisionStatus {
  const retires = retirementDate(revision);
  if (!retires) return { state: 'invalid' };
  const retiresOn = retires.toISOString().slice(0, 10);
  const daysLeft = Math.ceil((retires.getTime() - now.getTime()) / DAY_MS);
  if (daysLeft <= 0) return { state: 'retired', retiresOn };
  return { state: daysLeft <= RETIREMENT_WARNING_DAYS ? 'retiring' : 'supported', retiresOn, daysLeft };
}

/** What check-config and start-up say of a configured revision: a retired one is an error, one retiring within 90 days a warning. */
export function revisionFindings(revision: string, now: Date): { errors: string[]; warnings: string[] } {
  const s = revisionStatus(revision, now);
  const newest = `(the bridge's default is ${KLAVIYO_REVISION})`;
  switch (s.state) {
    case 'invalid':
      return { errors: [`revision "${revision}" is not a date YYYY-MM-DD[.suffix]`], warnings: [] };
    case 'retired':
      return { errors: [`Klaviyo revision ${revision} was retired on ${s.retiresOn} (two years after its release): Klaviyo no longer serves it; set a current one ${newest}`], warnings: [] };
    case 'retiring':
      return { errors: [], warnings: [`Klaviyo revision ${revision} retires on ${s.retiresOn}, in ${s.daysLeft} day(s): move to a newer one ${newest}`] };
    case 'supported':
      return { errors: [], warnings: [] };
  }
}
