import type { ECSClient } from '@aws-sdk/client-ecs';
import {
  DescribeExecutionCommand,
  StartExecutionCommand,
  type DescribeExecutionCommandOutput,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import type { EnvironmentConfig, ScheduledJobConfig } from '../../lib/config';
import { jobNames, stateMachineArn } from '../../lib/schedule/naming';
import { jobRunnerInput, parseJobRunnerInput } from '../../lib/schedule/runner-input';
import { CliError } from './errors';
import { RunProgress } from './progress';
import { executionUrl, jobLogUrl } from '../../lib/schedule/console-links';
import { formatDuration, type Output } from './output';
import { runOfExecution } from './run-records';

export interface RunOptions {
  readonly env: EnvironmentConfig;
  readonly job: ScheduledJobConfig;
  readonly force: boolean;
  readonly wait: boolean;
}

export interface RunDeps {
  readonly sfn: SFNClient;
  /** Shows the task's status while waiting. */
  readonly ecs?: ECSClient;
  /** Reads the run record of a failed execution, whose output is empty (a Fail state has none). */
  readonly ddb?: DynamoDBDocumentClient;
  readonly out: Output;
  readonly now: () => Date;
  readonly sleep: (ms: number) => Promise<void>;
  readonly uuid: () => string;
}

/** Polling: quick at first (short jobs), then every 30 s; DescribeExecution allows far more. */
export const POLL = { firstMs: 2_000, factor: 1.5, maxMs: 30_000 } as const;

/**
 * How long to wait before giving up (the run itself carries on): every attempt the job's
 * retries allow, each up to its timeout, plus one on-demand fallback and 10 minutes of
 * Fargate start-up and recording.
 */
export function maxWaitMs(job: ScheduledJobConfig): number {
  return ((job.retries + 2) * job.timeoutSeconds + 600) * 1000;
}

/** `manual-<job>-<UTC time>-<8 hex>`: unique, sortable, within Step Functions' 80 characters. */
export function executionName(job: string, at: Date, id: string): string {
  const stamp = at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  const suffix = id.replace(/[^A-Za-z0-9]/g, '').slice(0, 8);
  const room = 80 - 'manual-'.length - stamp.length - suffix.length - 2;
  return `manual-${job.slice(0, room)}-${stamp}-${suffix}`;
}

const outputSchema = z.looseObject({
  outcome: z.object({ status: z.string(), reason: z.string().optional() }).optional(),
  task: z.object({ taskArn: z.string().optional(), exitCode: z.number().nullable().optional() }).optional(),
});

/** Starts the job now, through the same state machine (lease, capacity, timeout) as its schedule. */
export async function runJob(options: RunOptions, deps: RunDeps): Promise<number> {
  const { env, job } = options;
  const { out } = deps;
  if (!job.enabled) {
    const until = job.disabledUntil ? ` until ${job.disabledUntil}` : '';
    const why = `${job.name} is disabled in ${env.name}${until}: ${job.disabledReason ?? 'no reason given'}`;
    if (!options.force) throw new CliError(`${why}. Pass --force to run it anyway.`);
    out.error(`warning: ${why}; running it because of --force`);
  }

  const id = deps.uuid();
  const name = executionName(job.name, deps.now(), id);
  const started = await deps.sfn.send(
    new StartExecutionCommand({
      stateMachineArn: stateMachineArn(env),
      name,
      // Checked with the runner's own schema: a start the runner would refuse never leaves here.
      input: JSON.stringify(parseJobRunnerInput(jobRunnerInput(env.name, job, 'manual', `manual:${id}`))),
    }),
  );
  const executionArn = started.executionArn;
  if (!executionArn) throw new CliError('Step Functions accepted the start but returned no execution ARN');
  out.line(`started ${job.name} in ${env.name}: ${name}`);
  out.line(`  execution ${executionUrl(env.region, executionArn)}`);
  if (!options.wait) {
    out.line(`  follow it with: npm run job -- status ${job.name} --env ${env.name}`);
    return 0;
  }
  out.line('waiting for it to finish (Ctrl-C stops waiting; the run carries on)');

  const progress = new RunProgress(executionArn, job.retries, {
    sfn: deps.sfn,
    ...(deps.ecs ? { ecs: deps.ecs } : {}),
    cluster: jobNames(env.name).cluster,
  });
  const execution = await waitForEnd(executionArn, job, deps, progress);
  if (!execution) {
    out.line(
      `still running after ${formatDuration(maxWaitMs(job))}; stopped waiting. It carries on: see the execution link above.`,
    );
    return 1;
  }
  return report(execution, options, deps);
}

export async function waitForEnd(
  executionArn: string,
  job: ScheduledJobConfig,
  deps: RunDeps,
  progress?: RunProgress,
): Promise<DescribeExecutionCommandOutput | undefined> {
  let delay: number = POLL.firstMs;
  let waited = 0;
  let showProgress = progress !== undefined;
  const report = async () => {
    if (!showProgress || !progress) return;
    try {
      for (const line of await progress.poll()) deps.out.line(`  ${line}`);
    } catch (error) {
      // Progress is a courtesy: a missing read permission must not end the wait.
      showProgress = false;
      deps.out.line(`  (no progress to show: ${(error as Error).name}; still waiting for the outcome)`);
    }
  };
  while (waited < maxWaitMs(job)) {
    await deps.sleep(delay);
    waited += delay;
    const execution = await deps.sfn.send(new DescribeExecutionCommand({ executionArn }));
    await report();
    // PENDING_REDRIVE: failed but being redriven, so not over yet.
    if (execution.status !== 'RUNNING' && execution.status !== 'PENDING_REDRIVE') return execution;
    delay = Math.min(POLL.maxMs, Math.round(delay * POLL.factor));
  }
  return undefined;
}

async function report(
  execution: DescribeExecutionCommandOutput,
  options: RunOptions,
  deps: RunDeps,
): Promise<number> {
  const { env, job } = options;
  const { out } = deps;
  const parsed = execution.output ? outputSchema.safeParse(safeJson(execution.output)) : undefined;
  const output = parsed?.success ? parsed.data : undefined;
  let taskArn = output?.task?.taskArn;
  let exitCode = output?.task?.exitCode ?? undefined;
  let reason = output?.outcome?.reason ?? [execution.error, execution.cause].filter(Boolean).join(': ');

  // A failed run ends in a Fail state, which has no output: the run record has the details.
  if (!taskArn && deps.ddb && execution.executionArn && execution.startDate) {
    const record = await runOfExecution(
      { ddb: deps.ddb, environment: env.name, job: job.name },
      execution.executionArn,
      execution.startDate,
    ).catch(() => undefined);
    taskArn = record?.taskArn;
    exitCode = exitCode ?? record?.exitCode;
    reason = record?.reason ?? reason;
  }

  const elapsed =
    execution.startDate && execution.stopDate
      ? ` after ${formatDuration(execution.stopDate.getTime() - execution.startDate.getTime())}`
      : '';
  // A run that found its previous run still going ends SUCCEEDED without running the job.
  const skipped = output?.outcome?.status === 'Skipped';
  const status = `${execution.status ?? 'UNKNOWN'}${skipped ? ' (skipped)' : ''}`;
  out.line(`${status}${elapsed}${reason ? `: ${reason}` : ''}`);
  if (exitCode !== undefined) out.line(`  exit code ${exitCode}`);
  const logs = taskArn ? jobLogUrl(env, job.name, taskArn) : undefined;
  if (logs) out.line(`  logs      ${logs}`);
  if (execution.executionArn) out.line(`  execution ${executionUrl(env.region, execution.executionArn)}`);
  return execution.status === 'SUCCEEDED' && !skipped ? 0 : 1;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
