import { DescribeTasksCommand, ECSClient, StopTaskCommand } from '@aws-sdk/client-ecs';
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  SFNClient,
} from '@aws-sdk/client-sfn';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import type { EnvironmentConfig } from '../../lib/config';
import { mockAws } from '../../test/support/aws-mock';
import { scheduledJob } from '../../test/support/fixtures';
import { CliError } from './errors';
import { RECORD_WAIT_MS, stopJob, type StopDeps } from './stop';
import { captureOutput, testClients } from './test-support';

const sfn = mockAws(SFNClient);
const ecs = mockAws(ECSClient);
const sts = mockAws(STSClient);
const ddb = mockAws(DynamoDBDocumentClient);

const env = { name: 'sandbox', account: '111111111111', region: 'ap-northeast-1' } as EnvironmentConfig;
const job = scheduledJob({ name: 'nightly-report' });
const ALICE = 'arn:aws:sts::111111111111:assumed-role/Operator/alice';
const execution = 'arn:aws:states:ap-northeast-1:111111111111:execution:sandbox-job-runner:sched-9';
const task = 'arn:aws:ecs:ap-northeast-1:111111111111:task/sandbox-jobs/t9';
const started = new Date('2026-11-24T01:00:00Z');
const submitted = {
  id: 1,
  timestamp: started,
  type: 'TaskSubmitted' as const,
  taskSubmittedEventDetails: {
    resourceType: 'ecs',
    resource: 'runTask.sync',
    output: JSON.stringify({ Tasks: [{ TaskArn: task }] }),
  },
};

function deps(): StopDeps & { out: ReturnType<typeof captureOutput>; sleeps: number[] } {
  const sleeps: number[] = [];
  let clock = started.getTime();
  return {
    ...testClients(),
    out: captureOutput(),
    sleeps,
    sleep: (ms) => {
      sleeps.push(ms);
      clock += ms;
      return Promise.resolve();
    },
    now: () => new Date(clock),
  };
}

beforeEach(() => {
  for (const mock of [sfn, ecs, sts, ddb]) mock.reset();
  sts.on(GetCallerIdentityCommand).resolves({ Arn: ALICE });
  sfn
    .on(ListExecutionsCommand)
    .resolves({ executions: [{ executionArn: execution, name: 'sched-9' } as never] });
  sfn
    .on(DescribeExecutionCommand)
    .resolvesOnce({ input: JSON.stringify({ job: { name: 'nightly-report' } }), status: 'RUNNING' })
    .resolvesOnce({ status: 'RUNNING', startDate: started })
    .resolves({ status: 'FAILED', startDate: started });
  sfn.on(GetExecutionHistoryCommand).resolves({ events: [submitted] });
  ecs
    .on(DescribeTasksCommand)
    .resolvesOnce({ tasks: [{ taskArn: task, lastStatus: 'RUNNING' }] })
    .resolves({ tasks: [{ taskArn: task, lastStatus: 'STOPPED' }] });
  ddb.on(QueryCommand).resolves({
    Items: [
      {
        pk: 'RUN#nightly-report',
        sk: '2026-11-24T01:00:00.000Z#sched-9',
        status: 'Failed',
        startedAt: '2026-11-24T01:00:00.000Z',
        executionArn: execution,
        reason: `its work was stopped from outside the runner (stopped by ${ALICE}: wrong input file)`,
      },
    ],
  });
});

describe('npm run job -- stop', () => {
  it("stops the run's task with who and why, and shows the runner's record of it", async () => {
    const d = deps();
    await expect(stopJob({ env, job, reason: 'wrong input file' }, d)).resolves.toBe(0);

    expect(ecs.commandCalls(StopTaskCommand).map((c) => c.args[0].input)).toEqual([
      { cluster: 'sandbox-jobs', task, reason: `stopped by ${ALICE}: wrong input file` },
    ]);
    expect(d.out.stdout).toEqual([
      `stopped the task of run sched-9 of nightly-report in sandbox (stopped by ${ALICE}: wrong input file)`,
      `the runner recorded it: Failed: its work was stopped from outside the runner (stopped by ${ALICE}: wrong input file)`,
    ]);
  });

  it('keeps the stop reason within the 255 characters ECS accepts', async () => {
    await stopJob({ env, job, reason: 'x'.repeat(300) }, deps());
    expect(ecs.commandCalls(StopTaskCommand)[0]!.args[0].input.reason).toHaveLength(255);
  });

  it('refuses when the job has no run in progress', async () => {
    sfn.on(ListExecutionsCommand).resolves({ executions: [] });
    await expect(stopJob({ env, job, reason: 'r' }, deps())).rejects.toThrow(
      new CliError('nightly-report in sandbox has no run in progress; nothing to stop'),
    );
    expect(ecs.commandCalls(StopTaskCommand)).toHaveLength(0);
  });

  it('says nothing was stopped when the run has no task running (between attempts)', async () => {
    ecs.on(DescribeTasksCommand).resolves({ tasks: [{ taskArn: task, lastStatus: 'STOPPED' }] });
    await expect(stopJob({ env, job, reason: 'r' }, deps())).rejects.toThrow(
      new CliError(
        'run sched-9 of nightly-report has no task running right now (between attempts, or still starting); nothing was stopped: try again in a few seconds',
      ),
    );
  });

  it('fails with the task that would not stop', async () => {
    ecs.on(DescribeTasksCommand).resolves({ tasks: [{ taskArn: task, lastStatus: 'RUNNING' }] });
    const d = deps();
    await expect(stopJob({ env, job, reason: 'r' }, d)).resolves.toBe(1);
    expect(d.out.stderr).toEqual([
      `error: asked ECS to stop 1 task(s) of run sched-9, but ${task} is RUNNING; check the ECS console`,
    ]);
  });

  it('says where to look when the runner has not recorded the run within a minute', async () => {
    sfn
      .on(DescribeExecutionCommand)
      .resolvesOnce({ input: JSON.stringify({ job: { name: 'nightly-report' } }), status: 'RUNNING' })
      .resolves({ status: 'RUNNING', startDate: started });
    const d = deps();
    await expect(stopJob({ env, job, reason: 'r' }, d)).resolves.toBe(0);
    expect(d.out.stdout.at(-1)).toBe(
      'the runner has not recorded the run yet; npm run job -- status nightly-report --env sandbox will show it',
    );
    expect(d.sleeps.filter((ms) => ms === 2_000).length).toBeGreaterThanOrEqual(RECORD_WAIT_MS / 2_000);
  });

  it('says so when the run ended without a record', async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    const d = deps();
    await stopJob({ env, job, reason: 'r' }, d);
    expect(d.out.stdout.at(-1)).toBe(
      'the run ended (FAILED) but no record was found; npm run job -- status nightly-report --env sandbox',
    );
  });
});
