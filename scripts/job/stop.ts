import type { ECSClient } from '@aws-sdk/client-ecs';
import { DescribeExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { EnvironmentConfig, ScheduledJobConfig } from '../../lib/config';
import { jobNames } from '../../lib/schedule/naming';
import { stopExecutionTasks } from '../../lambda/job-tasks/tasks';
import { CliError } from './errors';
import { runningExecution } from './logs';
import type { Output } from './output';
import { runOfExecution } from './run-records';

/** ECS keeps a stop reason of at most 255 characters. */
const MAX_STOP_REASON = 255;
/** How long `stop` waits for the runner to record the stopped run. */
export const RECORD_WAIT_MS = 60_000;
const RECORD_POLL_MS = 2_000;

export interface StopOptions {
  readonly env: EnvironmentConfig;
  readonly job: ScheduledJobConfig;
  readonly reason: string;
}

export interface StopDeps {
  readonly sfn: SFNClient;
  readonly ecs: ECSClient;
  readonly ddb: DynamoDBDocumentClient;
  readonly sts: STSClient;
  readonly out: Output;
  readonly sleep: (ms: number) => Promise<void>;
  readonly now: () => Date;
}

/**
 * `stop <job> --reason ...`: stops the task of the job's run in progress, with who and why as
 * ECS's stop reason, and lets the runner end the run the way it ends any task stopped from
 * outside: Failed, not retried, recorded (the reason carries the stop reason), its lease
 * released and `JobFailed` published. The execution itself is not aborted: an aborted
 * execution would record nothing and leave its lease to the next run's takeover.
 */
export async function stopJob(options: StopOptions, deps: StopDeps): Promise<number> {
  const { env, job } = options;
  const { out } = deps;
  const run = await runningExecution(env, job.name, deps);
  if (!run) throw new CliError(`${job.name} in ${env.name} has no run in progress; nothing to stop`);
  const { Arn: by = 'unknown' } = await deps.sts.send(new GetCallerIdentityCommand({}));
  const reason = `stopped by ${by}: ${options.reason}`.slice(0, MAX_STOP_REASON);
  const result = await stopExecutionTasks(run.executionArn, reason, {
    ecs: deps.ecs,
    sfn: deps.sfn,
    cluster: jobNames(env.name).cluster,
    sleep: deps.sleep,
    now: () => deps.now().getTime(),
  });
  if (result.stopRequested.length === 0) {
    throw new CliError(
      `run ${run.name} of ${job.name} has no task running right now (between attempts, or still starting); nothing was stopped: try again in a few seconds`,
    );
  }
  if (!result.allStopped) {
    const pending = result.tasks.filter((t) => t.lastStatus !== 'STOPPED');
    out.error(
      `error: asked ECS to stop ${result.stopRequested.length} task(s) of run ${run.name}, but ${pending.map((t) => `${t.taskArn} is ${t.lastStatus}`).join(', ')}; check the ECS console`,
    );
    return 1;
  }
  out.line(`stopped the task of run ${run.name} of ${job.name} in ${env.name} (${reason})`);
  return reportRecord(run.executionArn, options, deps);
}

/** Waits for the runner to end the execution, then prints its record: the proof it is recorded. */
async function reportRecord(executionArn: string, options: StopOptions, deps: StopDeps): Promise<number> {
  const { env, job } = options;
  for (let waited = 0; waited <= RECORD_WAIT_MS; waited += RECORD_POLL_MS) {
    const execution = await deps.sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (execution.status !== 'RUNNING' && execution.status !== 'PENDING_REDRIVE') {
      const record = execution.startDate
        ? await runOfExecution(
            { ddb: deps.ddb, environment: env.name, job: job.name },
            executionArn,
            execution.startDate,
          )
        : undefined;
      deps.out.line(
        record
          ? `the runner recorded it: ${record.status}: ${record.reason ?? ''}`
          : `the run ended (${execution.status}) but no record was found; npm run job -- status ${job.name} --env ${env.name}`,
      );
      return 0;
    }
    await deps.sleep(RECORD_POLL_MS);
  }
  deps.out.line(
    `the runner has not recorded the run yet; npm run job -- status ${job.name} --env ${env.name} will show it`,
  );
  return 0;
}
