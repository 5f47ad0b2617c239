import { describe, expect, it } from 'vitest';
import { formatDuration } from '../../scripts/job/output';
import { formatInZone } from '../../lib/schedule/time-format';

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
