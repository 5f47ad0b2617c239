import { DescribeTasksCommand, ECSClient, StopTaskCommand } from '@aws-sdk/client-ecs';
import { GetExecutionHistoryCommand, SFNClient } from '@aws-sdk/client-sfn';
import { mockAws } from '../../test/support/aws-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { handle } from './handler';
import { stopExecutionTasks, tasksOf } from './tasks';

const ecsMock = mockAws(ECSClient);
const sfnMock = mockAws(SFNClient);
let clock = 0;
const deps = {
  ecs: new ECSClient({ region: 'ap-northeast-1' }),
  sfn: new SFNClient({ region: 'ap-northeast-1' }),
  cluster: 'arn:aws:ecs:ap-northeast-1:111111111111:cluster/sandbox-jobs',
  sleep: (ms: number) => Promise.resolve(void (clock += ms)),
  now: () => clock,
};
const execution = 'arn:aws:states:ap-northeast-1:111111111111:execution:sandbox-job-runner:exec-1';
const task = (id: string) => `arn:aws:ecs:ap-northeast-1:111111111111:task/sandbox-jobs/${id}`;
const submitted = (output: unknown, resourceType = 'ecs') => ({
  type: 'TaskSubmitted' as const,
  id: 1,
  timestamp: new Date(),
  taskSubmittedEventDetails: { resourceType, resource: 'runTask.sync', output: JSON.stringify(output) },
});

beforeEach(() => {
  ecsMock.reset();
  sfnMock.reset();
  clock = 0;
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
});

describe('tasksOf', () => {
  it('reads every RunTask response in the execution history, across pages', async () => {
    sfnMock
      .on(GetExecutionHistoryCommand)
      .resolvesOnce({
        events: [submitted({ Tasks: [{ TaskArn: task('a') }] }), submitted({}, 'lambda')],
        nextToken: 't',
      })
      .resolves({ events: [submitted({ tasks: [{ taskArn: task('b') }] })] });
    expect(await tasksOf(execution, deps)).toEqual([task('a'), task('b')]);
    expect(sfnMock.commandCalls(GetExecutionHistoryCommand)[1]!.args[0].input.nextToken).toBe('t');
  });
});

describe('stopExecutionTasks', () => {
  beforeEach(() => {
    sfnMock
      .on(GetExecutionHistoryCommand)
      .resolves({ events: [submitted({ Tasks: [{ TaskArn: task('a') }] })] });
  });

  it('stops a running task on the jobs cluster and waits until ECS reports it STOPPED', async () => {
    ecsMock
      .on(DescribeTasksCommand)
      .resolvesOnce({ tasks: [{ taskArn: task('a'), lastStatus: 'RUNNING' }] })
      .resolvesOnce({ tasks: [{ taskArn: task('a'), lastStatus: 'DEACTIVATING' }] })
      .resolves({ tasks: [{ taskArn: task('a'), lastStatus: 'STOPPED' }] });
    expect(await stopExecutionTasks(execution, 'Job timeout reached', deps)).toEqual({
      tasks: [{ taskArn: task('a'), lastStatus: 'STOPPED' }],
      allStopped: true,
    });
    expect(ecsMock.commandCalls(StopTaskCommand)[0]!.args[0].input).toEqual({
      cluster: deps.cluster,
      task: task('a'),
      reason: 'Job timeout reached',
    });
  });

  it('says so when the task is still not STOPPED after the stop timeout', async () => {
    ecsMock
      .on(DescribeTasksCommand)
      .resolves({ tasks: [{ taskArn: task('a'), lastStatus: 'DEACTIVATING' }] });
    expect(await stopExecutionTasks(execution, 'x', deps)).toMatchObject({ allStopped: false });
    expect(clock).toBeGreaterThanOrEqual(150_000);
  });

  it('a task ECS has forgotten (MISSING) is long stopped; an already STOPPED one is not stopped again', async () => {
    ecsMock
      .on(DescribeTasksCommand)
      .resolves({ tasks: [], failures: [{ arn: task('a'), reason: 'MISSING' }] });
    expect(await stopExecutionTasks(execution, 'x', deps)).toMatchObject({ allStopped: true });
    expect(ecsMock.commandCalls(StopTaskCommand)).toHaveLength(0);
  });

  it('an execution that started no task has nothing to stop', async () => {
    sfnMock.on(GetExecutionHistoryCommand).resolves({ events: [] });
    expect(await stopExecutionTasks(execution, 'x', deps)).toEqual({ tasks: [], allStopped: true });
    expect(ecsMock.calls()).toHaveLength(0);
  });

  it('the handler rejects a malformed event as InvalidTasksEvent', async () => {
    await expect(handle({ action: 'stop', executionArn: 'x', reason: 'y' }, deps)).rejects.toMatchObject({
      name: 'InvalidTasksEvent',
    });
  });
});
