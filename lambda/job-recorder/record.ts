import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
// zod/mini: the same validation in ~20 KB instead of ~400 KB of bundle (cold starts).
import * as z from 'zod/mini';
import { jobNames } from '../../lib/schedule/naming';

/** Run records are kept this long (DynamoDB TTL), long enough to compare a month with the last. */
export const RUN_RECORD_DAYS = 180;

const STATUSES = ['Succeeded', 'Failed', 'TimedOut', 'Skipped'] as const;

/** What the job runner passes: its whole state plus context-object fields. */
const text = () => z.string().check(z.minLength(1));

export const recorderEventSchema = z.object({
  state: z.object({
    job: z.object({ name: text(), taskFamily: z.string(), concurrency: z.string(), retries: z.number() }),
    trigger: z.enum(['schedule', 'manual']),
    slot: text(),
    run: z.object({
      attempt: z.number().check(z.int(), z.gte(0)),
      capacity: z.enum(['spot', 'on-demand']),
      fellBack: z.boolean(),
      fallbackReason: z.optional(z.string()),
    }),
    outcome: z.object({ status: z.enum(STATUSES), reason: z.string() }),
    task: z.optional(z.object({ taskArn: z.string(), exitCode: z.optional(z.number()) })),
    error: z.optional(z.object({ Error: z.optional(z.string()), Cause: z.optional(z.string()) })),
    failure: z.optional(
      z.object({
        task: z.looseObject({
          TaskArn: z.optional(z.string()),
          StopCode: z.optional(z.string()),
          StoppedReason: z.optional(z.string()),
          Containers: z.optional(
            z.array(z.object({ ExitCode: z.optional(z.number()), Reason: z.optional(z.string()) })),
          ),
        }),
      }),
    ),
  }),
  executionArn: text(),
  executionName: text(),
  startedAt: text(),
  endedAt: text(),
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
  readonly taskArn?: string;
  readonly logStream?: string;
}

/** Turns the runner's state into the run record operators read (`npm run job -- status`). */
export function toRunRecord(event: RecorderEvent, environment: string): RunRecord {
  const { state } = event;
  const stopped = state.failure?.task;
  const taskArn = state.task?.taskArn ?? stopped?.TaskArn;
  const exitCode = state.task?.exitCode ?? stopped?.Containers?.[0]?.ExitCode;
  const detail = [stopped?.StoppedReason, stopped?.Containers?.[0]?.Reason].filter(Boolean).join('; ');
  const taskId = taskArn?.split('/').pop();
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
    ...(exitCode !== undefined ? { exitCode } : {}),
    ...(taskArn ? { taskArn } : {}),
    ...(taskId ? { logStream: jobNames(environment).logStream(state.job.name, taskId) } : {}),
  };
}

export interface RecorderDeps {
  readonly ddb: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly environment: string;
  readonly now: () => Date;
}

/** Writes the record and returns the event for the runner to publish as `Job<Status>`. */
export async function recordRun(
  event: RecorderEvent,
  deps: RecorderDeps,
): Promise<{ detailType: string; detail: RunRecord }> {
  const record = toRunRecord(event, deps.environment);
  await deps.ddb.send(
    new PutCommand({
      TableName: deps.tableName,
      Item: {
        pk: `RUN#${record.job}`,
        sk: `${record.startedAt}#${event.executionName}`,
        ...record,
        ttl: Math.floor(deps.now().getTime() / 1000) + RUN_RECORD_DAYS * 86_400,
      },
    }),
  );
  return { detailType: `Job${record.status}`, detail: record };
}

/**
 * CloudWatch embedded-metric-format line: per-job counts and duration without an API call
 * or a resource per job, so a per-job alarm can be added on `Job` when someone needs one.
 */
export function metricLine(record: RunRecord, timestamp: Date): string {
  return JSON.stringify({
    _aws: {
      Timestamp: timestamp.getTime(),
      CloudWatchMetrics: [
        {
          Namespace: 'BatchPlatform/Jobs',
          Dimensions: [['Environment', 'Job']],
          Metrics: [
            { Name: record.status, Unit: 'Count' },
            { Name: 'DurationSeconds', Unit: 'Seconds' },
          ],
        },
      ],
    },
    Environment: record.environment,
    Job: record.job,
    [record.status]: 1,
    DurationSeconds: record.durationSeconds,
  });
}
