import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { metricLine, recordRun, recorderEventSchema, type RecorderEvent } from './record';

const ddbMock = mockClient(DynamoDBDocumentClient);
const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'ap-northeast-1' }));
const NOW = new Date('2026-11-23T03:05:00Z');
const deps = { ddb, tableName: 'sandbox-batch-jobs', environment: 'sandbox', now: () => NOW };

const base: RecorderEvent = {
  state: {
    job: {
      name: 'nightly-report',
      taskFamily: 'sandbox-job-nightly-report',
      concurrency: 'forbid',
      retries: 2,
    },
    trigger: 'schedule',
    slot: '2026-11-23T03:00:00Z',
    run: { attempt: 0, capacity: 'spot', fellBack: false },
    outcome: { status: 'Succeeded', reason: 'exited with code 0' },
    task: { taskArn: 'arn:aws:ecs:ap-northeast-1:111111111111:task/sandbox-jobs/0123abcd', exitCode: 0 },
  },
  executionArn: 'arn:aws:states:ap-northeast-1:111111111111:execution:sandbox-job-runner:exec-1',
  executionName: 'exec-1',
  startedAt: '2026-11-23T03:00:01.000Z',
  endedAt: '2026-11-23T03:04:31.000Z',
};

beforeEach(() => {
  ddbMock.reset();
  ddbMock.on(PutCommand).resolves({});
});

describe('recordRun', () => {
  it('writes a successful run under RUN#<job>, newest-first sortable, with a TTL', async () => {
    const { detailType, detail } = await recordRun(base, deps);
    expect(detailType).toBe('JobSucceeded');
    const [call] = ddbMock.commandCalls(PutCommand);
    expect(call!.args[0].input).toEqual({
      TableName: 'sandbox-batch-jobs',
      Item: {
        pk: 'RUN#nightly-report',
        sk: '2026-11-23T03:00:01.000Z#exec-1',
        ...detail,
        ttl: Math.floor(NOW.getTime() / 1000) + 180 * 86_400,
      },
    });
    expect(detail).toMatchObject({
      status: 'Succeeded',
      exitCode: 0,
      durationSeconds: 270,
      attempts: 1,
      capacity: 'spot',
      logStream: 'nightly-report/job/0123abcd',
    });
  });

  it('takes exit code, task and ECS reason from a stopped task on failure', async () => {
    const event: RecorderEvent = {
      ...base,
      state: {
        ...base.state,
        task: undefined,
        run: { attempt: 2, capacity: 'on-demand', fellBack: true, fallbackReason: 'Spot task interrupted' },
        outcome: { status: 'Failed', reason: 'failed after 2 retries: States.TaskFailed' },
        failure: {
          task: {
            TaskArn: 'arn:aws:ecs:ap-northeast-1:111111111111:task/sandbox-jobs/ffff',
            StopCode: 'EssentialContainerExited',
            StoppedReason: 'Essential container in task exited',
            Containers: [{ ExitCode: 1 }],
          },
        },
      },
    };
    const { detailType, detail } = await recordRun(event, deps);
    expect(detailType).toBe('JobFailed');
    expect(detail).toMatchObject({
      exitCode: 1,
      attempts: 3,
      capacity: 'on-demand',
      fellBackToOnDemand: true,
      taskArn: 'arn:aws:ecs:ap-northeast-1:111111111111:task/sandbox-jobs/ffff',
      reason: 'failed after 2 retries: States.TaskFailed (Essential container in task exited)',
    });
  });

  it('records a skipped run without task fields or an attempt', async () => {
    const event: RecorderEvent = {
      ...base,
      state: {
        ...base.state,
        task: undefined,
        outcome: { status: 'Skipped', reason: 'the previous run x is still running' },
      },
    };
    const { detail } = await recordRun(event, deps);
    expect(detail.attempts).toBe(0);
    expect(detail).not.toHaveProperty('taskArn');
    expect(detail).not.toHaveProperty('exitCode');
  });

  it('lets a DynamoDB failure reach the state machine, which retries and then moves on', async () => {
    ddbMock.on(PutCommand).rejects(new Error('throttled'));
    await expect(recordRun(base, deps)).rejects.toThrow('throttled');
  });
});

describe('recorderEventSchema', () => {
  it('rejects an event without an outcome, naming the field', () => {
    const { outcome: _omit, ...state } = base.state;
    const result = recorderEventSchema.safeParse({ ...base, state });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['state', 'outcome']);
  });
});

describe('metricLine', () => {
  it('emits per-job embedded metrics CloudWatch turns into Job-dimensioned counts', async () => {
    const { detail } = await recordRun(base, deps);
    const line = JSON.parse(metricLine(detail, NOW)) as Record<string, unknown>;
    expect(line).toMatchObject({
      Environment: 'sandbox',
      Job: 'nightly-report',
      Succeeded: 1,
      DurationSeconds: 270,
    });
    expect(line['_aws']).toMatchObject({
      CloudWatchMetrics: [{ Namespace: 'BatchPlatform/Jobs', Dimensions: [['Environment', 'Job']] }],
    });
  });
});
