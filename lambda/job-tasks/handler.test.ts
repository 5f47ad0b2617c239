import { DescribeTasksCommand, ECSClient, StopTaskCommand } from '@aws-sdk/client-ecs';
import { GetExecutionHistoryCommand, SFNClient } from '@aws-sdk/client-sfn';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mockAws } from '../../test/support/aws-mock';
import { lambdaOutput } from '../../test/support/lambda-output';
import { handle, handler } from './handler';

const ecsMock = mockAws(ECSClient);
const sfnMock = mockAws(SFNClient);
const cluster = 'arn:aws:ecs:ap-northeast-1:111111111111:cluster/sandbox-jobs';
const execution = 'arn:aws:states:ap-northeast-1:111111111111:execution:sandbox-job-runner:exec-1';
const taskArn = 'arn:aws:ecs:ap-northeast-1:111111111111:task/sandbox-jobs/a';
const deps = {
  ecs: new ECSClient({ region: 'ap-northeast-1' }),
  sfn: new SFNClient({ region: 'ap-northeast-1' }),
  cluster,
  sleep: () => Promise.resolve(),
  now: () => 0,
};
const stop = { action: 'stop', executionArn: execution, reason: 'Job timeout reached' };

const { documents: logs } = lambdaOutput();

beforeEach(() => {
  ecsMock.reset();
  sfnMock.reset();
  sfnMock.on(GetExecutionHistoryCommand).resolves({
    events: [
      {
        type: 'TaskSubmitted',
        id: 1,
        timestamp: new Date(),
        taskSubmittedEventDetails: {
          resourceType: 'ecs',
          resource: 'runTask.sync',
          output: JSON.stringify({ Tasks: [{ TaskArn: taskArn }] }),
        },
      },
    ],
  });
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe('job-tasks handler', () => {
  it('stops the execution’s tasks with the given reason and logs the result', async () => {
    ecsMock
      .on(DescribeTasksCommand)
      .resolvesOnce({ tasks: [{ taskArn, lastStatus: 'RUNNING' }] })
      .resolves({ tasks: [{ taskArn, lastStatus: 'STOPPED' }] });
    expect(await handle(stop, deps)).toEqual({
      tasks: [{ taskArn, lastStatus: 'STOPPED' }],
      allStopped: true,
      stopRequested: [taskArn],
    });
    expect(ecsMock.commandCalls(StopTaskCommand)[0]!.args[0].input.reason).toBe('Job timeout reached');
    expect(logs()).toContainEqual(
      expect.objectContaining({
        level: 'INFO',
        service: 'job-tasks',
        message: 'execution tasks stopped',
        executionArn: execution,
        reason: 'Job timeout reached',
        allStopped: true,
      }),
    );
  });

  it('a task still running after the wait is logged as an error (something of the run may still work)', async () => {
    ecsMock.on(DescribeTasksCommand).resolves({ tasks: [{ taskArn, lastStatus: 'RUNNING' }] });
    let clock = 0;
    const slow = { ...deps, sleep: (ms: number) => Promise.resolve(void (clock += ms)), now: () => clock };
    expect(await handle(stop, slow)).toMatchObject({ allStopped: false });
    expect(logs()).toContainEqual(
      expect.objectContaining({ level: 'ERROR', message: 'execution tasks stopped', allStopped: false }),
    );
  });

  it.each([
    ['another action', { ...stop, action: 'start' }, /^job-tasks: invalid event: action: /],
    [
      'an execution that is not an ARN',
      { ...stop, executionArn: 'exec-1' },
      /^job-tasks: invalid event: executionArn: /,
    ],
    ['an empty reason', { ...stop, reason: '' }, /^job-tasks: invalid event: reason: /],
    [
      'a reason longer than ECS takes',
      { ...stop, reason: 'x'.repeat(256) },
      /^job-tasks: invalid event: reason: /,
    ],
    ['no object at all', 'stop', /^job-tasks: invalid event: event: /],
  ])('rejects %s as InvalidTasksEvent, touching nothing', async (_, event, message) => {
    const error = (await handle(event, deps).catch((e: unknown) => e)) as Error;
    expect(error.name).toBe('InvalidTasksEvent');
    expect(error.message).toMatch(message);
    expect(sfnMock.calls()).toHaveLength(0);
    expect(ecsMock.calls()).toHaveLength(0);
  });

  it('the Lambda acts on CLUSTER_ARN only and polls ECS every 5 s until the task is STOPPED', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'Date'] });
    vi.stubEnv('CLUSTER_ARN', cluster);
    ecsMock
      .on(DescribeTasksCommand)
      .resolvesOnce({ tasks: [{ taskArn, lastStatus: 'RUNNING' }] })
      .resolves({ tasks: [{ taskArn, lastStatus: 'STOPPED' }] });
    const result = handler(stop);
    await vi.advanceTimersByTimeAsync(4_999);
    expect(ecsMock.commandCalls(DescribeTasksCommand)).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(await result).toMatchObject({ allStopped: true });
    expect(ecsMock.commandCalls(DescribeTasksCommand)).toHaveLength(2);
    expect(ecsMock.commandCalls(StopTaskCommand)[0]!.args[0].input.cluster).toBe(cluster);
  });

  it('refuses to run without CLUSTER_ARN', async () => {
    vi.stubEnv('CLUSTER_ARN', '');
    await expect(handler(stop)).rejects.toThrow('job-tasks: CLUSTER_ARN is not set');
    expect(sfnMock.calls()).toHaveLength(0);
  });
});
