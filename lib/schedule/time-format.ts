import { dateTimeFormat } from './date-format';

/**
 * Times as operators read them: wall-clock time in the job's own zone with its abbreviation,
 * e.g. `2026-11-23 03:00 JST`.
 */
export function formatInZone(date: Date, timeZone: string, options: { seconds?: boolean } = {}): string {
  const parts = dateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    ...(options.seconds ? { second: '2-digit' } : {}),
  }).formatToParts(date);
  const get = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  const time = `${get('hour')}:${get('minute')}${options.seconds ? `:${get('second')}` : ''}`;
  return `${get('year')}-${get('month')}-${get('day')} ${time} ${zoneAbbreviation(date, timeZone)}`;
}

/**
 * CLDR knows a zone's familiar abbreviation only in the locales where it is used ("JST" in ja-JP,
 * "BST" in en-GB, "IST" in en-IN); en-US alone says "GMT+9". Take the first real abbreviation
 * any of these locales gives, else the GMT offset, which is never ambiguous.
 */
const LOCALES = ['en-US', 'en-GB', 'ja-JP', 'en-IN', 'en-AU', 'en-NZ'];

export function zoneAbbreviation(date: Date, timeZone: string): string {
  const names = LOCALES.map(
    (locale) =>
      dateTimeFormat(locale, { timeZone, timeZoneName: 'short' })
        .formatToParts(date)
        .find((p) => p.type === 'timeZoneName')?.value ?? '',
  );
  return names.find((n) => /^[A-Z]{2,5}$/.test(n)) ?? names[0] ?? timeZone;
}

/** `Sun 29 Nov 09:00`: wall-clock time in `timeZone` with the weekday, for slots and next runs. */
export function formatWeekdayTime(date: Date, timeZone: string): string {
  const parts = dateTimeFormat('en-GB', {
    timeZone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(date);
  const get = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('weekday')} ${get('day')} ${get('month')} ${get('hour')}:${get('minute')}`;
}
