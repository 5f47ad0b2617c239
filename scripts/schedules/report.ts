import type { EnvironmentConfig, ScheduledJobConfig } from '../../lib/config';
import { formatDuration } from '../../lib/config/duration';
import { minimumIntervalSeconds, nextRuns } from '../../lib/schedule/aws-cron';
import { formatTable } from '../job/output';
import { formatInZone } from '../../lib/schedule/time-format';

export const NEXT_RUNS = 3;
/** This many jobs starting in the same minute is worth a look (API rate limits, RunTask throttling). */
export const CROWDED_MINUTE = 4;
const DAY_MS = 86_400_000;

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
        : `disabled${job.disabledUntil ? ` until ${job.disabledUntil}` : ''}: ${job.disabledReason ?? ''}`,
    ]),
  );
}

/** The next runs at or after `from` (nextRuns alone excludes `from`; the day's window includes it). */
export function upcomingRuns(job: ScheduledJobConfig, from: Date, count = NEXT_RUNS): Date[] {
  return nextRuns(job.cron, job.timezone, new Date(from.getTime() - 1), count);
}

export function upcoming(job: ScheduledJobConfig, from: Date): string {
  return upcomingRuns(job, from)
    .map((d) => formatInZone(d, job.timezone))
    .join(', ');
}

interface Run {
  readonly job: ScheduledJobConfig;
  readonly start: number;
  readonly end: number;
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
  const runs = runsInDay(jobs, from);
  const byMinute = new Map<number, string[]>();
  for (const r of runs) byMinute.set(r.start, [...(byMinute.get(r.start) ?? []), r.job.name]);
  for (const [minute, names] of [...byMinute].sort((a, b) => a[0] - b[0])) {
    if (names.length >= CROWDED_MINUTE) {
      warnings.push(
        `${formatInZone(new Date(minute), environment.defaultTimezone)}: ${names.length} jobs start together (${names.join(', ')}); spread them if they share a database or API`,
      );
    }
  }
  const peak = peakUsage(runs);
  if (peak.vcpu > environment.fargateVcpuQuota) {
    warnings.push(
      `peak ${peak.vcpu} vCPU at ${formatInZone(peak.at, environment.defaultTimezone)} (${peak.jobs.join(', ')}) exceeds the account's Fargate quota of ${environment.fargateVcpuQuota} vCPU: runs would fail to start`,
    );
  }
  for (const job of jobs.filter((j) => !j.enabled && !j.disabledUntil)) {
    warnings.push(
      `${job.name}: disabled with no disabledUntil; add the date it should be reviewed, or delete the job`,
    );
  }
  return warnings;
}

export function peakSummary(
  jobs: readonly ScheduledJobConfig[],
  environment: EnvironmentConfig,
  from: Date,
): string {
  const peak = peakUsage(runsInDay(jobs, from));
  if (peak.jobs.length === 0) return 'peak use in the next 24 h: no runs';
  return `peak use in the next 24 h: ${peak.vcpu} vCPU / ${peak.memoryGiB} GiB at ${formatInZone(peak.at, environment.defaultTimezone)} (quota ${environment.fargateVcpuQuota} vCPU)`;
}
