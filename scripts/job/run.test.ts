import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockAws } from '../../test/support/aws-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { main } from './main';
import { executionName, POLL } from './run';
import { cliDeps, FIXED_UUID } from './test-support';

const sfn = mockAws(SFNClient);
const ddb = mockAws(DynamoDBDocumentClient);

const EXECUTION_NAME = 'manual-nightly-sales-report-20261122T000000Z-1b4e28ba';
const EXECUTION_ARN = `arn:aws:states:ap-northeast-1:111111111111:execution:sandbox-job-runner:${EXECUTION_NAME}`;
const TASK_ARN = 'arn:aws:ecs:ap-northeast-1:111111111111:task/sandbox-jobs/0f3c9e2a7d4b4c1e8a6f5b3d2c1e0a9f';
const startDate = new Date('2026-11-22T00:00:01Z');
const stopDate = new Date('2026-11-22T00:04:13Z');

// The console encodes each part twice and writes % as $: "/" is $252F.
const LOGS_URL =
  'https://ap-northeast-1.console.aws.amazon.com/cloudwatch/home?region=ap-northeast-1#logsV2:log-groups/log-group/' +
  '$252Fbatch-platform$252Fsandbox$252Fjobs/log-events/nightly-sales-report$252Fjob$252F0f3c9e2a7d4b4c1e8a6f5b3d2c1e0a9f';
const EXECUTION_URL = `https://ap-northeast-1.console.aws.amazon.com/states/home?region=ap-northeast-1#/v2/executions/details/${EXECUTION_ARN}`;

beforeEach(() => {
  sfn.reset();
  ddb.reset();
  sfn.on(StartExecutionCommand).resolves({ executionArn: EXECUTION_ARN, startDate });
});

describe('npm run job -- run', () => {
  it('starts the job runner with the job, a manual slot and a unique name, then polls with backoff until SUCCEEDED', async () => {
    sfn
      .on(DescribeExecutionCommand)
      .resolvesOnce({ status: 'RUNNING' })
      .resolvesOnce({ status: 'RUNNING' })
      .resolves({
        executionArn: EXECUTION_ARN,
        status: 'SUCCEEDED',
        startDate,
        stopDate,
        output: JSON.stringify({
          outcome: { status: 'Succeeded', reason: 'exited with code 0' },
          task: { taskArn: TASK_ARN, exitCode: 0 },
        }),
      });
    const deps = cliDeps();

    expect(await main(['run', 'nightly-sales-report'], deps)).toBe(0);

    const [start] = sfn.commandCalls(StartExecutionCommand);
    expect(start!.args[0].input).toMatchObject({
      stateMachineArn: 'arn:aws:states:ap-northeast-1:111111111111:stateMachine:sandbox-job-runner',
      name: EXECUTION_NAME,
    });
    expect(JSON.parse(start!.args[0].input.input!)).toEqual({
      job: {
        name: 'nightly-sales-report',
        kind: 'container',
        taskFamily: 'sandbox-job-nightly-sales-report',
        container: 'job',
        timeoutSeconds: 3600,
        leaseSeconds: 4 * (3600 + 600), // (retries + 2) attempts of timeout + overhead
        concurrency: 'forbid',
        retries: 2,
        capacity: 'spot',
      },
      trigger: 'manual',
      slot: `manual:${FIXED_UUID}`,
    });
    expect(sfn.commandCalls(DescribeExecutionCommand)).toHaveLength(3);
    expect(deps.sleeps).toEqual([POLL.firstMs, 3_000, 4_500]);
    expect(deps.out.stdout).toEqual([
      `started nightly-sales-report in sandbox: ${EXECUTION_NAME}`,
      `  execution ${EXECUTION_URL}`,
      'waiting for it to finish (Ctrl-C stops waiting; the run carries on)',
      'SUCCEEDED after 4m 12s: exited with code 0',
      '  exit code 0',
      `  logs      ${LOGS_URL}`,
      `  execution ${EXECUTION_URL}`,
    ]);
    // The output had everything: no need to read the run record.
    expect(ddb.calls()).toHaveLength(0);
  });

  it('shows the progress while it waits, and keeps waiting when the history cannot be read', async () => {
    const entered = (name: string, input: unknown = {}) => ({
      id: 1,
      timestamp: startDate,
      type: 'PassStateEntered' as const,
      stateEnteredEventDetails: { name, input: JSON.stringify(input) },
    });
    sfn
      .on(DescribeExecutionCommand)
      .resolvesOnce({ status: 'RUNNING' })
      .resolves({ executionArn: EXECUTION_ARN, status: 'SUCCEEDED', startDate, stopDate, output: '{}' });
    sfn
      .on(GetExecutionHistoryCommand)
      .resolves({ events: [entered('Decide', { lease: { decision: 'run' } }), entered('RunOnSpot')] });
    const deps = cliDeps();
    expect(await main(['run', 'nightly-sales-report'], deps)).toBe(0);
    expect(deps.out.stdout.slice(3, 5)).toEqual([
      '  slot claimed, lease taken',
      '  attempt 1/3: starting a task on Fargate Spot',
    ]);

    sfn
      .on(GetExecutionHistoryCommand)
      .rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    const denied = cliDeps();
    expect(await main(['run', 'nightly-sales-report'], denied)).toBe(0);
    expect(denied.out.stdout.filter((l) => l.includes('no progress'))).toEqual([
      '  (no progress to show: AccessDeniedException; still waiting for the outcome)',
    ]);
  });

  it('exits 1 on FAILED, with the exit code and log link from the run record', async () => {
    sfn.on(DescribeExecutionCommand).resolves({
      executionArn: EXECUTION_ARN,
      status: 'FAILED',
      startDate,
      stopDate,
      error: 'JobFailed',
      cause: 'failed after 2 retries: States.TaskFailed',
    });
    ddb.on(QueryCommand).resolves({
      Items: [
        {
          pk: 'RUN#nightly-sales-report',
          sk: `2026-11-22T00:00:01.000Z#${EXECUTION_NAME}`,
          status: 'Failed',
          startedAt: '2026-11-22T00:00:01.000Z',
          executionArn: EXECUTION_ARN,
          taskArn: TASK_ARN,
          exitCode: 1,
          reason: 'failed after 2 retries: States.TaskFailed (Essential container in task exited)',
        },
      ],
    });
    const deps = cliDeps();

    expect(await main(['run', 'nightly-sales-report'], deps)).toBe(1);
    expect(deps.out.stdout.slice(3)).toEqual([
      'FAILED after 4m 12s: failed after 2 retries: States.TaskFailed (Essential container in task exited)',
      '  exit code 1',
      `  logs      ${LOGS_URL}`,
      `  execution ${EXECUTION_URL}`,
    ]);
    const [query] = ddb.commandCalls(QueryCommand);
    expect(query!.args[0].input).toMatchObject({
      TableName: 'sandbox-batch-jobs',
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: {
        ':pk': 'RUN#nightly-sales-report',
        ':from': '2026-11-21T23:59:56.000Z',
        ':to': '2026-11-22T00:00:06.000Z~',
      },
    });
  });

  it('still reports a FAILED run when its record cannot be read', async () => {
    sfn.on(DescribeExecutionCommand).resolves({
      executionArn: EXECUTION_ARN,
      status: 'TIMED_OUT',
      startDate,
      stopDate,
    });
    ddb.on(QueryCommand).rejects(new Error('AccessDeniedException'));
    const deps = cliDeps();
    expect(await main(['run', 'nightly-sales-report'], deps)).toBe(1);
    expect(deps.out.stdout.slice(3)).toEqual(['TIMED_OUT after 4m 12s', `  execution ${EXECUTION_URL}`]);
  });

  it('exits 1 when the run was skipped because the previous one still runs', async () => {
    sfn.on(DescribeExecutionCommand).resolves({
      executionArn: EXECUTION_ARN,
      status: 'SUCCEEDED',
      output: JSON.stringify({
        outcome: { status: 'Skipped', reason: 'the previous run arn:... is still running' },
      }),
    });
    const deps = cliDeps();
    expect(await main(['run', 'nightly-sales-report'], deps)).toBe(1);
    expect(deps.out.stdout[3]).toBe('SUCCEEDED (skipped): the previous run arn:... is still running');
  });

  it('with --no-wait starts and returns without polling', async () => {
    const deps = cliDeps();
    expect(await main(['run', 'nightly-sales-report', '--no-wait'], deps)).toBe(0);
    expect(sfn.commandCalls(DescribeExecutionCommand)).toHaveLength(0);
    expect(deps.out.stdout.at(-1)).toBe(
      '  follow it with: npm run job -- status nightly-sales-report --env sandbox',
    );
  });

  it('stops waiting (exit 1) once every allowed attempt would have timed out, without stopping the run', async () => {
    sfn.on(DescribeExecutionCommand).resolves({ status: 'RUNNING' });
    const deps = cliDeps();
    // session-cleanup: timeout 20 min, no retries: (0 + 2) x 20 min + 10 min = 50 min.
    expect(await main(['run', 'session-cleanup'], deps)).toBe(1);
    expect(deps.sleeps.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(50 * 60_000);
    expect(Math.max(...deps.sleeps)).toBe(POLL.maxMs);
    expect(deps.out.stdout.at(-1)).toBe(
      'still running after 50m 00s; stopped waiting. It carries on: see the execution link above.',
    );
  });

  it('refuses a disabled job unless --force', async () => {
    const refused = cliDeps();
    expect(await main(['run', 'legacy-ftp-import'], refused)).toBe(1);
    expect(refused.out.stderr).toEqual([
      'error: legacy-ftp-import is disabled in sandbox until 2027-01-31: Partner moved to the inventory API (partner-inventory-sync); kept until they confirm the FTP drop is gone. Pass --force to run it anyway.',
    ]);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);

    const forced = cliDeps();
    expect(await main(['run', 'legacy-ftp-import', '--force', '--no-wait'], forced)).toBe(0);
    expect(forced.out.stderr[0]).toMatch(
      /^warning: legacy-ftp-import is disabled in sandbox .*; running it because of --force$/,
    );
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(1);
  });

  it('rejects an unknown job, suggesting the close names (exit 2)', async () => {
    const deps = cliDeps();
    expect(await main(['run', 'nightly-sale-report'], deps)).toBe(2);
    expect(deps.out.stderr[0]).toBe(
      'error: no job "nightly-sale-report" in sandbox; did you mean nightly-sales-report?',
    );

    const partial = cliDeps();
    expect(await main(['run', 'check'], partial)).toBe(2);
    expect(partial.out.stderr[0]).toBe(
      'error: no job "check" in sandbox; did you mean certificate-expiry-check, hourly-endpoint-check?',
    );
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });
});

describe('executionName', () => {
  it('fits Step Functions: at most 80 characters of letters, digits, "-" and "_"', () => {
    const longest = 'a'.repeat(40);
    const name = executionName(longest, new Date('2026-11-22T00:00:00.123Z'), FIXED_UUID);
    expect(name).toBe(`manual-${longest}-20261122T000000Z-1b4e28ba`);
    expect(name.length).toBeLessThanOrEqual(80);
    expect(name).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(executionName('b'.repeat(100), new Date(), FIXED_UUID)).toHaveLength(80);
  });
});
