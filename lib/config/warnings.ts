import { crontabDayOfWeekNames, dayOfWeekNames, nextRuns, parseAwsCron } from '../schedule/aws-cron';
import { dateTimeFormat } from '../schedule/date-format';
import { formatWeekdayTime } from '../schedule/time-format';
import type { ImageRef } from './common-schema';
import type { PlatformConfig } from './index';
import type { ScheduledJobConfig } from './schedule-schema';

const SCHEDULES = 'config/schedules.ts';
const WORKERS = 'config/workers.ts';
const ACCESS = 'config/access.ts';

/**
 * Things in a valid config that are probably not what the operator meant. `cdk synth` prints
 * them and goes on; each names the file, the entry, the field and what to do.
 */
export function configWarnings(config: PlatformConfig, now: Date = new Date()): string[] {
  return [
    ...config.schedules.flatMap((job) =>
      [
        weekdayNumbersWarning(job, now),
        daylightSavingWarning(job, now),
        imageTagWarning(job.image, 'job'),
        pastReviewWarning(job, now),
      ]
        .filter((w) => w !== undefined)
        .map((w) => `${SCHEDULES}: ${job.name}.${w}`),
    ),
    ...config.workers.flatMap((worker) => {
      const w = imageTagWarning(worker.image, 'worker');
      return w ? [`${WORKERS}: ${worker.name}.${w}`] : [];
    }),
    ...unusedProfileWarnings(config),
  ];
}

/**
 * A profile no job or worker names still deploys a role and a policy: left over from a job
 * that moved on, it is a grant nobody reviews any more.
 */
function unusedProfileWarnings(config: PlatformConfig): string[] {
  const named = new Set([...config.schedules, ...config.workers].map((entry) => entry.access));
  return config.access
    .filter((profile) => !named.has(profile.name))
    .map(
      (profile) =>
        `${ACCESS}: ${profile.name}: no job or worker names it, yet it deploys a role and a policy; remove it, or name it with access: '${profile.name}'`,
    );
}

/** AWS counts day-of-week 1 = SUN; crontab habit reads `1-5` as MON-FRI, AWS as SUN-THU. */
function weekdayNumbersWarning(job: ScheduledJobConfig, now: Date): string | undefined {
  const { dayOfWeek } = parseAwsCron(job.cron);
  const names = dayOfWeekNames(dayOfWeek);
  if (!names) return undefined;
  const runs = nextRuns(job.cron, job.timezone, now, 5).map((d) => formatWeekdayTime(d, job.timezone));
  return `cron: day-of-week "${dayOfWeek}" is ${names}, because AWS counts 1 = SUN (next runs: ${runs.join(', ')}); write "${names}" if that is meant, or "${crontabDayOfWeekNames(dayOfWeek)}" for what crontab means by ${dayOfWeek}`;
}

/** The zone's UTC offset at `date`, e.g. "GMT+01:00". */
function utcOffset(date: Date, timeZone: string): string | undefined {
  return dateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' })
    .formatToParts(date)
    .find((p) => p.type === 'timeZoneName')?.value;
}

/** Hours the hours field names (0-23). */
function hoursOf(field: string): Set<number> {
  const hours = new Set<number>();
  for (const item of field.split(',')) {
    const [range, step] = item.split('/');
    const [from, to] = range === '*' ? [0, 23] : range!.split('-').map(Number);
    for (let h = from!; h <= (to ?? (step ? 23 : from!)); h += Number(step ?? 1)) hours.add(h);
  }
  return hours;
}

/**
 * Daylight-saving changes happen between 01:00 and 03:00 local time: a run set then is
 * skipped or runs twice on the change days. Hourly jobs are left out (they run every hour
 * anyway).
 */
function daylightSavingWarning(job: ScheduledJobConfig, now: Date): string | undefined {
  const hours = hoursOf(parseAwsCron(job.cron).hours);
  if (hours.size === 24 || (!hours.has(1) && !hours.has(2))) return undefined;
  const year = now.getUTCFullYear();
  const winter = utcOffset(new Date(Date.UTC(year, 0, 1)), job.timezone);
  const summer = utcOffset(new Date(Date.UTC(year, 6, 1)), job.timezone);
  if (winter === summer) return undefined;
  return `cron: runs between 01:00 and 03:00 in ${job.timezone}, which changes to and from daylight saving time then: on the change days the run is skipped or runs twice; move it outside 01:00-03:00, or set timezone to one without daylight saving (e.g. "UTC")`;
}

function imageTagWarning(image: ImageRef, kind: string): string | undefined {
  if (!('ecrRepository' in image) || image.tag !== 'latest') return undefined;
  return `image.tag: is "latest" (also what a missing tag means): each task pulls whatever was pushed last, so what the ${kind} runs changes without a pull request and cannot be rolled back; pin a release tag such as "v1.4.2"`;
}

function pastReviewWarning(job: ScheduledJobConfig, now: Date): string | undefined {
  if (!job.disabledUntil || job.disabledUntil >= now.toISOString().slice(0, 10)) return undefined;
  return `disabledUntil: paused until ${job.disabledUntil}, which has passed: review the job; remove enabled: false, disabledReason and disabledUntil to run it again, or set a later disabledUntil with the reason`;
}
