import type { EnvironmentConfig, ScheduledJobConfig } from '../../lib/config';
import { formatDuration } from '../../lib/config/duration';
import { minimumIntervalSeconds, nextRuns } from '../../lib/schedule/aws-cron';
import { formatTable } from '../job/output';
import { dateTimeFormat } from '../../lib/schedule/date-format';
import { formatInZone, formatWeekdayTime, zoneAbbreviation } from '../../lib/schedule/time-format';

export const NEXT_RUNS = 3;
/** This many jobs starting in the same minute is worth a look (API rate limits, RunTask throttling). */
export const CROWDED_MINUTE = 4;
/**
 * Jobs that run this often or more are left out of the crowded minutes: they start in
 * every crowded minute by construction, so naming them says nothing a reviewer can act on.
 */
export const FREQUENT_SECONDS = 15 * 60;
const DAY_MS = 86_400_000;
const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** `Sun 22 Nov 09:00 JST`: a time as a reader of the environment's zone says it. */
export function formatWeekdayZoned(date: Date, timeZone: string): string {
  return `${formatWeekdayTime(date, timeZone)} ${zoneAbbreviation(date, timeZone)}`;
}

/** A job's state in the operator's words: enabled, disabled (no end), or paused until a date. */
export function jobState(job: ScheduledJobConfig): 'enabled' | 'disabled' | 'paused' {
  if (job.enabled) return 'enabled';
  return job.disabledUntil ? 'paused' : 'disabled';
}

/** The offset of `timeZone` from UTC at `date`, in ms (Tokyo: +9 h). */
function zoneOffsetMs(date: Date, timeZone: string): number {
  const parts = dateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(date);
  const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return wall - Math.floor(date.getTime() / 1000) * 1000;
}

/**
 * The coming Monday 00:00 in `timeZone` (`date` itself when it is one): the start of the
 * fixed week the warnings judge, so a report run at 09:00 or at 23:00, on Tuesday or on
 * Sunday, says the same, and it is a week still ahead.
 */
export function weekStart(date: Date, timeZone: string): Date {
  const local = new Date(date.getTime() + zoneOffsetMs(date, timeZone));
  const atMidnight = local.getTime() % DAY_MS === 0;
  // Days to the next Monday; 0 only when `date` is Monday 00:00 already.
  const ahead = (8 - local.getUTCDay()) % 7 || (atMidnight ? 0 : 7);
  const midnight = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() + ahead);
  // The offset at local midnight, which a daylight-saving change that week may have moved.
  const guess = midnight - zoneOffsetMs(new Date(midnight), timeZone);
  return new Date(midnight - zoneOffsetMs(new Date(guess), timeZone));
}

/** The table a reviewer reads: every job, its schedule in its own zone, and how it runs. */
export function scheduleTable(jobs: readonly ScheduledJobConfig[], from: Date): string[] {
  return formatTable(
    ['job', 'cron', 'zone', `next ${NEXT_RUNS} runs`, 'timeout', 'concurrency', 'capacity', 'state'],
    jobs.map((job) => [
      job.name,
      job.cron,
      job.timezone,
      job.enabled ? upcoming(job, from) : '-',
      formatDuration(job.timeoutSeconds),
      job.concurrency,
      job.capacity,
      job.enabled
        ? 'enabled'
        : `${jobState(job)}${job.disabledUntil ? ` until ${job.disabledUntil}` : ''}: ${job.disabledReason ?? ''}`,
    ]),
  );
}

/** The next runs at or after `from` (nextRuns alone excludes `from`; the day's window includes it). */
export function upcomingRuns(job: ScheduledJobConfig, from: Date, count = NEXT_RUNS): Date[] {
  return nextRuns(job.cron, job.timezone, new Date(from.getTime() - 1), count);
}

export function upcoming(job: ScheduledJobConfig, from: Date): string {
  return upcomingRuns(job, from)
    .map((d) => formatWeekdayZoned(d, job.timezone))
    .join(', ');
}

interface Run {
  readonly job: ScheduledJobConfig;
  readonly start: number;
  readonly end: number;
}

/** Every enabled job's runs starting in [from, from + days), day by day (runsInDay's bound is a day). */
export function runsInDays(jobs: readonly ScheduledJobConfig[], from: Date, days: number): Run[] {
  return Array.from({ length: days }, (_, day) =>
    runsInDay(jobs, new Date(from.getTime() + day * DAY_MS)),
  ).flat();
}

/**
 * The runs of the week from `start`, computed once per job list: the peak line, the quota
 * warning and the crowded minutes all read the same week, and a week of an every-5-minute
 * job is 2,016 runs to compute.
 */
const weeks = new WeakMap<readonly ScheduledJobConfig[], { start: number; runs: Run[] }>();
function weekRuns(jobs: readonly ScheduledJobConfig[], start: Date): Run[] {
  const cached = weeks.get(jobs);
  if (cached?.start === start.getTime()) return cached.runs;
  const runs = runsInDays(jobs, start, 7);
  weeks.set(jobs, { start: start.getTime(), runs });
  return runs;
}

/** Every enabled job's runs starting in [from, from + 24 h), each as long as expected (else its timeout). */
export function runsInDay(jobs: readonly ScheduledJobConfig[], from: Date): Run[] {
  return jobs
    .filter((job) => job.enabled)
    .flatMap((job) =>
      // Every minute of a day at most; `until` stops the search at the day's end.
      nextRuns(
        job.cron,
        job.timezone,
        new Date(from.getTime() - 1),
        24 * 60,
        new Date(from.getTime() + DAY_MS),
      ).map((d) => ({
        job,
        start: d.getTime(),
        end: d.getTime() + (job.expectedDurationSeconds ?? job.timeoutSeconds) * 1000,
      })),
    );
}

export interface Peak {
  readonly vcpu: number;
  readonly memoryGiB: number;
  readonly at: Date;
  readonly jobs: readonly string[];
}

/** The most vCPU that overlapping runs hold at once over the day (sweep over start/end events). */
export function peakUsage(runs: readonly Run[]): Peak {
  const events = runs
    .flatMap((r) => [
      { t: r.start, d: 1, r },
      { t: r.end, d: -1, r },
    ])
    .sort((a, b) => a.t - b.t || a.d - b.d); // an end at t frees capacity before a start at t
  const active = new Set<Run>();
  let peak: Peak = { vcpu: 0, memoryGiB: 0, at: new Date(runs[0]?.start ?? 0), jobs: [] };
  for (const e of events) {
    if (e.d > 0) active.add(e.r);
    else active.delete(e.r);
    const vcpu = [...active].reduce((sum, r) => sum + r.job.cpu / 1024, 0);
    if (vcpu > peak.vcpu) {
      peak = {
        vcpu,
        memoryGiB: [...active].reduce((sum, r) => sum + r.job.memory / 1024, 0),
        at: new Date(e.t),
        jobs: [...active].map((r) => r.job.name),
      };
    }
  }
  return peak;
}

/** What a reviewer should look at twice, one line each, naming the job(s). */
export function scheduleWarnings(
  jobs: readonly ScheduledJobConfig[],
  environment: EnvironmentConfig,
  from: Date,
): string[] {
  const warnings: string[] = [];
  for (const job of jobs.filter((j) => j.enabled && j.concurrency === 'forbid')) {
    const interval = minimumIntervalSeconds(job.cron, job.timezone, from);
    if (job.timeoutSeconds > interval) {
      warnings.push(
        `${job.name}: timeout ${formatDuration(job.timeoutSeconds)} is longer than its shortest interval ${formatDuration(interval)}; with concurrency "forbid" a slow run makes the next ones skip`,
      );
    }
  }
  warnings.push(...crowdedMinutes(jobs, environment, from));
  const peak = peakUsage(weekRuns(jobs, weekStart(from, environment.defaultTimezone)));
  if (peak.vcpu > environment.fargateVcpuQuota) {
    warnings.push(
      `peak ${peak.vcpu} vCPU at ${formatWeekdayZoned(peak.at, environment.defaultTimezone)} (${peak.jobs.join(', ')}) exceeds the account's Fargate quota of ${environment.fargateVcpuQuota} vCPU: runs would fail to start`,
    );
  }
  for (const job of jobs.filter((j) => !j.enabled && !j.disabledUntil)) {
    warnings.push(
      `${job.name}: disabled with no disabledUntil; add the date it should be reviewed, or delete the job`,
    );
  }
  return warnings;
}

/**
 * Minutes of the fixed week (Monday to Sunday in the environment's zone, holding `from`) in
 * which CROWDED_MINUTE or more jobs start, leaving out jobs that run every 15 minutes or
 * more often. The same clash on several days is one line naming the days.
 */
export function crowdedMinutes(
  jobs: readonly ScheduledJobConfig[],
  environment: EnvironmentConfig,
  from: Date,
): string[] {
  const zone = environment.defaultTimezone;
  const week = weekStart(from, zone);
  const runs = weekRuns(jobs, week);
  // A job's shortest gap within the week (runs are in order per job).
  const gap = new Map<ScheduledJobConfig, number>();
  const last = new Map<ScheduledJobConfig, number>();
  for (const r of runs) {
    const before = last.get(r.job);
    if (before !== undefined) gap.set(r.job, Math.min(gap.get(r.job) ?? Infinity, (r.start - before) / 1000));
    last.set(r.job, r.start);
  }
  const byMinute = new Map<number, string[]>();
  for (const r of runs.filter((r) => (gap.get(r.job) ?? Infinity) > FREQUENT_SECONDS))
    byMinute.set(r.start, [...(byMinute.get(r.start) ?? []), r.job.name]);
  // One entry per clash (time of day in the zone + the jobs), with the days it happens on.
  const clashes = new Map<string, { time: string; names: string[]; days: string[] }>();
  for (const [minute, names] of [...byMinute].sort((a, b) => a[0] - b[0])) {
    if (names.length < CROWDED_MINUTE) continue;
    const at = new Date(minute);
    const time = `${formatInZone(at, zone).slice(11, 16)} ${zoneAbbreviation(at, zone)}`;
    const day = WEEKDAYS[Math.floor((minute - week.getTime()) / DAY_MS)] ?? formatWeekdayTime(at, zone);
    const key = `${time}|${names.join(',')}`;
    const clash = clashes.get(key) ?? { time, names, days: [] };
    clash.days.push(day);
    clashes.set(key, clash);
  }
  return [...clashes.values()].map(
    ({ time, names, days }) =>
      `${days.length === 7 ? 'every day' : days.join(' ')} ${time}: ${names.length} jobs start together (${names.join(', ')}); spread them if they share a database or API`,
  );
}

export function peakSummary(
  jobs: readonly ScheduledJobConfig[],
  environment: EnvironmentConfig,
  from: Date,
): string {
  const zone = environment.defaultTimezone;
  const week = weekStart(from, zone);
  const peak = peakUsage(weekRuns(jobs, week));
  const label = `peak use in the week from ${formatWeekdayZoned(week, zone)}`;
  if (peak.jobs.length === 0) return `${label}: no runs`;
  return `${label}: ${peak.vcpu} vCPU / ${peak.memoryGiB} GiB at ${formatWeekdayZoned(peak.at, zone)} (quota ${environment.fargateVcpuQuota} vCPU)`;
}
