import { z } from 'zod';
import { awsCronProblem, neverFiresProblem } from '../schedule/aws-cron';
import { jobNames } from '../schedule/naming';
import { MAX_RUNNER_NAME_LENGTH } from '../schedule/runner-input';
import { commandSchema, envVarsSchema, imageSchema, resourceName, secretsSchema } from './common-schema';
import { typeError } from './config-error';
import { durationSchema } from './duration';
import { SLACK_CHANNEL } from './environment-schema';
import { notOverridable, parseEntries, type EntriesContext } from './entries';
import { jobCommandProblem } from './job-command';
import { checkFargateSize, cpuSchema, memorySchema } from './fargate';
import { isIanaTimeZone, TIME_ZONE_HINT } from './timezone';

const MAX_TIMEOUT_SECONDS = 24 * 3600;
/**
 * How late a slot's claim may be before the missed-run detector alerts. Below a minute a
 * cold start of the lease Lambda would alert; past 12 hours nobody is told in time.
 */
const MISSED_RUN_GRACE = { defaultSeconds: 600, minSeconds: 60, maxSeconds: 12 * 3600 } as const;

/**
 * How late a scheduled start may still happen: EventBridge Scheduler's MaximumEventAgeInSeconds
 * (RetryPolicy), which it takes from 60 to 86,400 seconds. Past it, the tick is given up and
 * goes to the dead-letter queue. The default, 1 h, is what every job had before it was a setting.
 */
export const STARTING_DEADLINE = { minSeconds: 60, maxSeconds: 24 * 3600, defaultSeconds: 3600 } as const;

/**
 * `2026-02-30` has the shape of a date but is none: Date quietly makes it 2 March. A day or
 * month out of range always moves the date into another month, so the month tells.
 */
function isCalendarDate(value: string): boolean {
  const [year, month, day] = value.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1, day)).getUTCMonth() === month - 1;
}

/** The fields of one job. Overrides per environment take any of them except `name`. */
const jobFields = {
  name: resourceName,
  description: z
    .string({ error: typeError('a string', 'one line saying what the job does') })
    .min(1, { error: 'is empty: say in one line what the job does' }),
  owner: z
    .string({ error: typeError('a string', 'the team that answers for this job, e.g. "sre"') })
    .regex(/^[a-z][a-z0-9-]*$/, { error: 'must be a team slug such as "sre" or "data-platform"' }),
  /** The Slack channel of this job's failures; the environment's `notify` when left out. */
  notify: z
    .string()
    .regex(SLACK_CHANNEL, { error: 'must be a Slack channel such as "#sre-batch"' })
    .optional(),
  /** Also post when a run is skipped (the previous run still holds the job, or it is paused). */
  notifySkipped: z
    .boolean({ error: typeError('true or false', 'whether skipped runs are posted too') })
    .default(false),
  /** The access profile (config/access.ts) whose grants the job's code gets; none: no AWS permissions. */
  access: z.string({ error: typeError('a string', 'the name of a profile in config/access.ts') }).optional(),
  cron: z
    .string({ error: typeError('a string', 'six AWS cron fields, e.g. "0 3 * * ? *" for 03:00 daily') })
    .superRefine((expression, ctx) => {
      // A schedule that never fires again deploys fine and silently does nothing.
      const problem = awsCronProblem(expression) ?? neverFiresProblem(expression, new Date());
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    // The check ignores spacing; Scheduler gets `cron(<this>)` verbatim, so deploy the form
    // that was checked, not " 0 3 * * ? *" with its stray spaces.
    .transform((expression) => expression.trim().split(/\s+/).join(' ')),
  timezone: z
    .string()
    .refine(isIanaTimeZone, { error: `is not a valid time zone: ${TIME_ZONE_HINT}` })
    .optional(),
  image: imageSchema.default({ directory: 'batch-job' }),
  command: commandSchema,
  environment: envVarsSchema,
  secrets: secretsSchema,
  cpu: cpuSchema.default(256),
  memory: memorySchema.default(512),
  timeout: durationSchema.refine((s) => s <= MAX_TIMEOUT_SECONDS, {
    error: 'is longer than 24h: split the job, or run it as a worker that takes work from a queue',
  }),
  expectedDuration: durationSchema.optional(),
  missedRunGrace: durationSchema
    .refine((s) => s >= MISSED_RUN_GRACE.minSeconds, {
      error:
        'is shorter than 1m: a run starting a few seconds late would be reported missed; use "1m" or more',
    })
    .refine((s) => s <= MISSED_RUN_GRACE.maxSeconds, {
      error: 'is longer than 12h: a missed run would be reported too late to act on; use "12h" or less',
    })
    .default(MISSED_RUN_GRACE.defaultSeconds),
  startingDeadline: durationSchema
    .refine((s) => s >= STARTING_DEADLINE.minSeconds, {
      error:
        'is shorter than 1m, the least EventBridge Scheduler takes as the time to keep trying a start: write "1m" or more',
    })
    .refine((s) => s <= STARTING_DEADLINE.maxSeconds, {
      error:
        'is longer than 24h, the most EventBridge Scheduler keeps trying a start: write "24h" or less (a start that late is usually better skipped; the next run comes)',
    })
    .default(STARTING_DEADLINE.defaultSeconds),
  concurrency: z
    .enum(['forbid', 'replace', 'allow'], {
      error:
        'must be "forbid" (skip a run while the previous one runs), "replace" (stop it, then run) or "allow"',
    })
    .default('forbid'),
  retries: z
    .int({ error: 'must be a whole number of retries after an application failure' })
    .min(0, { error: 'cannot be negative' })
    .max(5, { error: 'is more than 5: a job failing that often needs fixing, not retrying' })
    .default(0),
  capacity: z
    .enum(['spot', 'on-demand'], {
      error:
        'must be "spot" (default: cheaper, falls back to on-demand) or "on-demand" (cannot be interrupted)',
    })
    .default('spot'),
  enabled: z.boolean().default(true),
  disabledReason: z.string().min(1, { error: 'is empty: say why the job is disabled' }).optional(),
  disabledUntil: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, {
      error: 'must be a date "YYYY-MM-DD" after which the job should be reviewed',
    })
    .refine(isCalendarDate, {
      error: (iss) => `${String(iss.input)} is not a date in the calendar: give a real "YYYY-MM-DD"`,
    })
    .optional(),
};

const jobSchema = z.strictObject(jobFields).superRefine((job, ctx) => {
  if (!job.enabled && !job.disabledReason) {
    ctx.addIssue({
      code: 'custom',
      path: ['disabledReason'],
      message:
        'is required when enabled is false: say why and until when, so nobody re-enables it blindly (a commented-out crontab line had no such note)',
    });
  }
  if (job.enabled && (job.disabledReason || job.disabledUntil)) {
    ctx.addIssue({
      code: 'custom',
      path: [job.disabledReason ? 'disabledReason' : 'disabledUntil'],
      message: 'is set but the job is enabled: remove it, or set enabled: false',
    });
  }
  checkFargateSize(job, ctx);
  const command = jobCommandProblem(job.image, job.command);
  if (command)
    ctx.addIssue({
      code: 'custom',
      path: command.index === undefined ? ['command'] : ['command', command.index],
      message: command.message,
    });
  if (job.expectedDuration !== undefined && job.expectedDuration > job.timeout) {
    ctx.addIssue({
      code: 'custom',
      path: ['expectedDuration'],
      message: 'is longer than timeout: every run would time out; raise timeout or lower expectedDuration',
    });
  }
  for (const key of Object.keys(job.secrets)) {
    if (key in job.environment) {
      ctx.addIssue({
        code: 'custom',
        path: ['secrets', key],
        message: `is also in environment: ECS rejects a variable defined twice; keep it in secrets only`,
      });
    }
  }
});

const jobOverrideSchema = z.strictObject({ ...jobFields, name: notOverridable }).partial();

export type ScheduledJobInput = z.input<typeof jobSchema> & {
  /** Per-environment changes, e.g. `{ staging: { enabled: false, disabledReason: '...' } }`. */
  overrides?: Record<string, z.input<typeof jobOverrideSchema>>;
};

/** A validated job, with this environment's overrides applied and defaults filled in. */
export type ScheduledJobConfig = Omit<
  z.output<typeof jobSchema>,
  'timeout' | 'expectedDuration' | 'timezone' | 'notify' | 'missedRunGrace' | 'startingDeadline'
> & {
  readonly timezone: string;
  /** The job's channel, or the environment's when the job names none. */
  readonly notify: string;
  readonly timeoutSeconds: number;
  readonly expectedDurationSeconds: number | undefined;
  /** A slot with no claim this long after its time is a missed run (default 10 minutes). */
  readonly missedRunGraceSeconds: number;
  /** How late after its scheduled time a run may still start (Scheduler's maximum event age). */
  readonly startingDeadlineSeconds: number;
};

export interface ScheduleContext extends EntriesContext {
  /** Time zone of jobs that do not set one. */
  readonly defaultTimezone: string;
  /** Slack channel of jobs that do not set one (the environment's `notify`). */
  readonly defaultNotify: string;
}

/**
 * A name that passes on its own but not once the platform builds on it: the environment
 * prefixes the task family (`<env>-job-<name>`), which the job runner takes up to 64
 * characters. The schedule (`<env>-<name>-<stack number>`, EventBridge Scheduler's limit is
 * 64 too) is shorter than the family while there are fewer than 1,000 job stacks.
 */
function jobNameProblems(jobs: readonly { name: string }[], environment: string): string[] {
  return jobs.flatMap((job) => {
    const family = jobNames(environment).taskFamily(job.name);
    const excess = family.length - MAX_RUNNER_NAME_LENGTH;
    if (excess <= 0) return [];
    return [
      `${job.name}.name: makes the task family "${family}" ${family.length} characters long with environment "${environment}" in front, more than the ${MAX_RUNNER_NAME_LENGTH} the job runner and EventBridge Scheduler take: shorten the name to at most ${job.name.length - excess} characters`,
    ];
  });
}

/**
 * Validates config/schedules.ts for one environment. Every problem is reported at once as
 * `<job>.<field>: <what is wrong and the fix>`.
 */
export function parseSchedules(
  input: readonly unknown[],
  context: ScheduleContext,
  file = 'config/schedules.ts',
): ScheduledJobConfig[] {
  return parseEntries(input, context, {
    file,
    kind: 'jobs',
    schema: jobSchema,
    overrideSchema: jobOverrideSchema,
    checkNames: (jobs) => jobNameProblems(jobs, context.environment),
  }).map(({ timeout, expectedDuration, timezone, notify, missedRunGrace, startingDeadline, ...job }) => ({
    ...job,
    timezone: timezone ?? context.defaultTimezone,
    notify: notify ?? context.defaultNotify,
    timeoutSeconds: timeout,
    expectedDurationSeconds: expectedDuration,
    missedRunGraceSeconds: missedRunGrace,
    startingDeadlineSeconds: startingDeadline,
  }));
}
