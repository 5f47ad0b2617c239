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

describe('tasksOf: the history', () => {
  it('asks for the execution data (the RunTask responses) and reads a one-page history once', async () => {
    sfnMock
      .on(GetExecutionHistoryCommand)
      .resolves({ events: [submitted({ Tasks: [{ TaskArn: task('a') }] })] });
    expect(await tasksOf(execution, deps)).toEqual([task('a')]);
    const calls = sfnMock.commandCalls(GetExecutionHistoryCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.args[0].input).toMatchObject({ executionArn: execution, includeExecutionData: true });
  });

  it('reads at most ten pages, however long the history claims to be', async () => {
    sfnMock.on(GetExecutionHistoryCommand).resolves({ events: [], nextToken: 'more' });
    expect(await tasksOf(execution, deps)).toEqual([]);
    expect(sfnMock.commandCalls(GetExecutionHistoryCommand)).toHaveLength(10);
  });

  it('only ECS RunTask responses name tasks; failed placements, other integrations and empty pages name none', async () => {
    sfnMock
      .on(GetExecutionHistoryCommand)
      .resolvesOnce({
        events: [
          { type: 'ExecutionStarted', id: 0, timestamp: new Date() },
          // A Lambda's output that happens to list tasks (job-tasks answers so) is not a RunTask.
          submitted({ tasks: [{ taskArn: task('x') }] }, 'lambda'),
          submitted({ Tasks: [], Failures: [{ Reason: 'RESOURCE:MEMORY' }] }),
          submitted({}),
          submitted({ Tasks: [{}] }),
          { ...submitted({}), taskSubmittedEventDetails: { resourceType: 'ecs', resource: 'runTask.sync' } },
        ],
        nextToken: 't',
      })
      .resolves({});
    expect(await tasksOf(execution, deps)).toEqual([]);
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
      stopRequested: [task('a')],
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
    // Polls every 5 s for the whole stop timeout, then gives up: 1 + 150 / 5 descriptions.
    expect(clock).toBe(150_000);
    expect(ecsMock.commandCalls(DescribeTasksCommand)).toHaveLength(31);
  });

  it('a task ECS has forgotten (MISSING) is long stopped; an already STOPPED one is not stopped again', async () => {
    ecsMock.on(DescribeTasksCommand).resolves({ failures: [{ arn: task('a'), reason: 'MISSING' }] });
    expect(await stopExecutionTasks(execution, 'x', deps)).toEqual({
      tasks: [{ taskArn: task('a'), lastStatus: 'STOPPED' }],
      allStopped: true,
      stopRequested: [],
    });
    expect(ecsMock.commandCalls(StopTaskCommand)).toHaveLength(0);
    expect(ecsMock.commandCalls(DescribeTasksCommand)[0]!.args[0].input).toEqual({
      cluster: deps.cluster,
      tasks: [task('a')],
    });
  });

  it('a task whose state ECS did not give (another failure, or no answer) is unknown, never stopped', async () => {
    sfnMock.on(GetExecutionHistoryCommand).resolves({
      events: [
        submitted({ Tasks: [{ TaskArn: task('a') }, { TaskArn: task('b') }, { TaskArn: task('c') }] }),
      ],
    });
    ecsMock.on(DescribeTasksCommand).resolves({
      tasks: [{ taskArn: task('a'), lastStatus: 'STOPPED' }],
      failures: [{ arn: task('b'), reason: 'ACCESS_DENIED' }, { reason: 'MISSING' }],
    });
    expect(await stopExecutionTasks(execution, 'x', deps)).toEqual({
      tasks: [
        { taskArn: task('a'), lastStatus: 'STOPPED' },
        { taskArn: task('b'), lastStatus: 'UNKNOWN (ACCESS_DENIED)' },
        { taskArn: task('c'), lastStatus: 'UNKNOWN (not in the answer)' },
      ],
      allStopped: false,
      stopRequested: [task('b'), task('c')],
    });
    // Stop is still asked for: a task that cannot be seen may well be running.
    expect(ecsMock.commandCalls(StopTaskCommand).map((c) => c.args[0].input.task)).toEqual([
      task('b'),
      task('c'),
    ]);
  });

  it('stops only the tasks still running, and waits for all of them, no longer than needed', async () => {
    sfnMock.on(GetExecutionHistoryCommand).resolves({
      events: [
        submitted({ Tasks: [{ TaskArn: task('a') }] }),
        submitted({ Tasks: [{ TaskArn: task('b') }] }),
      ],
    });
    ecsMock
      .on(DescribeTasksCommand)
      .resolvesOnce({
        tasks: [
          { taskArn: task('a'), lastStatus: 'STOPPED' },
          { taskArn: task('b'), lastStatus: 'RUNNING' },
        ],
      })
      .resolves({
        tasks: [
          { taskArn: task('a'), lastStatus: 'STOPPED' },
          { taskArn: task('b'), lastStatus: 'STOPPED' },
        ],
      });
    expect(await stopExecutionTasks(execution, 'x', deps)).toMatchObject({ allStopped: true });
    expect(ecsMock.commandCalls(StopTaskCommand).map((c) => c.args[0].input.task)).toEqual([task('b')]);
    expect(ecsMock.commandCalls(DescribeTasksCommand)).toHaveLength(2);
    expect(clock).toBe(5_000);
  });

  it('one task still running means not all stopped, even when the others are', async () => {
    sfnMock
      .on(GetExecutionHistoryCommand)
      .resolves({ events: [submitted({ Tasks: [{ TaskArn: task('a') }, { TaskArn: task('b') }] })] });
    ecsMock.on(DescribeTasksCommand).resolves({
      tasks: [
        { taskArn: task('a'), lastStatus: 'STOPPED' },
        { taskArn: task('b'), lastStatus: 'DEACTIVATING' },
      ],
    });
    expect(await stopExecutionTasks(execution, 'x', deps)).toMatchObject({ allStopped: false });
  });

  it('a task ECS describes without a status is not taken for stopped', async () => {
    ecsMock.on(DescribeTasksCommand).resolves({ tasks: [{ taskArn: task('a') }] });
    expect(await stopExecutionTasks(execution, 'x', deps)).toEqual({
      tasks: [{ taskArn: task('a'), lastStatus: 'UNKNOWN' }],
      allStopped: false,
      stopRequested: [task('a')],
    });
  });

  it('an execution that started no task has nothing to stop', async () => {
    sfnMock.on(GetExecutionHistoryCommand).resolves({ events: [] });
    expect(await stopExecutionTasks(execution, 'x', deps)).toEqual({
      tasks: [],
      allStopped: true,
      stopRequested: [],
    });
    expect(ecsMock.calls()).toHaveLength(0);
  });

  it('the handler rejects a malformed event as InvalidTasksEvent', async () => {
    await expect(handle({ action: 'stop', executionArn: 'x', reason: 'y' }, deps)).rejects.toMatchObject({
      name: 'InvalidTasksEvent',
    });
  });
});
