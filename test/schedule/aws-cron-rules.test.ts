import { describe, expect, it } from 'vitest';
import {
  awsCronProblem,
  crontabDayOfWeekNames,
  dayOfWeekNames,
  minimumIntervalSeconds,
  neverFiresProblem,
  nextRuns,
  parseAwsCron,
} from '../../lib/schedule/aws-cron';

const iso = (dates: Date[]) => dates.map((d) => d.toISOString());
const runs = (expression: string, from: string, count: number, timeZone = 'UTC') =>
  iso(nextRuns(expression, timeZone, new Date(from), count));

describe('nextRuns: the job time zone, not the machine one', () => {
  it('a Tokyo job runs at Tokyo midnight even where the machine runs in UTC', () => {
    // Only the job's zone can place the 1st of the month: 00:00 JST on the 1st is the 31st in UTC.
    // 2026-11-01 is a Sunday in Tokyo, so 1W is Monday the 2nd; 2026-12-01 is a Tuesday.
    expect(runs('0 0 1W * ? *', '2026-11-01T00:00:00Z', 2, 'Asia/Tokyo')).toEqual([
      '2026-11-01T15:00:00.000Z', // Mon 2026-11-02 00:00 JST
      '2026-11-30T15:00:00.000Z', // Tue 2026-12-01 00:00 JST
    ]);
  });

  it('filters years in the job time zone: New Year in Tokyo is still the old year in UTC', () => {
    expect(runs('0 0 1 1 ? 2028', '2026-11-22T00:00:00Z', 1, 'Asia/Tokyo')).toEqual([
      '2027-12-31T15:00:00.000Z',
    ]);
  });
});

describe('nextRuns: W, nearest weekday', () => {
  it('a Saturday moves to the Friday before', () => {
    // 2026-11-14 is a Saturday.
    expect(runs('0 12 14W * ? *', '2026-11-01T00:00:00Z', 1)).toEqual(['2026-11-13T12:00:00.000Z']);
  });

  it('1W on a Saturday moves to Monday the 3rd, not into the month before', () => {
    // 2026-08-01 is a Saturday.
    expect(runs('0 12 1W * ? *', '2026-07-15T00:00:00Z', 1)).toEqual(['2026-08-03T12:00:00.000Z']);
  });

  it('a Sunday on the last day of the month moves back to Friday, not into the next month', () => {
    // 2027-01-31 is a Sunday; 2027-02 has no 31st, so it is skipped; 2027-03-31 is a Wednesday.
    expect(runs('0 12 31W * ? *', '2027-01-01T00:00:00Z', 2)).toEqual([
      '2027-01-29T12:00:00.000Z',
      '2027-03-31T12:00:00.000Z',
    ]);
  });

  it('31W skips a 30-day month, even when the day after its end is a Saturday', () => {
    // 2027-05-01 is a Saturday: the "31st of April" would move to Friday the 30th if it counted.
    expect(runs('0 0 31W * ? *', '2027-04-01T00:00:00Z', 1)).toEqual(['2027-05-31T00:00:00.000Z']);
  });

  it('LW on a month ending on a Sunday is the Friday before', () => {
    // 2027-10-31 is a Sunday.
    expect(runs('0 18 LW * ? *', '2027-10-01T00:00:00Z', 1)).toEqual(['2027-10-29T18:00:00.000Z']);
  });

  it('a weekday stays where it is, and a list of W days fires on each', () => {
    // 2026-12-01 is a Tuesday, 2026-12-15 a Tuesday.
    expect(runs('0 12 1W,15W * ? *', '2026-11-20T00:00:00Z', 2)).toEqual([
      '2026-12-01T12:00:00.000Z',
      '2026-12-15T12:00:00.000Z',
    ]);
  });

  it('LW on a month ending on a Saturday is the Friday before', () => {
    // 2027-07-31 is a Saturday.
    expect(runs('0 18 LW * ? *', '2027-07-01T00:00:00Z', 1)).toEqual(['2027-07-30T18:00:00.000Z']);
  });
});

describe('nextRuns: years, months and limits', () => {
  it('a year range fires in each year of it, then stops', () => {
    expect(runs('0 0 1 1 ? 2027-2029', '2026-11-22T00:00:00Z', 5)).toEqual([
      '2027-01-01T00:00:00.000Z',
      '2028-01-01T00:00:00.000Z',
      '2029-01-01T00:00:00.000Z',
    ]);
  });

  it('a year step from * counts from 1970; from a year, counts from it', () => {
    expect(runs('0 0 1 1 ? */2', '2026-11-22T00:00:00Z', 2)).toEqual([
      '2028-01-01T00:00:00.000Z',
      '2030-01-01T00:00:00.000Z',
    ]);
    expect(runs('0 0 1 1 ? 2027/3', '2026-11-22T00:00:00Z', 2)).toEqual([
      '2027-01-01T00:00:00.000Z',
      '2030-01-01T00:00:00.000Z',
    ]);
    expect(runs('0 0 1 1 ? 2027-2031/2', '2026-11-22T00:00:00Z', 5)).toEqual([
      '2027-01-01T00:00:00.000Z',
      '2029-01-01T00:00:00.000Z',
      '2031-01-01T00:00:00.000Z',
    ]);
  });

  it('a list of years fires in each', () => {
    expect(runs('0 0 1 1 ? 2027,2030', '2026-11-22T00:00:00Z', 5)).toEqual([
      '2027-01-01T00:00:00.000Z',
      '2030-01-01T00:00:00.000Z',
    ]);
  });

  it('a year already past has no runs', () => {
    expect(runs('0 0 1 1 ? 2025', '2026-11-22T00:00:00Z', 1)).toEqual([]);
  });

  it('month names work like numbers, in any case', () => {
    const byNumber = runs('0 0 1 1,7 ? *', '2026-11-22T00:00:00Z', 3);
    expect(byNumber).toEqual([
      '2027-01-01T00:00:00.000Z',
      '2027-07-01T00:00:00.000Z',
      '2028-01-01T00:00:00.000Z',
    ]);
    expect(runs('0 0 1 JAN,JUL ? *', '2026-11-22T00:00:00Z', 3)).toEqual(byNumber);
    expect(runs('0 0 1 jan,jul ? *', '2026-11-22T00:00:00Z', 3)).toEqual(byNumber);
  });

  it.each(['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'])(
    'the month %s is its number',
    (name) => {
      const number =
        ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'].indexOf(name) +
        1;
      expect(runs(`0 0 1 ${name} ? *`, '2026-11-22T00:00:00Z', 1)).toEqual(
        runs(`0 0 1 ${number} ? *`, '2026-11-22T00:00:00Z', 1),
      );
    },
  );

  it.each(['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'])(
    'the day %s is its AWS number, SUN = 1',
    (name) => {
      const number = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'].indexOf(name) + 1;
      const byName = runs(`0 9 ? * ${name} *`, '2026-11-22T00:00:00Z', 2);
      expect(byName).toEqual(runs(`0 9 ? * ${number} *`, '2026-11-22T00:00:00Z', 2));
      expect(new Date(byName[0]!).getUTCDay()).toBe(number - 1);
    },
  );

  it('the last Friday, by name', () => {
    expect(runs('0 9 ? * FRIL *', '2026-11-01T00:00:00Z', 1)).toEqual(['2026-11-27T09:00:00.000Z']);
  });

  it('day numbers inside # and L are not shifted like plain day numbers', () => {
    // 6L: the last Friday (6 = FRI); 2026-11-27 is the last Friday of November.
    expect(runs('0 9 ? * 6L *', '2026-11-01T00:00:00Z', 1)).toEqual(['2026-11-27T09:00:00.000Z']);
    // 2#1: the first Monday (2 = MON); 2026-12-07 is the first Monday of December.
    expect(runs('0 9 ? * 2#1 *', '2026-11-22T00:00:00Z', 1)).toEqual(['2026-12-07T09:00:00.000Z']);
  });

  it('stops at until, and returns no more than count', () => {
    expect(runs('0 3 * * ? *', '2026-11-22T00:00:00Z', 2)).toHaveLength(2);
    expect(
      iso(
        nextRuns(
          '0 3 * * ? *',
          'UTC',
          new Date('2026-11-22T00:00:00Z'),
          10,
          new Date('2026-11-24T03:00:00Z'),
        ),
      ),
    ).toEqual(['2026-11-22T03:00:00.000Z', '2026-11-23T03:00:00.000Z']);
  });

  it('a W day that never falls in the window gives up instead of looping', () => {
    // Every 5 minutes, but only on February 30th's nearest weekday: never.
    expect(runs('*/5 * 30W 2 ? *', '2026-11-22T00:00:00Z', 1)).toEqual([]);
  });

  it('the shortest interval of a single run is infinite, of none too', () => {
    expect(minimumIntervalSeconds('0 0 1 1 ? 2027', 'UTC', new Date('2026-11-22T00:00:00Z'))).toBe(
      Number.POSITIVE_INFINITY,
    );
    expect(minimumIntervalSeconds('0 9,17 ? * MON-FRI *', 'UTC', new Date('2026-11-22T00:00:00Z'))).toBe(
      8 * 3600,
    );
  });
});

describe('parseAwsCron', () => {
  it('returns the six fields by name, whatever the spacing', () => {
    expect(parseAwsCron('  15 8-18  ? * MON-FRI 2027 ')).toEqual({
      minutes: '15',
      hours: '8-18',
      dayOfMonth: '?',
      month: '*',
      dayOfWeek: 'MON-FRI',
      year: '2027',
    });
  });

  it('throws the problem of an invalid expression', () => {
    expect(() => parseAwsCron('0 24 * * ? *')).toThrow('hours 24 is out of range 0-23 (midnight is 0)');
  });
});

describe('awsCronProblem: forms AWS accepts', () => {
  it.each([
    '0 0 1 1 ? 2027-2029',
    '0 0 1 1 ? */2',
    '0 0 1 JAN-MAR ? *',
    '0 0 1 dec ? *',
    '0 0 ? * sun *',
    '0 0 ? * 1,7 *',
    '0 0 ? * MON#1 *',
    '0 0 L * ? *',
    '0 0 31W * ? *',
    '0 0 1W,15W * ? *',
    '0-59/15 0-23 1-31 1-12 ? 1970-2199',
    '5/10 * * * ? *',
  ])('accepts %s', (expression) => expect(awsCronProblem(expression)).toBeUndefined());
});

describe('awsCronProblem: what operators get wrong, with the fix', () => {
  it.each([
    ['0 0 1 J1 ? *', 'month "J1" is not a number or JAN-DEC'],
    ['0 0 1 1 ? x2027', 'year "x2027" is not a number'],
    ['0 0 1 24 ? *', 'month 24 is out of range 1-12'],
    ['0 0 5L * ? *', 'day-of-month "5L" is not a number'],
    ['0 0 L5 * ? *', 'day-of-month "L5" is not a number'],
    ['0 0 ? * 2#1X *', 'day-of-week "2#1X" is not a number or SUN-SAT'],
    ['xcron(0 3 * * ? *)', 'minutes "xcron(0" is not a number'],
    [' cron(0 3 * * ? *) ', 'write the six fields without the "cron(...)" wrapper, e.g. "0 3 * * ? *"'],
    ['0 0 1-2-3 * ? *', 'day-of-month "1-2-3" is not a value, range (a-b), list (a,b) or step (*/n)'],
    ['5/x * * * ? *', 'minutes "5/x" is not a value, range (a-b), list (a,b) or step (*/n)'],
    ['0 0 ? * 1-2-3 *', 'day-of-week "1-2-3" is not a value, range (a-b), list (a,b) or step (*/n)'],
    ['0 0 32W * ? *', 'day-of-month "32W" is out of range 1-31'],
    ['0 0 0W * ? *', 'day-of-month "0W" is out of range 1-31'],
    ['0 0 ? * 8L *', 'day-of-week "8L" is not a number or SUN-SAT'],
    ['0 0 1 FOO ? *', 'month "FOO" is not a number or JAN-DEC'],
    ['0 0 1 13 ? *', 'month 13 is out of range 1-12'],
    ['0 0 1 1 ? 1969', 'year 1969 is out of range 1970-2199'],
    ['0 0 1 1 ? 2200', 'year 2200 is out of range 1970-2199'],
    ['0 0 1 1 ? abc', 'year "abc" is not a number'],
    [
      '0 0 ? * 0 *',
      'day-of-week 0 is out of range 1-7 (AWS counts 1 = SUN to 7 = SAT; names such as MON-FRI are clearer)',
    ],
    ['0 25 * * ? *', 'hours 25 is out of range 0-23'],
    ['-1 * * * ? *', 'minutes "-1" is not a value, range (a-b), list (a,b) or step (*/n)'],
    ['0 0 0 * ? *', 'day-of-month 0 is out of range 1-31'],
    ['0 3 ? * ? *', 'day-of-month and day-of-week are both "?"; set one of them ("*" for every day)'],
    [
      '0 3 1 * MON *',
      'day-of-month "1" and day-of-week "MON" are both set; AWS needs "?" in one of them ("0 3 1 * ? *" for day-of-month only, or "0 3 ? * MON *" for day-of-week only)',
    ],
    [
      '0 9 * * MON-FRI *',
      'day-of-month "*" and day-of-week "MON-FRI" are both set; AWS needs "?" in one of them (write "0 9 ? * MON-FRI *" to run on day-of-week MON-FRI only)',
    ],
    [
      '0 9 15 * * 2027',
      'day-of-month "15" and day-of-week "*" are both set; AWS needs "?" in one of them (write "0 9 15 * ? 2027" to run on day-of-month 15 only)',
    ],
    ['0 0 31 4 ? *', 'day-of-month "31" never occurs in month "4": the job would never run'],
    ['0 5-3 * * ? *', '"0 5-3 * * ? *" is not a valid cron expression: Invalid range: 5-3, min(5) > max(3)'],
    ['cron(0 3 * * ? *)', 'write the six fields without the "cron(...)" wrapper, e.g. "0 3 * * ? *"'],
    [
      '0 3 * * ? * *',
      '"0 3 * * ? * *" has 7 fields; AWS cron has 6: minutes hours day-of-month month day-of-week year, e.g. "0 3 * * ? *"',
    ],
    [
      '',
      '"" has 1 fields; AWS cron has 6: minutes hours day-of-month month day-of-week year, e.g. "0 3 * * ? *"',
    ],
    ['0 0 30 2 ? *', 'day-of-month "30" never occurs in month "2": the job would never run'],
  ])('rejects %j', (expression, message) => {
    if (typeof message === 'string') expect(awsCronProblem(expression)).toBe(message);
    else expect(awsCronProblem(expression)).toMatch(message);
  });

  it.each([
    ['0 9 * * 1-5', '0 9 ? * MON-FRI *'],
    ['0 9 * * 0', '0 9 ? * SUN *'],
    ['0 9 * * 6,7', '0 9 ? * SAT,SUN *'],
    ['0 9 * * 1#2', '0 9 ? * MON#2 *'],
    ['0 9 1 * *', '0 9 1 * ? *'],
    ['0 9 1 * ?', '0 9 1 * ? *'],
  ])('turns the crontab line %s into %s', (crontab, aws) => {
    expect(awsCronProblem(crontab)).toBe(
      `"${crontab}" has 5 fields like a crontab line; AWS cron has 6 (minutes hours day-of-month month day-of-week year), e.g. "${aws}"`,
    );
  });
});

describe('neverFiresProblem', () => {
  const now = new Date('2026-11-24T00:00:00Z');

  it.each(['0 3 * * ? *', '0 0 29 2 ? *', '0 3 * * ? 2026', '0 3 * * ? 2020-2030', '0 0 ? 2 5#5 *'])(
    'lets %j, which fires again, pass',
    (expression) => {
      expect(neverFiresProblem(expression, now)).toBeUndefined();
    },
  );

  it.each([
    [
      '0 3 * * ? 2024',
      'year "2024" is past: the job would never run again; remove the job, or set year to "*"',
    ],
    [
      '0 3 * * ? 2020-2025',
      'year "2020-2025" is past: the job would never run again; remove the job, or set year to "*"',
    ],
    [
      '0 0 29 2 ? 2027',
      'no date matches day-of-month "29", month "2", day-of-week "?" and year "2027" from 2026-11-24 on: the job would never run',
    ],
    [
      '0 0 29 2 ? 2025-2027',
      'no date matches day-of-month "29", month "2", day-of-week "?" and year "2025-2027" from 2026-11-24 on: the job would never run',
    ],
    [
      '0 0 31W 2 ? *',
      'no date matches day-of-month "31W", month "2", day-of-week "?" and year "*" from 2026-11-24 on: the job would never run',
    ],
  ])('rejects %j', (expression, message) => {
    expect(neverFiresProblem(expression, now)).toBe(message);
  });

  it('judges the year by the date it is given', () => {
    expect(neverFiresProblem('0 3 * * ? 2024', new Date('2024-06-01T00:00:00Z'))).toBeUndefined();
    expect(neverFiresProblem('0 3 1 1 ? 2026', new Date('2026-06-01T00:00:00Z'))).toMatch(/^no date matches/);
  });
});

describe('day-of-week names', () => {
  it.each([
    ['1-5', 'SUN-THU'],
    ['2-6', 'MON-FRI'],
    ['1,7', 'SUN,SAT'],
    ['2#1', 'MON#1'],
    ['6L', 'FRIL'],
  ])('reads AWS day-of-week %j as %j', (field, names) => {
    expect(dayOfWeekNames(field)).toBe(names);
  });

  it.each(['MON-FRI', '?', '*', 'MON#2'])('finds no numbers in %j', (field) => {
    expect(dayOfWeekNames(field)).toBeUndefined();
  });

  it.each([
    ['1-5', 'MON-FRI'],
    ['0', 'SUN'],
    ['7', 'SUN'],
    ['6,0', 'SAT,SUN'],
    ['MON', 'MON'],
  ])('reads crontab day-of-week %j as %j', (field, names) => {
    expect(crontabDayOfWeekNames(field)).toBe(names);
  });
});
