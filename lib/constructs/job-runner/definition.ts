import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';

/** Events the job runner puts on its bus; notifications and dashboards subscribe to them. */
export const JOB_EVENT_SOURCE = 'batch-platform.jobs';

/** Errors ECS raises when it cannot place a task now: capacity, ENIs, throttling. */
const PLACEMENT_ERRORS = ['ECS.AmazonECSException', 'AmazonECS.Unknown'];

export interface JobRunnerDefinitionProps {
  readonly stateMachineName: string;
  readonly leaseFunction: lambda.IFunction;
  readonly recorderFunction: lambda.IFunction;
  readonly table: dynamodb.ITable;
  readonly eventBus: events.IEventBus;
  readonly cluster: ecs.ICluster;
  /** The cluster's name as a literal (the cluster itself is in another stack). */
  readonly clusterName: string;
  readonly subnets: readonly ec2.ISubnet[];
  readonly securityGroup: ec2.ISecurityGroup;
}

/**
 * The job runner's workflow (JSONPath, so tests can run the real definition in
 * aws-local-stepfunctions): lease → run on Spot (on-demand fallback) → wait with a timeout →
 * record → event → release. Everything job-specific comes from the input, so the definition
 * is the same size for 1 job or 1,000.
 */
export function jobRunnerDefinition(scope: Construct, props: JobRunnerDefinitionProps): sfn.IChainable {
  const stack = Stack.of(scope);
  const run = (capacity: 'spot' | 'on-demand', attempts: number) =>
    new sfn.CustomState(scope, capacity === 'spot' ? 'RunOnSpot' : 'RunOnDemand', {
      stateJson: {
        Type: 'Task',
        Comment: `Runs the job's task on ${capacity === 'spot' ? 'FARGATE_SPOT' : 'on-demand FARGATE'} and waits for it to stop`,
        Resource: `arn:${stack.partition}:states:::ecs:runTask.sync`,
        Parameters: {
          Cluster: props.cluster.clusterArn,
          // A family runs its latest ACTIVE revision: one definition serves every job.
          'TaskDefinition.$': '$.job.taskFamily',
          CapacityProviderStrategy: [
            { CapacityProvider: capacity === 'spot' ? 'FARGATE_SPOT' : 'FARGATE', Weight: 1 },
          ],
          NetworkConfiguration: {
            AwsvpcConfiguration: {
              Subnets: props.subnets.map((s) => s.subnetId),
              SecurityGroups: [props.securityGroup.securityGroupId],
              AssignPublicIp: 'DISABLED',
            },
          },
          // Lets a timeout or a replacing run find this execution's tasks with ListTasks.
          'StartedBy.$': '$$.Execution.Name',
          PropagateTags: 'TASK_DEFINITION',
          EnableECSManagedTags: true,
        },
        TimeoutSecondsPath: '$.job.timeoutSeconds',
        ResultSelector: { 'taskArn.$': '$.TaskArn', 'exitCode.$': '$.Containers[0].ExitCode' },
        ResultPath: '$.task',
      },
    }).addRetry({
      errors: PLACEMENT_ERRORS,
      interval: Duration.seconds(5),
      backoffRate: 2,
      maxAttempts: attempts,
      maxDelay: Duration.seconds(60),
      jitterStrategy: sfn.JitterType.FULL,
    });

  const runOnSpot = run('spot', 3);
  const runOnDemand = run('on-demand', 4);

  // --- outcomes -------------------------------------------------------------------------
  const outcome = (id: string, status: string, reason: string) =>
    new sfn.Pass(scope, id, {
      parameters: { status, 'reason.$': reason },
      resultPath: '$.outcome',
    });

  const record = new tasks.LambdaInvoke(scope, 'RecordRun', {
    comment: 'Writes the run record and returns the event to publish',
    lambdaFunction: props.recorderFunction,
    payload: sfn.TaskInput.fromObject({
      'state.$': '$',
      'executionArn.$': '$$.Execution.Id',
      'executionName.$': '$$.Execution.Name',
      'startedAt.$': '$$.Execution.StartTime',
      'endedAt.$': '$$.State.EnteredTime',
    }),
    payloadResponseOnly: true,
    resultPath: '$.recorded',
  });
  const publish = new tasks.EventBridgePutEvents(scope, 'PublishOutcome', {
    comment: 'A failed put must not change the job outcome: it is caught below',
    entries: [
      {
        eventBus: props.eventBus,
        source: JOB_EVENT_SOURCE,
        detailType: sfn.JsonPath.stringAt('$.recorded.detailType'),
        detail: sfn.TaskInput.fromJsonPathAt('$.recorded.detail'),
      },
    ],
    resultPath: sfn.JsonPath.DISCARD,
  });
  const release = new tasks.DynamoDeleteItem(scope, 'ReleaseLease', {
    table: props.table,
    key: {
      pk: tasks.DynamoAttributeValue.fromString(
        sfn.JsonPath.format('LEASE#{}', sfn.JsonPath.stringAt('$.job.name')),
      ),
      sk: tasks.DynamoAttributeValue.fromString('LEASE'),
    },
    // Only our own lease: a replacing run may already hold it.
    conditionExpression: 'holder = :me',
    expressionAttributeValues: {
      ':me': tasks.DynamoAttributeValue.fromString(sfn.JsonPath.stringAt('$$.Execution.Id')),
    },
    resultPath: sfn.JsonPath.DISCARD,
  });
  const finish = new sfn.Choice(scope, 'Finish')
    .when(
      sfn.Condition.or(
        sfn.Condition.stringEquals('$.outcome.status', 'Succeeded'),
        sfn.Condition.stringEquals('$.outcome.status', 'Skipped'),
      ),
      new sfn.Succeed(scope, 'Done'),
    )
    .when(
      sfn.Condition.stringEquals('$.outcome.status', 'TimedOut'),
      new sfn.Fail(scope, 'JobTimedOut', { error: 'JobTimedOut', causePath: '$.outcome.reason' }),
    )
    .otherwise(new sfn.Fail(scope, 'JobFailed', { error: 'JobFailed', causePath: '$.outcome.reason' }));

  // Skipped runs never took the lease, and `allow` runs take none.
  const holdsLease = new sfn.Choice(scope, 'HoldsLease?')
    .when(
      sfn.Condition.or(
        sfn.Condition.stringEquals('$.job.concurrency', 'allow'),
        sfn.Condition.stringEquals('$.outcome.status', 'Skipped'),
      ),
      finish,
    )
    .otherwise(release);
  for (const state of [record, publish]) state.addRetry({ errors: ['States.TaskFailed'], maxAttempts: 2 });
  release.addRetry({
    errors: ['DynamoDB.ProvisionedThroughputExceededException', 'DynamoDB.InternalServerErrorException'],
    maxAttempts: 3,
  });
  // Recording and publishing are best effort: their failure must not change the job's outcome.
  record.addCatch(holdsLease, { resultPath: '$.recordError' });
  publish.addCatch(holdsLease, { resultPath: '$.publishError' });
  release.addCatch(finish, { resultPath: '$.releaseError' });
  record.next(publish);
  publish.next(holdsLease);
  release.next(finish);

  const succeeded = outcome(
    'MarkSucceeded',
    'Succeeded',
    "States.Format('exited with code {}', $.task.exitCode)",
  );
  const failed = outcome(
    'MarkFailed',
    'Failed',
    "States.Format('failed after {} retries: {}', $.run.attempt, $.error.Error)",
  );
  const infraFailed = outcome(
    'MarkNotStarted',
    'Failed',
    "States.Format('could not run the task: {}', $.error.Error)",
  );
  const timedOut = outcome(
    'MarkTimedOut',
    'TimedOut',
    "States.Format('exceeded its timeout of {} s; its task was stopped', $.job.timeoutSeconds)",
  );
  const skipped = outcome(
    'MarkSkipped',
    'Skipped',
    "States.Format('the previous run {} is still running', $.lease.holder.executionArn)",
  );
  for (const o of [succeeded, failed, infraFailed, timedOut, skipped]) o.next(record);

  // --- stopping tasks by the execution that started them ------------------------------------
  const stopTasksStartedBy = (id: string, startedBy: string, reason: string, then: sfn.IChainable) => {
    const find = new tasks.CallAwsService(scope, `Find${id}`, {
      service: 'ecs',
      action: 'listTasks',
      parameters: { Cluster: props.cluster.clusterArn, 'StartedBy.$': startedBy },
      iamResources: ['*'], // ListTasks does not support resource-level permissions
      iamAction: 'ecs:ListTasks',
      resultSelector: { 'taskArns.$': '$.TaskArns' },
      resultPath: `$.stop${id}`,
    });
    const stopOne = new tasks.CallAwsService(scope, `Stop${id}Task`, {
      service: 'ecs',
      action: 'stopTask',
      parameters: { Cluster: props.cluster.clusterArn, 'Task.$': '$.task', Reason: reason },
      iamResources: [
        stack.formatArn({ service: 'ecs', resource: 'task', resourceName: `${props.clusterName}/*` }),
      ],
      iamAction: 'ecs:StopTask',
      resultPath: sfn.JsonPath.DISCARD,
    }).addRetry({
      errors: ['Ecs.EcsException', 'States.TaskFailed'],
      maxAttempts: 3,
      interval: Duration.seconds(2),
    });
    const stopAll = new sfn.Map(scope, `Stop${id}`, {
      itemsPath: `$.stop${id}.taskArns`,
      itemSelector: { 'task.$': '$$.Map.Item.Value' },
      resultPath: sfn.JsonPath.DISCARD,
    }).itemProcessor(stopOne);
    find.addCatch(then, { resultPath: `$.stop${id}Error` });
    stopAll.addCatch(then, { resultPath: `$.stop${id}Error` });
    return find.next(stopAll).next(then);
  };

  // --- capacity: Spot first, on-demand when Spot is short or interrupted --------------------
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
  publishFallback.addCatch(runOnDemand, { resultPath: '$.publishError' });
  publishFallback.next(runOnDemand);
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
  const capacityFallback = fallBack('FallBackAfterCapacityErrors', 'Spot capacity unavailable');
  const interruptionFallback = fallBack('FallBackAfterInterruption', 'Spot task interrupted');

  const chooseCapacity = new sfn.Choice(scope, 'ChooseCapacity')
    .when(sfn.Condition.stringEquals('$.run.capacity', 'on-demand'), runOnDemand)
    .otherwise(runOnSpot);

  // --- application failures: retried only as the job's `retries` says ---------------------
  const retry = new sfn.Pass(scope, 'CountRetry', {
    parameters: {
      'attempt.$': 'States.MathAdd($.run.attempt, 1)',
      'capacity.$': '$.run.capacity',
      'fellBack.$': '$.run.fellBack',
    },
    resultPath: '$.run',
  }).next(chooseCapacity);
  const canRetry = new sfn.Choice(scope, 'RetriesLeft?')
    .when(sfn.Condition.numberLessThanJsonPath('$.run.attempt', '$.job.retries'), retry)
    .otherwise(failed);
  const interrupted = new sfn.Choice(scope, 'SpotInterruption?')
    .when(
      sfn.Condition.and(
        sfn.Condition.stringEquals('$.run.capacity', 'spot'),
        sfn.Condition.isPresent('$.failure.task.StopCode'),
        sfn.Condition.stringEquals('$.failure.task.StopCode', 'SpotInterruption'),
      ),
      interruptionFallback,
    )
    .otherwise(canRetry);
  const parseFailure = new sfn.Pass(scope, 'ParseStoppedTask', {
    parameters: { 'task.$': 'States.StringToJson($.error.Cause)' },
    resultPath: '$.failure',
  }).next(interrupted);
  const classify = new sfn.Choice(scope, 'TaskDescribed?')
    .when(sfn.Condition.stringMatches('$.error.Cause', '{*'), parseFailure)
    .otherwise(canRetry);

  const stopOnTimeout = stopTasksStartedBy(
    'TimedOutTasks',
    '$$.Execution.Name',
    'Job timeout reached',
    timedOut,
  );
  for (const [state, onPlacementFailure] of [
    [runOnSpot, capacityFallback],
    [runOnDemand, infraFailed],
  ] as const) {
    state
      .addCatch(stopOnTimeout, { errors: ['States.Timeout'], resultPath: '$.error' })
      .addCatch(onPlacementFailure, { errors: PLACEMENT_ERRORS, resultPath: '$.error' })
      .addCatch(classify, { errors: ['States.TaskFailed'], resultPath: '$.error' })
      .addCatch(infraFailed, { errors: ['States.ALL'], resultPath: '$.error' })
      .next(succeeded);
  }

  // --- the lease ---------------------------------------------------------------------------
  const lease = (id: string, payload: Record<string, unknown>) =>
    new tasks.LambdaInvoke(scope, id, {
      lambdaFunction: props.leaseFunction,
      payload: sfn.TaskInput.fromObject({
        'job.$': '$.job.name',
        'slot.$': '$.slot',
        'executionArn.$': '$$.Execution.Id',
        'leaseSeconds.$': '$.job.leaseSeconds',
        ...payload,
      }),
      payloadResponseOnly: true,
      resultPath: '$.lease',
    })
      // A malformed request will not get better; anything else (a DynamoDB throttle) will, and
      // both actions are idempotent for the same execution, so retrying is safe.
      .addRetry({ errors: ['InvalidLeaseEvent'], maxAttempts: 0 })
      .addRetry({
        errors: ['States.ALL'],
        interval: Duration.seconds(1),
        backoffRate: 2,
        maxAttempts: 4,
        jitterStrategy: sfn.JitterType.FULL,
      });
  const acquire = lease('AcquireLease', { action: 'acquire', 'concurrency.$': '$.job.concurrency' });
  const takeOver = lease('TakeOverLease', {
    action: 'takeover',
    'previousExecutionArn.$': '$.lease.holder.executionArn',
  });
  takeOver.next(
    new sfn.Choice(scope, 'TookOver?')
      .when(sfn.Condition.stringEquals('$.lease.decision', 'run'), chooseCapacity)
      .otherwise(skipped),
  );

  const stopPrevious = new tasks.CallAwsService(scope, 'StopPreviousExecution', {
    comment: 'concurrency "replace": stop the running execution, then its tasks, then take its lease',
    service: 'sfn',
    action: 'stopExecution',
    parameters: {
      'ExecutionArn.$': '$.lease.holder.executionArn',
      Cause: 'Replaced by a newer run (concurrency: replace)',
    },
    iamResources: [
      stack.formatArn({
        service: 'states',
        resource: 'execution',
        resourceName: `${props.stateMachineName}:*`,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      }),
    ],
    resultPath: sfn.JsonPath.DISCARD,
  });
  const previousName = new sfn.Pass(scope, 'NamePreviousExecution', {
    parameters: { 'name.$': "States.ArrayGetItem(States.StringSplit($.lease.holder.executionArn, ':'), 7)" },
    resultPath: '$.previous',
  });
  const stopPreviousTasks = stopTasksStartedBy(
    'PreviousTasks',
    '$.previous.name',
    'Replaced by a newer run',
    takeOver,
  );
  stopPrevious.addCatch(previousName, { resultPath: '$.stopPreviousError' });
  stopPrevious.next(previousName).next(stopPreviousTasks);

  const start = new sfn.Pass(scope, 'Start', {
    comment: 'attempt counts application retries; capacity may change to on-demand on fallback',
    parameters: { attempt: 0, 'capacity.$': '$.job.capacity', fellBack: false },
    resultPath: '$.run',
  });
  return start.next(acquire).next(
    new sfn.Choice(scope, 'LeaseDecision')
      .when(
        sfn.Condition.stringEquals('$.lease.decision', 'duplicate'),
        new sfn.Succeed(scope, 'DuplicateDelivery', {
          comment: 'Scheduler delivered this slot twice; the first delivery runs it',
        }),
      )
      .when(sfn.Condition.stringEquals('$.lease.decision', 'skip'), skipped)
      .when(sfn.Condition.stringEquals('$.lease.decision', 'replace'), stopPrevious)
      .otherwise(chooseCapacity),
  );
}
