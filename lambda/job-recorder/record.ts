// zod/mini: the same validation in ~20 KB instead of ~400 KB of bundle (cold starts).
import * as z from 'zod/mini';
import { jobNames } from '../../lib/schedule/naming';
import { jobRunnerInputSchema } from '../../lib/schedule/runner-input';

/** Run records are kept this long (DynamoDB TTL), long enough to compare a month with the last. */
export const RUN_RECORD_DAYS = 180;

const STATUSES = ['Succeeded', 'Failed', 'TimedOut', 'Skipped'] as const;

/** Long ECS causes (a whole task description) are cut to this in records and events. */
const MAX_CAUSE_CHARS = 1000;

const stoppedTask = z.looseObject({
  TaskArn: z.optional(z.string()),
  StopCode: z.optional(z.string()),
  StoppedReason: z.optional(z.string()),
  Containers: z.optional(
    z.array(z.looseObject({ ExitCode: z.optional(z.number()), Reason: z.optional(z.string()) })),
  ),
});

/**
 * The runner's state when a run ends: the start the lease Lambda checked (the same schema)
 * plus what the run step added. Loose: a run step may keep notes of its own in the state.
 */
export const runStateSchema = z.looseObject({
  ...jobRunnerInputSchema.shape,
  run: z.looseObject({
    attempt: z.number().check(z.int(), z.gte(0)),
    capacity: z.enum(['spot', 'on-demand']),
    fellBack: z.boolean(),
    fallbackReason: z.optional(z.string()),
  }),
  lease: z.looseObject({ decision: z.string(), held: z.boolean() }),
  outcome: z.object({ status: z.enum(STATUSES), reason: z.string() }),
  /** The stopped ECS task as ECS describes it, on success and failure alike. */
  task: z.optional(stoppedTask),
  error: z.optional(z.looseObject({ Error: z.optional(z.string()), Cause: z.optional(z.string()) })),
});

export const recorderEventSchema = z.object({
  state: runStateSchema,
  executionArn: z.string().check(z.startsWith('arn:')),
  executionName: z.string().check(z.minLength(1)),
  startedAt: z.string().check(z.minLength(1)),
  endedAt: z.string().check(z.minLength(1)),
});

export type RecorderEvent = z.infer<typeof recorderEventSchema>;
export type RunStatus = (typeof STATUSES)[number];

export interface RunRecord {
  readonly job: string;
  readonly environment: string;
  readonly slot: string;
  readonly trigger: 'schedule' | 'manual';
  readonly status: RunStatus;
  readonly reason: string;
  readonly startedAt: string;
  readonly endedAt: string;
  readonly durationSeconds: number;
  readonly attempts: number;
  readonly capacity: 'spot' | 'on-demand';
  readonly fellBackToOnDemand: boolean;
  readonly executionArn: string;
  readonly exitCode?: number;
  readonly stopCode?: string;
  readonly taskArn?: string;
  readonly logStream?: string;
  /** The error behind a failure the job's code did not cause (ECS, capacity), as AWS gave it. */
  readonly cause?: string;
}

/** Turns the runner's state into the run record operators read (`npm run job -- status`). */
export function toRunRecord(event: RecorderEvent, environment: string): RunRecord {
  const { state } = event;
  const stopped = state.task;
  const taskArn = stopped?.TaskArn;
  const exitCode = stopped?.Containers?.[0]?.ExitCode;
  const stopCode = stopped?.StopCode;
  const detail = [stopped?.StoppedReason, stopped?.Containers?.[0]?.Reason].filter(Boolean).join('; ');
  const taskId = taskArn?.split('/').pop();
  // A stopped task describes itself; any other error (ECS API, capacity) is kept as AWS gave it.
  const cause = !stopped && state.error ? `${state.error.Error ?? 'Error'}: ${state.error.Cause ?? ''}` : '';
  return {
    job: state.job.name,
    environment,
    slot: state.slot,
    trigger: state.trigger,
    status: state.outcome.status,
    reason: detail ? `${state.outcome.reason} (${detail})` : state.outcome.reason,
    startedAt: event.startedAt,
    endedAt: event.endedAt,
    durationSeconds: Math.max(
      0,
      Math.round((Date.parse(event.endedAt) - Date.parse(event.startedAt)) / 1000),
    ),
    attempts: state.run.attempt + (state.outcome.status === 'Skipped' ? 0 : 1),
    capacity: state.run.capacity,
    fellBackToOnDemand: state.run.fellBack,
    executionArn: event.executionArn,
    ...(typeof exitCode === 'number' ? { exitCode } : {}),
    ...(stopCode ? { stopCode } : {}),
    ...(taskArn ? { taskArn } : {}),
    ...(taskId ? { logStream: jobNames(environment).logStream(state.job.name, taskId) } : {}),
    ...(cause ? { cause: cause.slice(0, MAX_CAUSE_CHARS) } : {}),
  };
}

/** The run record's key: newest first within a job when read in reverse. */
export const runKey = (record: RunRecord, executionName: string) => ({
  pk: `RUN#${record.job}`,
  sk: `${record.startedAt}#${executionName}`,
});

/**
 * CloudWatch embedded-metric-format line: per-job counts and duration without an API call
 * or a resource per job. `RunNotRecorded` counts runs whose record could not be written;
 * `FellBackToOnDemand` runs that lost Spot capacity (the dashboard's fallbacks).
 */
export function metricLine(record: RunRecord, timestamp: Date, recorded: boolean): string {
  return JSON.stringify({
    _aws: {
      Timestamp: timestamp.getTime(),
      CloudWatchMetrics: [
        {
          Namespace: 'BatchPlatform/Jobs',
          Dimensions: [['Environment', 'Job'], ['Environment']],
          Metrics: [
            { Name: record.status, Unit: 'Count' },
            { Name: 'DurationSeconds', Unit: 'Seconds' },
            { Name: 'RunNotRecorded', Unit: 'Count' },
            { Name: 'FellBackToOnDemand', Unit: 'Count' },
          ],
        },
      ],
    },
    Environment: record.environment,
    Job: record.job,
    [record.status]: 1,
    DurationSeconds: record.durationSeconds,
    RunNotRecorded: recorded ? 0 : 1,
    FellBackToOnDemand: record.fellBackToOnDemand ? 1 : 0,
  });
}
