import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Duration, Stack } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import { JOB_EVENT_SOURCE } from '../../schedule/naming';
import type { RunOutcomes, RunStep } from './frame';

/**
 * How Step Functions names RunTask's failures (see docs/decisions.md, "ECS errors"):
 * a RunTask answered with `failures` (no capacity, no ENI) fails the state with
 * `AmazonECS.Unknown`; ECS's own API errors arrive as `ECS.<exception>`.
 */
const CAPACITY_ERRORS = ['AmazonECS.Unknown'];
/** Transient API errors: worth retrying in place, never a reason to leave Spot. */
const TRANSIENT_ECS_ERRORS = ['ECS.ServerException', 'ECS.AmazonECSException', 'ECS.ThrottlingException'];

export interface ContainerStepProps {
  readonly cluster: ecs.ICluster;
  readonly subnets: readonly ec2.ISubnet[];
  readonly securityGroup: ec2.ISecurityGroup;
  readonly eventBus: events.IEventBus;
  /** Stops an execution's tasks and waits for STOPPED (lambda/job-tasks). */
  readonly tasksFunction: lambda.IFunction;
}

/**
 * The `container` kind: one ECS task through `runTask.sync`, on FARGATE_SPOT first. Spot
 * shortages and interruptions move the run to on-demand FARGATE once without spending the
 * job's retries; an exit code other than 0 is the job's failure; a timeout stops the task.
 */
export function containerRunStep(
  scope: Construct,
  props: ContainerStepProps,
  outcomes: RunOutcomes,
): RunStep {
  const stopWork = (id: string, executionArnPath: string, reason: string) =>
    new tasks.LambdaInvoke(scope, id, {
      comment: "Stops the execution's ECS tasks (found in its history) and waits until they are STOPPED",
      lambdaFunction: props.tasksFunction,
      payload: sfn.TaskInput.fromObject({ action: 'stop', 'executionArn.$': executionArnPath, reason }),
      payloadResponseOnly: true,
      resultSelector: { 'allStopped.$': '$.allStopped' },
      resultPath: '$.stopped',
    })
      .addRetry({ errors: ['InvalidTasksEvent'], maxAttempts: 0 })
      .addRetry({
        errors: ['States.ALL'],
        maxAttempts: 3,
        interval: Duration.seconds(2),
        jitterStrategy: sfn.JitterType.FULL,
      });

  const run = (id: string, capacityProvider: 'FARGATE_SPOT' | 'FARGATE', placementRetries: number) =>
    new sfn.CustomState(scope, id, {
      stateJson: {
        Type: 'Task',
        Comment: `Runs the job's task on ${capacityProvider} and waits for it to stop`,
        Resource: `arn:${Stack.of(scope).partition}:states:::ecs:runTask.sync`,
        // Only parameters Step Functions documents for this integration (test/contract checks
        // them): no StartedBy, which runTask.sync sets itself.
        Parameters: {
          Cluster: props.cluster.clusterArn,
          // A family runs its latest ACTIVE revision: one definition serves every job.
          'TaskDefinition.$': '$.job.taskFamily',
          CapacityProviderStrategy: [{ CapacityProvider: capacityProvider, Weight: 1 }],
          NetworkConfiguration: {
            AwsvpcConfiguration: {
              Subnets: props.subnets.map((s) => s.subnetId),
              SecurityGroups: [props.securityGroup.securityGroupId],
              AssignPublicIp: 'DISABLED',
            },
          },
          // Tags applied at creation need ecs:TagResource beside ecs:RunTask.
          PropagateTags: 'TASK_DEFINITION',
        },
        TimeoutSecondsPath: '$.job.timeoutSeconds',
        // The whole stopped task: its stop code and exit code decide what happens next.
        ResultPath: '$.task',
        Retry: [
          {
            ErrorEquals: TRANSIENT_ECS_ERRORS,
            IntervalSeconds: 2,
            BackoffRate: 2,
            MaxAttempts: 3,
            JitterStrategy: 'FULL',
          },
          {
            ErrorEquals: CAPACITY_ERRORS,
            IntervalSeconds: 5,
            BackoffRate: 2,
            MaxAttempts: placementRetries,
            MaxDelaySeconds: 60,
            JitterStrategy: 'FULL',
          },
        ],
      },
    });
  const runOnSpot = run('RunOnSpot', 'FARGATE_SPOT', 3);
  const runOnDemand = run('RunOnDemand', 'FARGATE', 4);

  // --- Spot shortage or interruption: on-demand, once, and say so -------------------------
  const publishFallback = new tasks.EventBridgePutEvents(scope, 'PublishFallback', {
    entries: [
      {
        eventBus: props.eventBus,
        source: JOB_EVENT_SOURCE,
        detailType: 'JobFellBackToOnDemand',
        detail: sfn.TaskInput.fromObject({
          'job.$': '$.job.name',
          'slot.$': '$.slot',
          'reason.$': '$.run.fallbackReason',
          'executionArn.$': '$$.Execution.Id',
        }),
      },
    ],
    resultPath: sfn.JsonPath.DISCARD,
  });
  publishFallback.addCatch(runOnDemand, { resultPath: '$.publishError' }).next(runOnDemand);
  const fallBack = (id: string, reason: string) =>
    new sfn.Pass(scope, id, {
      parameters: {
        'attempt.$': '$.run.attempt',
        capacity: 'on-demand',
        fellBack: true,
        fallbackReason: reason,
      },
      resultPath: '$.run',
    }).next(publishFallback);
  const interrupted = fallBack('FallBackAfterInterruption', 'Spot task interrupted');

  // --- how the task stopped decides the outcome (success and failure paths alike) -----------
  const stopCode = (code: string) =>
    sfn.Condition.and(
      sfn.Condition.isPresent('$.task.StopCode'),
      sfn.Condition.stringEquals('$.task.StopCode', code),
    );
  const taskStopped = new sfn.Choice(scope, 'TaskStopped', {
    comment: 'A Spot interruption is never the job succeeding, even when it exits 0 on SIGTERM',
  })
    .when(
      sfn.Condition.and(sfn.Condition.stringEquals('$.run.capacity', 'spot'), stopCode('SpotInterruption')),
      interrupted,
    )
    .when(
      sfn.Condition.and(
        stopCode('EssentialContainerExited'),
        sfn.Condition.isPresent('$.task.Containers[0].ExitCode'),
        sfn.Condition.numberEquals('$.task.Containers[0].ExitCode', 0),
      ),
      outcomes.succeeded,
    )
    .when(stopCode('TaskFailedToStart'), outcomes.notStarted)
    .when(stopCode('UserInitiated'), outcomes.stoppedFromOutside)
    .otherwise(outcomes.appFailed);
  // Two Pass states because Parameters must be an object: the parsed task lands under
  // `described`, then moves to `$.task`, where the success path keeps it too.
  const describeStopped = new sfn.Pass(scope, 'DescribeStoppedTask', {
    comment: 'runTask.sync fails with the stopped task, as JSON, in the cause',
    parameters: { 'described.$': 'States.StringToJson($.error.Cause)' },
    resultPath: '$.stoppedTask',
  }).next(
    new sfn.Pass(scope, 'KeepStoppedTask', {
      inputPath: '$.stoppedTask.described',
      resultPath: '$.task',
    }).next(taskStopped),
  );
  const failedHow = new sfn.Choice(scope, 'TaskDescribed?')
    .when(
      sfn.Condition.and(
        sfn.Condition.stringEquals('$.error.Error', 'States.TaskFailed'),
        sfn.Condition.stringMatches('$.error.Cause', '{*"TaskArn"*'),
      ),
      describeStopped,
    )
    .otherwise(outcomes.notStarted);

  // --- timeouts: stop this execution's task explicitly --------------------------------------
  const stopTimedOut = stopWork('StopTimedOutTask', '$$.Execution.Id', 'Job timeout reached');
  stopTimedOut.addCatch(outcomes.timedOut, { resultPath: '$.stopped' }).next(outcomes.timedOut);

  for (const [state, onCapacity] of [
    [runOnSpot, fallBack('FallBackAfterCapacityErrors', 'Spot capacity unavailable')],
    [runOnDemand, outcomes.notStarted],
  ] as const) {
    // Most specific first: States.TaskFailed (and so States.ALL) matches every error but the timeout.
    state
      .addCatch(stopTimedOut, { errors: ['States.Timeout'], resultPath: '$.error' })
      .addCatch(onCapacity, { errors: CAPACITY_ERRORS, resultPath: '$.error' })
      .addCatch(failedHow, { errors: ['States.ALL'], resultPath: '$.error' })
      .next(taskStopped);
  }

  const entry = new sfn.Choice(scope, 'ChooseCapacity')
    .when(sfn.Condition.stringEquals('$.run.capacity', 'on-demand'), runOnDemand)
    .otherwise(runOnSpot);
  return { kind: 'container', entry, stopWork };
}
