import { CronExpressionParser } from 'cron-parser';
import { dateTimeFormat } from './date-format';

/**
 * EventBridge Scheduler's six-field cron: `minutes hours day-of-month month day-of-week year`.
 * Unlike crontab, one of day-of-month / day-of-week must be `?`, day-of-week counts
 * 1 (SUN) to 7 (SAT), and there is a year field.
 * https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html#cron-based
 */
export interface AwsCron {
  readonly minutes: string;
  readonly hours: string;
  readonly dayOfMonth: string;
  readonly month: string;
  readonly dayOfWeek: string;
  readonly year: string;
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

interface FieldRule {
  readonly label: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
  /** Extra forms allowed besides `*`, values, ranges, lists and steps. */
  readonly extra?: RegExp;
}

const RULES: Record<keyof AwsCron, FieldRule> = {
  minutes: { label: 'minutes', min: 0, max: 59 },
  hours: { label: 'hours', min: 0, max: 23 },
  dayOfMonth: { label: 'day-of-month', min: 1, max: 31, extra: /^(\?|L|LW|\d{1,2}W)$/ },
  month: { label: 'month', min: 1, max: 12, names: MONTHS },
  dayOfWeek: {
    label: 'day-of-week',
    min: 1,
    max: 7,
    names: DAYS,
    extra: /^(\?|L|[1-7A-Z]{1,3}L|[1-7A-Z]{1,3}#[1-5])$/,
  },
  year: { label: 'year', min: 1970, max: 2199 },
};

const FIELDS = Object.keys(RULES) as (keyof AwsCron)[];

function valueOf(token: string, rule: FieldRule): number | undefined {
  if (/^\d+$/.test(token)) return Number(token);
  const index = rule.names?.indexOf(token.toUpperCase()) ?? -1;
  return index >= 0 ? index + 1 : undefined;
}

function fieldProblem(value: string, rule: FieldRule): string | undefined {
  for (const item of value.split(',')) {
    if (rule.extra?.test(item.toUpperCase())) {
      const day = /^(\d+)/.exec(item);
      if (day && (Number(day[1]) < rule.min || Number(day[1]) > rule.max)) {
        return `${rule.label} "${item}" is out of range ${rule.min}-${rule.max}`;
      }
      continue;
    }
    const m = /^(\*|[^-/]+(?:-[^-/]+)?)(?:\/(\d+))?$/.exec(item);
    if (!m) return `${rule.label} "${item}" is not a value, range (a-b), list (a,b) or step (*/n)`;
    if (m[2] !== undefined && Number(m[2]) === 0) return `${rule.label} step "/0" never fires`;
    if (m[1] === '*') continue;
    for (const bound of m[1]!.split('-')) {
      const v = valueOf(bound, rule);
      if (v === undefined) {
        const names = rule.names ? ` or ${rule.names[0]}-${rule.names[rule.names.length - 1]}` : '';
        return `${rule.label} "${bound}" is not a number${names}`;
      }
      if (v < rule.min || v > rule.max) {
        const hint =
          rule.label === 'hours' && v === 24
            ? ' (midnight is 0)'
            : rule.label === 'day-of-week'
              ? ' (AWS counts 1 = SUN to 7 = SAT; names such as MON-FRI are clearer)'
              : '';
        return `${rule.label} ${bound} is out of range ${rule.min}-${rule.max}${hint}`;
      }
    }
  }
  return undefined;
}

/**
 * Validates an AWS six-field cron expression. Returns the problem in words with the fix,
 * or undefined when the expression is valid.
 */
export function awsCronProblem(expression: string): string | undefined {
  const fields = expression.trim().split(/\s+/);
  if (/^cron\(/.test(expression.trim())) {
    return `write the six fields without the "cron(...)" wrapper, e.g. "${expression.trim().replace(/^cron\(|\)$/g, '')}"`;
  }
  if (fields.length === 5) {
    return `"${expression}" has 5 fields like a crontab line; AWS cron has 6 (minutes hours day-of-month month day-of-week year), e.g. "${suggestFromCrontab(fields as [string, string, string, string, string])}"`;
  }
  if (fields.length !== 6) {
    return `"${expression}" has ${fields.length} fields; AWS cron has 6: minutes hours day-of-month month day-of-week year, e.g. "0 3 * * ? *"`;
  }
  const cron = toFields(fields);
  for (const key of FIELDS) {
    const problem = fieldProblem(cron[key], RULES[key]);
    if (problem) return problem;
  }
  const domAny = cron.dayOfMonth === '?';
  const dowAny = cron.dayOfWeek === '?';
  if (!domAny && !dowAny) {
    return `day-of-month "${cron.dayOfMonth}" and day-of-week "${cron.dayOfWeek}" are both set; AWS needs "?" in one of them (${questionMarkFix(cron)})`;
  }
  if (domAny && dowAny) {
    return 'day-of-month and day-of-week are both "?"; set one of them ("*" for every day)';
  }
  try {
    CronExpressionParser.parse(toCronParser(withoutWeekdayRule(cron)));
  } catch (e) {
    const message = (e as Error).message;
    if (/day of month/i.test(message)) {
      return `day-of-month "${cron.dayOfMonth}" never occurs in month "${cron.month}": the job would never run`;
    }
    return `"${expression}" is not a valid cron expression: ${message}`;
  }
  return undefined;
}

/**
 * The "?" to write where crontab habit set both day fields, keeping what was meant: `*` in
 * one of them is crontab's "any day", so the other one is the rule (`0 9 * * MON-FRI *` is
 * weekdays, not daily). With both set, crontab runs on either; AWS cannot, so offer both.
 */
function questionMarkFix(cron: AwsCron): string {
  const { minutes, hours, dayOfMonth, month, dayOfWeek, year } = cron;
  const byMonthDay = `"${minutes} ${hours} ${dayOfMonth} ${month} ? ${year}"`;
  const byWeekday = `"${minutes} ${hours} ? ${month} ${dayOfWeek} ${year}"`;
  if (dayOfMonth === '*') return `write ${byWeekday} to run on day-of-week ${dayOfWeek} only`;
  if (dayOfWeek === '*') return `write ${byMonthDay} to run on day-of-month ${dayOfMonth} only`;
  return `${byMonthDay} for day-of-month only, or ${byWeekday} for day-of-week only`;
}

/**
 * Why a valid expression never fires after `from` (a past year, 29 February of a year that
 * has none), or undefined when it fires again.
 */
export function neverFiresProblem(expression: string, from: Date): string | undefined {
  if (nextRuns(expression, 'UTC', from, 1).length > 0) return undefined;
  const cron = parseAwsCron(expression);
  if (cron.year !== '*' && Math.max(...expandYears(cron.year)) < from.getUTCFullYear()) {
    return `year "${cron.year}" is past: the job would never run again; remove the job, or set year to "*"`;
  }
  return `no date matches day-of-month "${cron.dayOfMonth}", month "${cron.month}", day-of-week "${cron.dayOfWeek}" and year "${cron.year}" from ${from.toISOString().slice(0, 10)} on: the job would never run`;
}

/**
 * The day-of-week field with its numbers as AWS reads them (1 = SUN), e.g. `1-5` -> `SUN-THU`,
 * or undefined when it has no day numbers. `#n` (the nth weekday) is left as written.
 */
export function dayOfWeekNames(field: string): string | undefined {
  const numbered = /(?<![#\d])[1-7](?!\d)/g;
  if (!numbered.test(field)) return undefined;
  return field.replace(numbered, (d) => DAYS[Number(d) - 1]!);
}

/** The same day-of-week field as crontab reads it (0 or 7 = SUN, 1 = MON), in names. */
export function crontabDayOfWeekNames(field: string): string {
  return field.replace(/(?<![#\d])[0-7](?!\d)/g, (d) => DAYS[Number(d) % 7]!);
}

function toFields(fields: string[]): AwsCron {
  const [minutes, hours, dayOfMonth, month, dayOfWeek, year] = fields as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  return { minutes, hours, dayOfMonth, month, dayOfWeek, year };
}

/** Parses a valid expression into its fields; throws on an invalid one. */
export function parseAwsCron(expression: string): AwsCron {
  const problem = awsCronProblem(expression);
  if (problem) throw new Error(problem);
  return toFields(expression.trim().split(/\s+/));
}

/** A crontab line turned into the equivalent AWS form, for error messages. */
function suggestFromCrontab([min, hour, dom, month, dow]: readonly [
  string,
  string,
  string,
  string,
  string,
]): string {
  if (dow === '*' || dow === '?') return `${min} ${hour} ${dom} ${month} ? *`;
  // In names: crontab's 1-5 is MON-FRI, which AWS numbers 2-6; names mean the same to both.
  return `${min} ${hour} ? ${month} ${crontabDayOfWeekNames(dow)} *`;
}

/** cron-parser counts day-of-week from 0 (SUN); AWS from 1 (SUN). Names are the same. */
function toCronParser(cron: AwsCron): string {
  const dow = cron.dayOfWeek.replace(/(?<![#\d])([1-7])(?!\d)/g, (d) => String(Number(d) - 1));
  return `${cron.minutes} ${cron.hours} ${cron.dayOfMonth} ${cron.month} ${dow}`;
}

/**
 * The next `count` times the expression fires after `from`, in `timeZone` (IANA),
 * as EventBridge Scheduler computes them (wall-clock time in that zone, DST applied).
 * cron-parser has no year field and no `W` (nearest weekday), so both are applied here as
 * filters over a wider expression.
 */
export function nextRuns(
  expression: string,
  timeZone: string,
  from: Date,
  count: number,
  until: Date = new Date(8.64e15),
): Date[] {
  const cron = parseAwsCron(expression);
  const weekdayRule = cron.dayOfMonth.includes('W') ? cron.dayOfMonth : undefined;
  const years = cron.year === '*' ? undefined : expandYears(cron.year);
  const iterator = (after: Date) =>
    CronExpressionParser.parse(toCronParser(withoutWeekdayRule(cron)), { tz: timeZone, currentDate: after });
  // The hours and minutes the cron names: a candidate at any other wall-clock time is
  // cron-parser moving a time that does not exist (the hour skipped when DST starts) to the
  // next hour. Scheduler skips such a time, so it is no run.
  let candidates = iterator(from);
  const hours = new Set<number>(candidates.fields.hour.values);
  const minutes = new Set<number>(candidates.fields.minute.values);
  const runs: Date[] = [];
  // Bounded: W and year filters discard candidates; 5,000 covers years of daily candidates.
  for (let i = 0; runs.length < count && i < 5000; i++) {
    // next() throws when no time matches any more; hasNext() would find each time twice.
    const next = nextOrUndefined(candidates);
    if (!next || next >= until) break;
    const local = localParts(next, timeZone);
    if (years && !years.has(local.year)) {
      const later = [...years].filter((y) => y > local.year);
      if (later.length === 0) break;
      // Skip straight to the last instant before the next allowed year (in any zone).
      candidates = iterator(new Date(Date.UTC(Math.min(...later), 0, 1) - 14 * 3600_000));
      continue;
    }
    if (!hours.has(local.hour) || !minutes.has(local.minute)) continue;
    // When DST ends a wall-clock time happens twice; Scheduler runs it once, the first time.
    // Iterating on, cron-parser never returns the repeat; only a start inside the repeated
    // hour can yield one, so only candidates within an hour of \`from\` are checked.
    if (next.getTime() - from.getTime() <= 3600_000 && repeatsEarlierTime(next, local, timeZone)) continue;
    if (!weekdayRule || matchesWeekdayRule(weekdayRule, local)) runs.push(next);
  }
  return runs;
}

function nextOrUndefined(candidates: ReturnType<typeof CronExpressionParser.parse>): Date | undefined {
  try {
    return candidates.next().toDate();
  } catch {
    return undefined;
  }
}

/** Whether the same wall-clock time was already shown 30 or 60 minutes earlier (a DST fall-back). */
function repeatsEarlierTime(date: Date, local: LocalDate, timeZone: string): boolean {
  return [30, 60].some((minutes) => {
    const earlier = localParts(new Date(date.getTime() - minutes * 60_000), timeZone);
    return (
      earlier.day === local.day &&
      earlier.hour === local.hour &&
      earlier.minute === local.minute &&
      earlier.month === local.month
    );
  });
}

/** cron-parser has no `W`: match every day and filter with `matchesWeekdayRule`. */
function withoutWeekdayRule(cron: AwsCron): AwsCron {
  return cron.dayOfMonth.includes('W') ? { ...cron, dayOfMonth: '*' } : cron;
}

interface LocalDate {
  readonly year: number;
  readonly month: number; // 1-12
  readonly day: number;
  readonly hour: number; // 0-23
  readonly minute: number;
}

function localParts(date: Date, timeZone: string): LocalDate {
  const parts = dateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    hourCycle: 'h23',
  }).formatToParts(date);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return {
    year: get('year'),
    month: get('month'),
    day: get('day'),
    hour: get('hour'),
    minute: get('minute'),
  };
}

/**
 * `15W`: the weekday nearest the 15th, within the month. `LW`, the month's last weekday, is
 * the same rule on the last day: a Saturday moves back one day, a Sunday (the month's end)
 * back two.
 */
function matchesWeekdayRule(rule: string, date: LocalDate): boolean {
  const daysInMonth = new Date(Date.UTC(date.year, date.month, 0)).getUTCDate();
  const weekday = (day: number) => new Date(Date.UTC(date.year, date.month - 1, day)).getUTCDay();
  return rule.split(',').some((item) => {
    let target = item === 'LW' ? daysInMonth : Number(item.replace('W', ''));
    if (target > daysInMonth) return false;
    if (weekday(target) === 6) {
      target = target === 1 ? 3 : target - 1;
    } else if (weekday(target) === 0) {
      target = target === daysInMonth ? target - 2 : target + 1;
    }
    return date.day === target;
  });
}

function expandYears(field: string): Set<number> {
  const years = new Set<number>();
  for (const item of field.split(',')) {
    const [range, step] = item.split('/');
    const [a, b] = range === '*' ? [1970, 2199] : range!.split('-').map(Number);
    for (let y = a!; y <= (b ?? (step ? 2199 : a!)); y += Number(step ?? 1)) years.add(y);
  }
  return years;
}

/** The shortest gap between consecutive runs in the next `horizonDays` days (seconds). */
export function minimumIntervalSeconds(
  expression: string,
  timeZone: string,
  from: Date,
  samples = 200,
): number {
  const runs = nextRuns(expression, timeZone, from, samples);
  let min = Number.POSITIVE_INFINITY;
  for (let i = 1; i < runs.length; i++)
    min = Math.min(min, (runs[i]!.getTime() - runs[i - 1]!.getTime()) / 1000);
  return min;
}
