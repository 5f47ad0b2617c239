// zod/mini: this module is bundled into the runner's Lambdas, where bundle size is cold-start time.
import * as z from 'zod/mini';
import { issuesText } from './issues';
import type { ScheduledJobConfig } from '../config/schedule-schema';
import { JOB_CONTAINER_NAME, jobNames } from './naming';

export type Trigger = 'schedule' | 'manual';

/** Scheduler substitutes this with the tick's time, e.g. 2026-11-23T03:00:00Z. */
export const SCHEDULED_TIME = '<aws.scheduler.scheduled-time>';

/**
 * The longest one attempt can take besides the job's own timeout: RunTask retries with
 * backoff (capacity and throttling, ≤ 4 × 60 s), Fargate provisioning and image pull, and
 * the 120 s stop timeout of a task stopped on timeout.
 */
export const ATTEMPT_OVERHEAD_SECONDS = 600;

/**
 * How long the lease says a run may hold the job. A run may take (retries + 2) attempts:
 * the first, each application retry, and one on-demand rerun after a Spot interruption or
 * shortage. The lease never expires from under a live run anyway — it is taken over only
 * when its holder is confirmed gone — so this is the record's "expected end" and its TTL.
 */
export function leaseSeconds(timeoutSeconds: number, retries: number): number {
  return (retries + 2) * (timeoutSeconds + ATTEMPT_OVERHEAD_SECONDS);
}

/** The longest job name and task family a start may carry (config validation checks it too). */
export const MAX_RUNNER_NAME_LENGTH = 64;

const name = () =>
  z.string().check(z.regex(/^[a-z][a-z0-9-]*[a-z0-9]$/), z.maxLength(MAX_RUNNER_NAME_LENGTH));
const seconds = () => z.number().check(z.int(), z.positive());

/**
 * What the job runner is started with: every field is checked once, by the runner's first
 * state, before a slot or lease is claimed. The lease Lambda, the recorder and the job CLI
 * import this one schema, so a start the runner would reject cannot be built by our own tools.
 */
export const jobRunnerInputSchema = z.strictObject({
  job: z.strictObject({
    name: name(),
    /** The kind of work; each kind is one run step of the runner. */
    kind: z.literal('container'),
    taskFamily: name(),
    container: z.string().check(z.minLength(1)),
    timeoutSeconds: seconds(),
    leaseSeconds: seconds(),
    concurrency: z.enum(['forbid', 'replace', 'allow']),
    retries: z.number().check(z.int(), z.gte(0), z.lte(5)),
    capacity: z.enum(['spot', 'on-demand']),
  }),
  trigger: z.enum(['schedule', 'manual']),
  /**
   * The run's slot: the scheduled time for schedule runs (one slot runs at most once),
   * `manual:<id>` for manual runs.
   */
  slot: z
    .string()
    .check(z.regex(/^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z|manual:[A-Za-z0-9-]{1,64})$/)),
});

export type JobRunnerInput = z.infer<typeof jobRunnerInputSchema>;

/** Raised for a start the runner must not act on; Step Functions sees the name as the error. */
export class InvalidRunInput extends Error {
  override readonly name = 'InvalidRunInput';
}

/** Checks a start, including the rules no field-level check can express. */
export function parseJobRunnerInput(input: unknown): JobRunnerInput {
  const parsed = jobRunnerInputSchema.safeParse(input);
  if (!parsed.success) {
    throw new InvalidRunInput(`invalid job runner input: ${issuesText(parsed.error.issues, 'input')}`);
  }
  const { job, trigger, slot } = parsed.data;
  const problems: string[] = [];
  if (job.leaseSeconds < leaseSeconds(job.timeoutSeconds, job.retries)) {
    problems.push(
      `job.leaseSeconds: ${job.leaseSeconds} is shorter than the longest run (${leaseSeconds(job.timeoutSeconds, job.retries)} s)`,
    );
  }
  if ((trigger === 'manual') !== slot.startsWith('manual:')) {
    problems.push(`slot: "${slot}" does not fit trigger "${trigger}" (manual runs use manual:<id>)`);
  }
  if (problems.length > 0) throw new InvalidRunInput(`invalid job runner input: ${problems.join('; ')}`);
  return parsed.data;
}

export function jobRunnerInput(
  env: string,
  job: ScheduledJobConfig,
  trigger: Trigger,
  slot: string = SCHEDULED_TIME,
): JobRunnerInput {
  return {
    job: {
      name: job.name,
      kind: 'container',
      taskFamily: jobNames(env).taskFamily(job.name),
      container: JOB_CONTAINER_NAME,
      timeoutSeconds: job.timeoutSeconds,
      leaseSeconds: leaseSeconds(job.timeoutSeconds, job.retries),
      concurrency: job.concurrency,
      retries: job.retries,
      capacity: job.capacity,
    },
    trigger,
    slot,
  };
}
