import type { ScheduledJobConfig } from '../config/schedule-schema';
import { JOB_CONTAINER_NAME, jobNames } from './naming';

/**
 * How long a lease outlives the job's timeout. Covers the StopTask call and the record
 * written after a timeout; after it, a crashed run's lease no longer blocks the job.
 */
export const LEASE_GRACE_SECONDS = 300;

export type Trigger = 'schedule' | 'manual';

/**
 * What the job runner state machine is started with. Everything job-specific travels in
 * the input, so the definition does not grow with the number of jobs.
 */
export interface JobRunnerInput {
  readonly job: {
    readonly name: string;
    readonly taskFamily: string;
    readonly container: string;
    readonly timeoutSeconds: number;
    readonly leaseSeconds: number;
    readonly concurrency: ScheduledJobConfig['concurrency'];
    readonly retries: number;
    readonly capacity: ScheduledJobConfig['capacity'];
  };
  readonly trigger: Trigger;
  /**
   * The run's slot: the scheduled time for schedule runs (one slot runs at most once),
   * `manual:<id>` for manual runs.
   */
  readonly slot: string;
}

/** Scheduler substitutes this with the tick's time, e.g. 2026-11-23T03:00:00Z. */
export const SCHEDULED_TIME = '<aws.scheduler.scheduled-time>';

export function jobRunnerInput(
  env: string,
  job: ScheduledJobConfig,
  trigger: Trigger,
  slot: string = SCHEDULED_TIME,
): JobRunnerInput {
  return {
    job: {
      name: job.name,
      taskFamily: jobNames(env).taskFamily(job.name),
      container: JOB_CONTAINER_NAME,
      timeoutSeconds: job.timeoutSeconds,
      leaseSeconds: job.timeoutSeconds + LEASE_GRACE_SECONDS,
      concurrency: job.concurrency,
      retries: job.retries,
      capacity: job.capacity,
    },
    trigger,
    slot,
  };
}
