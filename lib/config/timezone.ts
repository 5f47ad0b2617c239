/**
 * IANA time-zone validation shared by environments and schedules.
 *
 * Intl accepts abbreviations such as `EST` or `JST`-like legacy links in some ICU builds,
 * but EventBridge Scheduler wants a canonical `Area/Location` name (or `UTC`), and an
 * abbreviation hides whether daylight saving applies. So require the `Area/Location`
 * shape and let Intl confirm the zone exists.
 */
export function isIanaTimeZone(value: string): boolean {
  if (value !== 'UTC' && !/^[A-Z][A-Za-z_-]+(\/[A-Za-z0-9_+-]+)+$/.test(value)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

export const TIME_ZONE_HINT =
  'use an IANA name such as "Asia/Tokyo", "Europe/London" or "UTC" (abbreviations like "JST" are rejected)';
