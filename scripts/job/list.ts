import type { PlatformConfig, ScheduledJobConfig } from '../../lib/config';
import { configWarnings } from '../../lib/config/warnings';
import { nextRuns } from '../../lib/schedule/aws-cron';
import type { Output } from './output';
import { formatInZone } from '../../lib/schedule/time-format';

export const NEXT_RUNS = 3;

/**
 * Every job of the environment with its schedule and next runs, from config alone: no AWS
 * call, so it works on any machine and shows what a change to config/schedules.ts will do.
 */
export function listJobs(
  config: PlatformConfig,
  from: Date,
  out: Output,
  options: { json?: boolean } = {},
): void {
  const { environment: env, schedules } = config;
  if (options.json) {
    const jobs = schedules.map((job) => ({
      name: job.name,
      cron: job.cron,
      timezone: job.timezone,
      enabled: job.enabled,
      ...(job.enabled
        ? {}
        : { disabledReason: job.disabledReason ?? null, disabledUntil: job.disabledUntil ?? null }),
      nextRuns: job.enabled
        ? nextRuns(job.cron, job.timezone, from, NEXT_RUNS).map((d) => d.toISOString())
        : [],
    }));
    out.line(
      JSON.stringify(
        { environment: env.name, from: from.toISOString(), jobs, warnings: configWarnings(config, from) },
        null,
        2,
      ),
    );
    return;
  }
  out.line(
    `${env.name} (account ${env.account}, ${env.region}): ${schedules.length} jobs, next runs after ${formatInZone(from, env.defaultTimezone)}`,
  );
  out.line();
  const nameWidth = Math.max(...schedules.map((j) => j.name.length));
  const cronWidth = Math.max(...schedules.map((j) => j.cron.length));
  const zoneWidth = Math.max(...schedules.map((j) => j.timezone.length));
  for (const job of schedules) {
    out.line(
      [
        job.name.padEnd(nameWidth),
        job.cron.padEnd(cronWidth),
        job.timezone.padEnd(zoneWidth),
        state(job),
      ].join('  '),
    );
    out.line(`    ${upcoming(job, from)}`);
  }
  // What `cdk synth` warns of, here too: a pause whose date has passed is found by whoever lists the jobs.
  const warnings = configWarnings(config, from);
  if (warnings.length > 0) out.line();
  for (const w of warnings) out.line(`warning: ${w}`);
}

function state(job: ScheduledJobConfig): string {
  if (job.enabled) return 'enabled';
  const until = job.disabledUntil ? ` until ${job.disabledUntil}` : '';
  return `disabled${until}: ${job.disabledReason ?? 'no reason given'}`;
}

function upcoming(job: ScheduledJobConfig, from: Date): string {
  // A disabled job's schedule exists but is switched off in Scheduler: it has no next run.
  if (!job.enabled) return 'no runs while disabled';
  const runs = nextRuns(job.cron, job.timezone, from, NEXT_RUNS);
  if (runs.length === 0) return 'no future runs (its year field has passed)';
  return `next ${runs.map((r) => formatInZone(r, job.timezone)).join(', ')}`;
}
