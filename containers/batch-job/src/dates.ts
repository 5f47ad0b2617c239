import type { Env } from './env';
import { UsageError } from './errors';

/**
 * Jobs are scheduled in Tokyo time, but the container's clock is UTC: at 00:30 JST on the 1st it
 * is still the previous month in UTC. Calendar questions ("yesterday", "last month") are
 * answered in JOB_TIME_ZONE (default Asia/Tokyo, the platform's default).
 */
export const DEFAULT_TIME_ZONE = 'Asia/Tokyo';

export interface LocalDate {
  readonly year: number;
  readonly month: number; // 1-12
  readonly day: number;
}

export function jobTimeZone(env: Env): string {
  const zone = env['JOB_TIME_ZONE']?.trim() || DEFAULT_TIME_ZONE;
  const problem = new UsageError(
    `environment variable JOB_TIME_ZONE must be an IANA time zone such as "Asia/Tokyo"`,
  );
  // ICU accepts some abbreviations (JST, EST); they hide whether daylight saving applies.
  if (zone !== 'UTC' && !/^[A-Z][A-Za-z_-]+(\/[A-Za-z0-9_+-]+)+$/.test(zone)) throw problem;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
  } catch {
    throw problem;
  }
  return zone;
}

export function localDate(at: Date, timeZone: string): LocalDate {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
  }).formatToParts(at);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return { year: get('year'), month: get('month'), day: get('day') };
}

/** Calendar arithmetic on the date alone (UTC midnight), so DST never shifts a day. */
export function addDays(date: LocalDate, days: number): LocalDate {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

export function formatDate(date: LocalDate): string {
  return `${date.year}-${pad(date.month)}-${pad(date.day)}`;
}

/** `YYYY-MM` of the month before `date`'s. */
export function previousMonth(date: LocalDate): string {
  const year = date.month === 1 ? date.year - 1 : date.year;
  const month = date.month === 1 ? 12 : date.month - 1;
  return `${year}-${pad(month)}`;
}

const pad = (n: number) => String(n).padStart(2, '0');
