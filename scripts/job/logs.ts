import {
  GetLogEventsCommand,
  ResourceNotFoundException,
  type CloudWatchLogsClient,
} from '@aws-sdk/client-cloudwatch-logs';
import { DescribeExecutionCommand, ListExecutionsCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { EnvironmentConfig, ScheduledJobConfig } from '../../lib/config';
import { jobNames, stateMachineArn } from '../../lib/schedule/naming';
import { tasksOf } from '../../lambda/job-tasks/tasks';
import { CliError } from './errors';
import type { Output } from './output';
import { latestRuns } from './run-records';
import { formatInZone } from '../../lib/schedule/time-format';

export interface LogsOptions {
  readonly env: EnvironmentConfig;
  readonly job: ScheduledJobConfig;
  /** An execution name (`npm run job -- status` shows them); @default the running or latest run */
  readonly run?: string;
  /** Keep printing until the run ends. */
  readonly follow: boolean;
}

export interface LogsDeps {
  readonly sfn: SFNClient;
  readonly ddb: DynamoDBDocumentClient;
  readonly logs: CloudWatchLogsClient;
  readonly out: Output;
  readonly sleep: (ms: number) => Promise<void>;
}

/** How often `--follow` asks for new lines and whether the run still runs. */
export const FOLLOW_POLL_MS = 2_000;
/** How many running executions of the runner are looked at to find this job's. */
const MAX_RUNNING = 100;
/** How far back in a job's records `--run <name>` looks. */
const RUN_LOOKUP_LIMIT = 100;

/** The run whose logs are shown: its execution, whether it is still running, its tasks' streams. */
interface Run {
  readonly executionArn: string;
  readonly name: string;
  running: boolean;
  status: string;
}

/**
 * `npm run job -- logs <job> [--run <name>] [--follow]`: the job's container output from
 * CloudWatch Logs, oldest line first, with times in the job's zone. Without `--run` it picks the
 * run in progress, else the latest recorded one. A retried run has one task (and stream) per
 * attempt; each is printed under its own heading.
 */
export async function jobLogs(options: LogsOptions, deps: LogsDeps): Promise<number> {
  const { env, job, follow } = options;
  const { out } = deps;
  const run = await findRun(options, deps);
  out.line(
    `${job.name} in ${env.name}: run ${run.name} (${run.running ? 'running' : run.status}), times in ${job.timezone}`,
  );
  const group = jobNames(env.name).logGroup;
  const tokens = new Map<string, string | undefined>();
  const printed = new Set<string>();
  for (;;) {
    const tasks = await tasksOf(run.executionArn, deps);
    for (const [index, taskArn] of tasks.entries()) {
      const stream = jobNames(env.name).logStream(job.name, taskArn.split('/').pop() ?? '');
      if (!printed.has(stream)) {
        out.line(`--- attempt ${index + 1}: ${group} ${stream}`);
        printed.add(stream);
      }
      tokens.set(stream, await printNewEvents(group, stream, tokens.get(stream), job.timezone, deps));
    }
    if (tasks.length === 0 && !run.running) {
      out.line('(this run started no task: it was skipped or failed before its container ran)');
    }
    if (!follow || !run.running) break;
    await deps.sleep(FOLLOW_POLL_MS);
    const { status } = await deps.sfn.send(new DescribeExecutionCommand({ executionArn: run.executionArn }));
    run.status = status ?? 'UNKNOWN';
    // One more pass after the end: lines written between the last poll and the exit.
    if (run.status !== 'RUNNING') run.running = false;
  }
  if (follow) out.line(`--- run ${run.name} ended: ${run.status}`);
  return 0;
}

async function findRun(options: LogsOptions, deps: LogsDeps): Promise<Run> {
  const { env, job } = options;
  if (options.run) {
    const arn = `${stateMachineArn(env).replace(':stateMachine:', ':execution:')}:${options.run}`;
    const { records } = await latestRuns(
      { ddb: deps.ddb, environment: env.name, job: job.name },
      RUN_LOOKUP_LIMIT,
    );
    const recorded = records.find((r) => r.executionArn === arn);
    if (recorded) return { executionArn: arn, name: options.run, running: false, status: recorded.status };
    try {
      const execution = await deps.sfn.send(new DescribeExecutionCommand({ executionArn: arn }));
      if (jobOf(execution.input) !== job.name) {
        throw new CliError(`run ${options.run} is not a run of ${job.name}`);
      }
      const status = execution.status ?? 'UNKNOWN';
      return { executionArn: arn, name: options.run, running: status === 'RUNNING', status };
    } catch (error) {
      if ((error as Error).name === 'ExecutionDoesNotExist') {
        throw new CliError(
          `no run ${options.run} of ${job.name} in ${env.name}; npm run job -- status ${job.name} --env ${env.name} lists its runs`,
        );
      }
      throw error;
    }
  }
  const running = await runningExecution(env, job.name, deps);
  if (running) return running;
  const { records } = await latestRuns({ ddb: deps.ddb, environment: env.name, job: job.name }, 1);
  const latest = records[0];
  if (!latest?.executionArn) {
    throw new CliError(`${job.name} has no run in progress and none recorded in ${env.name}`);
  }
  return {
    executionArn: latest.executionArn,
    name: latest.executionArn.split(':').pop() ?? latest.executionArn,
    running: false,
    status: latest.status,
  };
}

/** A running execution of the runner: its name (as `status` shows it) and ARN. */
export interface RunningExecution {
  readonly name: string;
  readonly executionArn: string;
}

/** The newest running execution of the job, if it has one (see runningExecutions). */
export async function runningExecution(
  env: EnvironmentConfig,
  job: string,
  deps: { readonly sfn: SFNClient },
): Promise<Run | undefined> {
  const execution = (await runningExecutions(env, deps)).get(job);
  return execution && { ...execution, running: true, status: 'RUNNING' };
}

/**
 * The runner's running executions by job: job name → the newest one. Each running execution
 * is described once (its input names the job); there are at most as many as jobs, usually a
 * handful.
 */
export async function runningExecutions(
  env: EnvironmentConfig,
  deps: { readonly sfn: SFNClient },
): Promise<Map<string, RunningExecution>> {
  const byJob = new Map<string, RunningExecution>();
  const { executions = [] } = await deps.sfn.send(
    new ListExecutionsCommand({
      stateMachineArn: stateMachineArn(env),
      statusFilter: 'RUNNING',
      maxResults: MAX_RUNNING,
    }),
  );
  const described = await Promise.all(
    executions.map(async ({ executionArn, name }) =>
      executionArn
        ? {
            execution: { name: name ?? executionArn, executionArn },
            job: jobOf((await deps.sfn.send(new DescribeExecutionCommand({ executionArn }))).input),
          }
        : undefined,
    ),
  );
  // ListExecutions lists newest first: keep the first seen per job.
  for (const entry of described) {
    if (entry?.job && !byJob.has(entry.job)) byJob.set(entry.job, entry.execution);
  }
  return byJob;
}

function jobOf(input: string | undefined): string | undefined {
  try {
    const parsed = JSON.parse(input ?? '{}') as { job?: { name?: unknown } };
    return typeof parsed.job?.name === 'string' ? parsed.job.name : undefined;
  } catch {
    return undefined;
  }
}

/** Prints the stream's events after `token`; returns the token to continue from. */
async function printNewEvents(
  group: string,
  stream: string,
  token: string | undefined,
  timeZone: string,
  deps: LogsDeps,
): Promise<string | undefined> {
  let next = token;
  for (;;) {
    let page;
    try {
      page = await deps.logs.send(
        new GetLogEventsCommand({
          logGroupName: group,
          logStreamName: stream,
          startFromHead: true,
          ...(next ? { nextToken: next } : {}),
        }),
      );
    } catch (error) {
      // The task is still starting: its stream appears with its first line.
      if (error instanceof ResourceNotFoundException) return next;
      throw error;
    }
    for (const event of page.events ?? []) {
      const time =
        event.timestamp === undefined
          ? ''
          : formatInZone(new Date(event.timestamp), timeZone, { seconds: true });
      deps.out.line(`${time}  ${(event.message ?? '').replace(/\n$/, '')}`);
    }
    // The end of the stream for now: CloudWatch returns the token it was given.
    if (!page.nextForwardToken || page.nextForwardToken === next) return next;
    next = page.nextForwardToken;
  }
}
