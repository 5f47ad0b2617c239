import { describe, expect, it } from 'vitest';
import { formatDuration } from '../../scripts/job/output';
import { formatInZone, formatWeekdayTime } from '../../lib/schedule/time-format';

describe('formatInZone', () => {
  it("uses the zone's familiar abbreviation, summer and winter", () => {
    expect(formatInZone(new Date('2026-11-22T18:00:00Z'), 'Asia/Tokyo')).toBe('2026-11-23 03:00 JST');
    expect(formatInZone(new Date('2026-07-01T13:00:00Z'), 'America/New_York')).toBe('2026-07-01 09:00 EDT');
    expect(formatInZone(new Date('2026-12-01T14:00:00Z'), 'America/New_York')).toBe('2026-12-01 09:00 EST');
    expect(formatInZone(new Date('2026-07-01T08:00:00Z'), 'Europe/London')).toBe('2026-07-01 09:00 BST');
    expect(formatInZone(new Date('2026-07-01T09:00:00Z'), 'UTC')).toBe('2026-07-01 09:00 UTC');
  });

  it('writes midnight as 00, not 24, and can show seconds', () => {
    expect(formatInZone(new Date('2026-11-30T15:30:05Z'), 'Asia/Tokyo', { seconds: true })).toBe(
      '2026-12-01 00:30:05 JST',
    );
  });
});

describe('formatDuration', () => {
  it.each([
    [9_000, '9s'],
    [252_000, '4m 12s'],
    [3_780_000, '1h 03m'],
  ])('%i ms is %s', (ms, text) => expect(formatDuration(ms)).toBe(text));
});

describe('formatWeekdayTime', () => {
  it('writes the weekday, day, month and 24-hour time in the zone, across a DST change', () => {
    expect(formatWeekdayTime(new Date('2026-11-29T00:00:00Z'), 'Asia/Tokyo')).toBe('Sun 29 Nov 09:00');
    expect(formatWeekdayTime(new Date('2026-03-08T06:30:00Z'), 'America/New_York')).toBe('Sun 8 Mar 01:30');
    expect(formatWeekdayTime(new Date('2026-03-08T07:30:00Z'), 'America/New_York')).toBe('Sun 8 Mar 03:30');
    expect(formatWeekdayTime(new Date('2026-01-05T23:05:00Z'), 'UTC')).toBe('Mon 5 Jan 23:05');
  });
});
