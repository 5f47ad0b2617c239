import {
  CloudWatchLogsClient,
  GetLogEventsCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-cloudwatch-logs';
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  SFNClient,
} from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import type { EnvironmentConfig } from '../../lib/config';
import { mockAws } from '../../test/support/aws-mock';
import { scheduledJob } from '../../test/support/fixtures';
import { CliError } from './errors';
import { FOLLOW_POLL_MS, jobLogs, runningExecution, runningExecutions, type LogsDeps } from './logs';
import { captureOutput, testClients } from './test-support';

const sfn = mockAws(SFNClient);
const ddb = mockAws(DynamoDBDocumentClient);
const cwl = mockAws(CloudWatchLogsClient);

const env = { name: 'sandbox', account: '111111111111', region: 'ap-northeast-1' } as EnvironmentConfig;
const job = scheduledJob({ name: 'nightly-report', timezone: 'Asia/Tokyo' });
const machine = 'arn:aws:states:ap-northeast-1:111111111111:stateMachine:sandbox-job-runner';
const execution = (name: string) =>
  `arn:aws:states:ap-northeast-1:111111111111:execution:sandbox-job-runner:${name}`;
const task = (id: string) => `arn:aws:ecs:ap-northeast-1:111111111111:task/sandbox-jobs/${id}`;
const input = (jobName: string) => JSON.stringify({ job: { name: jobName } });
/** The execution history event the ECS integration writes when it started a task. */
const submitted = (...ids: string[]) => ({
  id: 1,
  timestamp: new Date('2026-11-22T18:00:05Z'),
  type: 'TaskSubmitted' as const,
  taskSubmittedEventDetails: {
    resourceType: 'ecs',
    resource: 'runTask.sync',
    output: JSON.stringify({ Tasks: ids.map((id) => ({ TaskArn: task(id) })) }),
  },
});
const at = (iso: string) => Date.parse(iso);

function deps(): LogsDeps & { out: ReturnType<typeof captureOutput>; sleeps: number[] } {
  const sleeps: number[] = [];
  return {
    ...testClients(),
    out: captureOutput(),
    sleeps,
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
  };
}

beforeEach(() => {
  sfn.reset();
  ddb.reset();
  cwl.reset();
  sfn.on(ListExecutionsCommand).resolves({ executions: [] });
});

describe('npm run job -- logs', () => {
  it("prints the latest recorded run's output, oldest line first, in the job's zone, page by page", async () => {
    ddb.on(QueryCommand).resolves({
      Items: [
        {
          pk: 'RUN#nightly-report',
          sk: '2026-11-22T18:00:02.000Z#sched-1',
          status: 'Failed',
          startedAt: '2026-11-22T18:00:02.000Z',
          executionArn: execution('sched-1'),
        },
      ],
    });
    sfn.on(GetExecutionHistoryCommand).resolves({ events: [submitted('t1')] });
    cwl
      .on(GetLogEventsCommand)
      .resolvesOnce({
        events: [{ timestamp: at('2026-11-22T18:00:10Z'), message: 'starting\n' }],
        nextForwardToken: 'f/1',
      })
      .resolvesOnce({
        events: [{ timestamp: at('2026-11-22T18:00:11Z'), message: 'boom' }],
        nextForwardToken: 'f/2',
      })
      .resolves({ events: [], nextForwardToken: 'f/2' });
    const d = deps();
    await expect(jobLogs({ env, job, follow: false }, d)).resolves.toBe(0);

    expect(d.out.stdout).toEqual([
      'nightly-report in sandbox: run sched-1 (Failed), times in Asia/Tokyo',
      '--- attempt 1: /batch-platform/sandbox/jobs nightly-report/job/t1',
      '2026-11-23 03:00:10 JST  starting',
      '2026-11-23 03:00:11 JST  boom',
    ]);
    expect(cwl.commandCalls(GetLogEventsCommand).map((c) => c.args[0].input)).toEqual([
      {
        logGroupName: '/batch-platform/sandbox/jobs',
        logStreamName: 'nightly-report/job/t1',
        startFromHead: true,
      },
      {
        logGroupName: '/batch-platform/sandbox/jobs',
        logStreamName: 'nightly-report/job/t1',
        startFromHead: true,
        nextToken: 'f/1',
      },
      {
        logGroupName: '/batch-platform/sandbox/jobs',
        logStreamName: 'nightly-report/job/t1',
        startFromHead: true,
        nextToken: 'f/2',
      },
    ]);
    expect(ddb.commandCalls(QueryCommand)[0]!.args[0].input).toMatchObject({
      TableName: 'sandbox-batch-jobs',
      ExpressionAttributeValues: { ':pk': 'RUN#nightly-report' },
      ScanIndexForward: false,
      Limit: 1,
    });
  });

  it('prefers the run in progress, found by the job in the input of running executions', async () => {
    sfn.on(ListExecutionsCommand).resolves({
      executions: [
        { executionArn: execution('other'), name: 'other' } as never,
        { executionArn: execution('mine'), name: 'mine' } as never,
      ],
    });
    sfn
      .on(DescribeExecutionCommand, { executionArn: execution('other') })
      .resolves({ input: input('another-job') });
    sfn
      .on(DescribeExecutionCommand, { executionArn: execution('mine') })
      .resolves({ input: input('nightly-report') });
    sfn.on(GetExecutionHistoryCommand).resolves({ events: [] });
    const d = deps();
    await jobLogs({ env, job, follow: false }, d);
    expect(d.out.stdout[0]).toBe('nightly-report in sandbox: run mine (running), times in Asia/Tokyo');
    expect(sfn.commandCalls(ListExecutionsCommand)[0]!.args[0].input).toEqual({
      stateMachineArn: machine,
      statusFilter: 'RUNNING',
      maxResults: 100,
    });
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(0);
  });

  it('finds running executions by job, the newest of a job first, with their ARNs, in one listing', async () => {
    sfn.on(ListExecutionsCommand).resolves({
      executions: [
        { executionArn: execution('newer'), name: 'newer' } as never,
        { executionArn: execution('other'), name: 'other' } as never,
        { executionArn: execution('older'), name: 'older' } as never,
      ],
    });
    sfn.on(DescribeExecutionCommand).resolves({ input: input('nightly-report') });
    sfn
      .on(DescribeExecutionCommand, { executionArn: execution('other') })
      .resolves({ input: input('another-job') });
    expect(await runningExecutions(env, { sfn: testClients().sfn })).toEqual(
      new Map([
        ['nightly-report', { name: 'newer', executionArn: execution('newer') }],
        ['another-job', { name: 'other', executionArn: execution('other') }],
      ]),
    );
    expect(await runningExecution(env, 'nightly-report', { sfn: testClients().sfn })).toEqual({
      name: 'newer',
      executionArn: execution('newer'),
      running: true,
      status: 'RUNNING',
    });
    expect(await runningExecution(env, 'idle-job', { sfn: testClients().sfn })).toBeUndefined();
    expect(sfn.commandCalls(ListExecutionsCommand)).toHaveLength(3);
  });

  it('follows a running run through a retry until it ends, waiting for a stream not yet created', async () => {
    sfn
      .on(ListExecutionsCommand)
      .resolves({ executions: [{ executionArn: execution('mine'), name: 'mine' } as never] });
    sfn
      .on(DescribeExecutionCommand)
      .resolvesOnce({ input: input('nightly-report'), status: 'RUNNING' }) // found while listing
      .resolvesOnce({ status: 'RUNNING' })
      .resolves({ status: 'SUCCEEDED' });
    sfn
      .on(GetExecutionHistoryCommand)
      .resolvesOnce({ events: [submitted('t1')] })
      .resolves({ events: [submitted('t1'), submitted('t2')] });
    cwl
      .on(GetLogEventsCommand, { logStreamName: 'nightly-report/job/t1' })
      .resolvesOnce({
        events: [{ timestamp: at('2026-11-22T18:00:10Z'), message: 'attempt one' }],
        nextForwardToken: 'a/1',
      })
      .resolves({ events: [], nextForwardToken: 'a/1' });
    cwl
      .on(GetLogEventsCommand, { logStreamName: 'nightly-report/job/t2' })
      .rejectsOnce(
        new ResourceNotFoundException({ message: 'The specified log stream does not exist.', $metadata: {} }),
      )
      .resolvesOnce({
        events: [{ timestamp: at('2026-11-22T18:05:00Z'), message: 'attempt two' }],
        nextForwardToken: 'b/1',
      })
      .resolves({ events: [], nextForwardToken: 'b/1' });
    const d = deps();
    await jobLogs({ env, job, follow: true }, d);

    expect(d.out.stdout).toEqual([
      'nightly-report in sandbox: run mine (running), times in Asia/Tokyo',
      '--- attempt 1: /batch-platform/sandbox/jobs nightly-report/job/t1',
      '2026-11-23 03:00:10 JST  attempt one',
      '--- attempt 2: /batch-platform/sandbox/jobs nightly-report/job/t2',
      '2026-11-23 03:05:00 JST  attempt two',
      '--- run mine ended: SUCCEEDED',
    ]);
    expect(d.sleeps).toEqual([FOLLOW_POLL_MS, FOLLOW_POLL_MS]);
  });

  it('finds a named run among the records, or a running execution of that name', async () => {
    ddb.on(QueryCommand).resolves({
      Items: [
        {
          pk: 'RUN#nightly-report',
          sk: '2026-11-20T18:00:00.000Z#old',
          status: 'Succeeded',
          startedAt: '2026-11-20T18:00:00.000Z',
          executionArn: execution('old'),
        },
      ],
    });
    sfn.on(GetExecutionHistoryCommand).resolves({ events: [] });
    const recorded = deps();
    await jobLogs({ env, job, follow: false, run: 'old' }, recorded);
    expect(recorded.out.stdout).toEqual([
      'nightly-report in sandbox: run old (Succeeded), times in Asia/Tokyo',
      '(this run started no task: it was skipped or failed before its container ran)',
    ]);

    sfn
      .on(DescribeExecutionCommand, { executionArn: execution('new') })
      .resolves({ input: input('nightly-report'), status: 'RUNNING' });
    const running = deps();
    await jobLogs({ env, job, follow: false, run: 'new' }, running);
    expect(running.out.stdout[0]).toBe('nightly-report in sandbox: run new (running), times in Asia/Tokyo');
  });

  it('refuses a run of another job, an unknown run, and a job that never ran, in one line each', async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    sfn
      .on(DescribeExecutionCommand, { executionArn: execution('theirs') })
      .resolves({ input: input('another-job'), status: 'SUCCEEDED' });
    sfn
      .on(DescribeExecutionCommand, { executionArn: execution('nope') })
      .rejects(Object.assign(new Error('Execution Does Not Exist'), { name: 'ExecutionDoesNotExist' }));

    await expect(jobLogs({ env, job, follow: false, run: 'theirs' }, deps())).rejects.toThrow(
      new CliError('run theirs is not a run of nightly-report'),
    );
    await expect(jobLogs({ env, job, follow: false, run: 'nope' }, deps())).rejects.toThrow(
      new CliError(
        'no run nope of nightly-report in sandbox; npm run job -- status nightly-report --env sandbox lists its runs',
      ),
    );
    await expect(jobLogs({ env, job, follow: false }, deps())).rejects.toThrow(
      new CliError('nightly-report has no run in progress and none recorded in sandbox'),
    );
  });

  it('passes on an AWS error it cannot explain, for the command line to describe', async () => {
    ddb.on(QueryCommand).resolves({
      Items: [
        {
          pk: 'RUN#nightly-report',
          sk: 's',
          status: 'Failed',
          startedAt: 's',
          executionArn: execution('x'),
        },
      ],
    });
    sfn.on(GetExecutionHistoryCommand).resolves({ events: [submitted('t1')] });
    cwl
      .on(GetLogEventsCommand)
      .rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    await expect(jobLogs({ env, job, follow: false }, deps())).rejects.toThrow('denied');
  });
});
