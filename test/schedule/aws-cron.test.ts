import { describe, expect, it } from 'vitest';
import { awsCronProblem, minimumIntervalSeconds, nextRuns } from '../../lib/schedule/aws-cron';

const FROM = new Date('2026-11-22T00:00:00Z'); // Sunday 09:00 in Tokyo
const iso = (dates: Date[]) => dates.map((d) => d.toISOString());

describe('nextRuns (times checked by hand)', () => {
  it('03:00 daily in Tokyo is 18:00 UTC the day before', () => {
    expect(iso(nextRuns('0 3 * * ? *', 'Asia/Tokyo', FROM, 2))).toEqual([
      '2026-11-22T18:00:00.000Z',
      '2026-11-23T18:00:00.000Z',
    ]);
  });

  it('00:30 on the 1st of the month', () => {
    expect(iso(nextRuns('30 0 1 * ? *', 'Asia/Tokyo', FROM, 3))).toEqual([
      '2026-11-30T15:30:00.000Z', // 2026-12-01 00:30 JST
      '2026-12-31T15:30:00.000Z', // 2027-01-01 00:30 JST
      '2027-01-31T15:30:00.000Z', // 2027-02-01 00:30 JST
    ]);
  });

  it('weekdays at 09:00 skip the weekend; day numbers count from SUN = 1', () => {
    const byName = iso(nextRuns('0 9 ? * MON-FRI *', 'Asia/Tokyo', FROM, 6));
    expect(byName[0]).toBe('2026-11-23T00:00:00.000Z'); // Monday 23rd
    expect(byName[5]).toBe('2026-11-30T00:00:00.000Z'); // the next Monday, after Sat/Sun
    expect(iso(nextRuns('0 9 ? * 2-6 *', 'Asia/Tokyo', FROM, 6))).toEqual(byName);
  });

  it('first Monday of the month with #', () => {
    expect(iso(nextRuns('0 9 ? * MON#1 *', 'Asia/Tokyo', FROM, 2))).toEqual([
      '2026-12-07T00:00:00.000Z',
      '2027-01-04T00:00:00.000Z',
    ]);
  });

  it('last day of the month with L', () => {
    expect(iso(nextRuns('0 23 L * ? *', 'UTC', FROM, 2))).toEqual([
      '2026-11-30T23:00:00.000Z',
      '2026-12-31T23:00:00.000Z',
    ]);
  });

  it('nearest weekday with W, and the last weekday with LW', () => {
    // 2026-11-15 is a Sunday, so 15W fires on Monday the 16th; 2026-12-15 is a Tuesday.
    expect(iso(nextRuns('0 12 15W * ? *', 'UTC', new Date('2026-11-01T00:00:00Z'), 2))).toEqual([
      '2026-11-16T12:00:00.000Z',
      '2026-12-15T12:00:00.000Z',
    ]);
    // 2027-01-31 is a Sunday, so the last weekday of January 2027 is Friday the 29th.
    expect(iso(nextRuns('0 18 LW * ? *', 'UTC', new Date('2027-01-01T00:00:00Z'), 1))).toEqual([
      '2027-01-29T18:00:00.000Z',
    ]);
  });

  it('follows daylight saving time in the job time zone', () => {
    // New York leaves DST on 2026-11-01: 08:00 local is 12:00 UTC before, 13:00 UTC after.
    expect(iso(nextRuns('0 8 * * ? *', 'America/New_York', new Date('2026-10-31T00:00:00Z'), 2))).toEqual([
      '2026-10-31T12:00:00.000Z',
      '2026-11-01T13:00:00.000Z',
    ]);
  });

  it('skips a time the spring-forward gap removes, and runs a repeated time once, as Scheduler does', () => {
    // New York, 2026-03-08: 02:00-02:59 does not exist. cron-parser moves 02:30 to 03:30 EDT;
    // AWS: "your schedule invocation gets skipped if the cron expression falls on a
    // non-existent date and time", and in autumn "runs only once".
    expect(iso(nextRuns('30 2 * * ? *', 'America/New_York', new Date('2026-03-07T12:00:00Z'), 2))).toEqual([
      '2026-03-09T06:30:00.000Z',
      '2026-03-10T06:30:00.000Z',
    ]);
    expect(iso(nextRuns('30 1 * * ? *', 'America/New_York', new Date('2026-10-31T12:00:00Z'), 2))).toEqual([
      '2026-11-01T05:30:00.000Z',
      '2026-11-02T06:30:00.000Z',
    ]);
    // Asked between the two 01:30s, the second one is no run either.
    expect(iso(nextRuns('30 1 * * ? *', 'America/New_York', new Date('2026-11-01T05:45:00Z'), 1))).toEqual([
      '2026-11-02T06:30:00.000Z',
    ]);
  });

  it.each([
    // Asked from inside the repeated hour, after the clocks went back: cron-parser returns
    // the repeat (New York and London go back an hour, Lord Howe half an hour).
    ['30 1 * * ? *', 'America/New_York', '2026-11-01T06:00:00Z', '2026-11-02T06:30:00.000Z'],
    ['30 1 * * ? *', 'America/New_York', '2026-11-01T06:29:00Z', '2026-11-02T06:30:00.000Z'],
    ['30 1 * * ? *', 'Europe/London', '2026-10-25T01:00:00Z', '2026-10-26T01:30:00.000Z'],
    ['45 1 * * ? *', 'Australia/Lord_Howe', '2026-04-04T15:00:00Z', '2026-04-05T15:15:00.000Z'],
  ])('%s in %s asked at %s: the repeated wall-clock time is no second run', (cron, zone, from, next) => {
    expect(iso(nextRuns(cron, zone, new Date(from), 1))).toEqual([next]);
  });

  it('still runs the times of the repeated hour that are not repeats, and the next day as usual', () => {
    // Every 30 minutes in the 01:00 hour, New York: 01:00 and 01:30 EDT ran before the clocks
    // went back; their repeats in EST are skipped; 02:00 EST is no match (hour 1 only).
    expect(iso(nextRuns('0/30 1 * * ? *', 'America/New_York', new Date('2026-11-01T04:59:00Z'), 3))).toEqual([
      '2026-11-01T05:00:00.000Z',
      '2026-11-01T05:30:00.000Z',
      '2026-11-02T06:00:00.000Z',
    ]);
  });

  it('honours the year field', () => {
    expect(iso(nextRuns('0 0 1 1 ? 2028', 'UTC', FROM, 2))).toEqual(['2028-01-01T00:00:00.000Z']);
  });

  it('measures the shortest interval', () => {
    expect(minimumIntervalSeconds('*/5 * * * ? *', 'UTC', FROM)).toBe(300);
    expect(minimumIntervalSeconds('0 9 ? * MON-FRI *', 'Asia/Tokyo', FROM)).toBe(86_400);
  });
});

describe('awsCronProblem', () => {
  it.each([
    '0 3 * * ? *',
    '*/5 * * * ? *',
    '0 9 ? * MON-FRI *',
    '15,45 8-18 ? * 2-6 *',
    '0 0 LW * ? *',
    '0 12 15W * ? *',
    '0 0 ? * 6L *',
  ])('accepts %s', (expression) => expect(awsCronProblem(expression)).toBeUndefined());

  it.each([
    ['0 3 1 * MON *', /both set/],
    ['0 3 ? * ? *', /both "\?"/],
    ['0 24 * * ? *', /hours 24 is out of range/],
    ['60 * * * ? *', /minutes 60/],
    ['0 0 32 * ? *', /day-of-month 32/],
    ['0 0 * 0 ? *', /month 0/],
    ['0 0 ? * 8 *', /day-of-week 8/],
    ['0 0 ? * FUNDAY *', /day-of-week "FUNDAY" is not a number or SUN-SAT/],
    ['*/0 * * * ? *', /step "\/0" never fires/],
    ['0 3 * * ? * *', /has 7 fields/],
    ['cron(0 3 * * ? *)', /without the "cron\(...\)" wrapper/],
    ['0 9 * * 1-5', /5 fields like a crontab line.*"0 9 \? \* MON-FRI \*"/],
  ])('rejects %s', (expression, message) => {
    expect(awsCronProblem(expression)).toMatch(message);
  });
});
