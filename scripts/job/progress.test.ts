import { DescribeTasksCommand, ECSClient } from '@aws-sdk/client-ecs';
import { GetExecutionHistoryCommand, SFNClient, type HistoryEvent } from '@aws-sdk/client-sfn';
import { beforeEach, describe, expect, it } from 'vitest';
import { mockAws } from '../../test/support/aws-mock';
import { RunProgress } from './progress';
import { testClients } from './test-support';

const sfn = mockAws(SFNClient);
const ecs = mockAws(ECSClient);
const execution = 'arn:aws:states:ap-northeast-1:111111111111:execution:sandbox-job-runner:manual-1';
const task = (id: string) => `arn:aws:ecs:ap-northeast-1:111111111111:task/sandbox-jobs/${id}`;
let id = 0;
const at = new Date('2026-11-24T01:00:00Z');
const entered = (name: string, input: unknown = {}): HistoryEvent => ({
  id: ++id,
  timestamp: at,
  type: name.startsWith('Run')
    ? 'TaskStateEntered'
    : name.endsWith('?') || name === 'Decide'
      ? 'ChoiceStateEntered'
      : 'PassStateEntered',
  stateEnteredEventDetails: { name, input: JSON.stringify(input) },
});
const submitted = (taskId: string): HistoryEvent => ({
  id: ++id,
  timestamp: at,
  type: 'TaskSubmitted',
  taskSubmittedEventDetails: {
    resourceType: 'ecs',
    resource: 'runTask.sync',
    output: JSON.stringify({ Tasks: [{ TaskArn: task(taskId) }] }),
  },
});

beforeEach(() => {
  sfn.reset();
  ecs.reset();
  id = 0;
});

describe('RunProgress', () => {
  it('turns the growing history into milestones, each once, with the task status from ECS', async () => {
    const history: HistoryEvent[] = [
      entered('Begin'),
      entered('Decide', { lease: { decision: 'run' } }),
      entered('RunOnSpot'),
    ];
    sfn.on(GetExecutionHistoryCommand).callsFake(() => ({ events: [...history] }));
    ecs
      .on(DescribeTasksCommand)
      .resolvesOnce({ tasks: [{ lastStatus: 'PROVISIONING' }] })
      .resolves({ tasks: [{ lastStatus: 'RUNNING' }] });
    const progress = new RunProgress(execution, 2, { ...testClients(), cluster: 'sandbox-jobs' });

    expect(await progress.poll()).toEqual([
      'slot claimed, lease taken',
      'attempt 1/3: starting a task on Fargate Spot',
    ]);
    history.push(submitted('t1'));
    expect(await progress.poll()).toEqual(['task t1 submitted', 'task t1 is PROVISIONING']);
    expect(await progress.poll()).toEqual(['task t1 is RUNNING']);
    expect(await progress.poll()).toEqual([]);
    history.push(
      entered('TaskStopped'),
      entered('RetriesLeft?'),
      entered('CountRetry'),
      entered('RunOnSpot'),
    );
    history.push(entered('FallBackAfterCapacityErrors'), entered('RunOnDemand'));
    expect(await progress.poll()).toEqual([
      'attempt 1/3 failed: retrying',
      'attempt 2/3: starting a task on Fargate Spot',
      'no Spot capacity: falling back to on-demand Fargate',
      'attempt 2/3: starting a task on on-demand Fargate',
    ]);
    expect(ecs.commandCalls(DescribeTasksCommand)[0]!.args[0].input).toEqual({
      cluster: 'sandbox-jobs',
      tasks: [task('t1')],
    });
    expect(sfn.commandCalls(GetExecutionHistoryCommand)[0]!.args[0].input).toMatchObject({
      executionArn: execution,
      includeExecutionData: true,
    });
  });

  it.each([
    ['duplicate', 'this slot was already claimed by another start: nothing to do'],
    ['skip', 'a previous run still holds the job: this one is skipped'],
    ['paused', 'the job is paused: this run is skipped'],
  ])('says what the lease decided: %s', async (decision, line) => {
    sfn.on(GetExecutionHistoryCommand).resolves({ events: [entered('Decide', { lease: { decision } })] });
    expect(await new RunProgress(execution, 0, { ...testClients(), cluster: 'c' }).poll()).toEqual([line]);
  });

  it('reads every page of a long history, and only new events next time', async () => {
    sfn
      .on(GetExecutionHistoryCommand)
      .resolvesOnce({ events: [entered('Begin')], nextToken: 'p2' })
      .resolvesOnce({ events: [entered('FallBackAfterInterruption')] })
      .resolvesOnce({ events: [entered('Begin')], nextToken: 'p2' })
      .resolvesOnce({ events: [entered('FallBackAfterInterruption')] });
    const progress = new RunProgress(execution, 0, { sfn: testClients().sfn, cluster: 'c' });
    expect(await progress.poll()).toEqual([
      'the Spot task was interrupted: running again on on-demand Fargate',
    ]);
    expect(await progress.poll()).toEqual([]);
  });
});
