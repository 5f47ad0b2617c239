import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import { JOB_EVENT_SOURCE } from '../../schedule/naming';

/** Where a run step sends each way a run can end; the frame records and publishes them all. */
export interface RunOutcomes {
  readonly succeeded: sfn.IChainable;
  /** The job's own failure: retried as the job's `retries` says, then failed. */
  readonly appFailed: sfn.IChainable;
  /** The work could not start or was lost for a reason outside the job (cause kept). */
  readonly notStarted: sfn.IChainable;
  /** Stopped by someone outside the runner (console, CLI): not retried. */
  readonly stoppedFromOutside: sfn.IChainable;
  /** The job's timeout passed; the run step has stopped its work, result at `$.stopped`. */
  readonly timedOut: sfn.IChainable;
}

/** One kind of work (container, later Lambda, SSM, workflow): the only part that differs per kind. */
export interface RunStep {
  /** Matches `$.job.kind` of the runner input. */
  readonly kind: string;
  /** The first state of one attempt; it reads `$.run` (attempt, capacity) and ends in an outcome. */
  readonly entry: sfn.IChainable;
  /**
   * A state that stops all work the execution at `executionArnPath` started and waits for it
   * to end, writing `{ allStopped }` to `$.stopped`.
   */
  stopWork(id: string, executionArnPath: string, reason: string): sfn.TaskStateBase;
}

export interface RunnerFrameProps {
  readonly stateMachineName: string;
  readonly leaseFunction: lambda.IFunction;
  readonly recorderFunction: lambda.IFunction;
  readonly table: dynamodb.ITable;
  readonly eventBus: events.IEventBus;
  /** Builds the run step of each kind, given the frame's outcomes. */
  readonly runSteps: readonly ((outcomes: RunOutcomes) => RunStep)[];
}

const retryTransient = (state: sfn.TaskStateBase, permanent: string) =>
  state.addRetry({ errors: [permanent], maxAttempts: 0 }).addRetry({
    errors: ['States.ALL'],
    interval: Duration.seconds(1),
    backoffRate: 2,
    maxAttempts: 4,
    jitterStrategy: sfn.JitterType.FULL,
  });

/**
 * The job runner's frame, the same for every kind of work: check the input and claim the
 * slot and lease (one transaction) → run step → record, release, publish. Normal path:
 * Begin → Decide → <run step> → Mark → Finish → Outcome → Done.
 */
export function runnerFrame(scope: Construct, props: RunnerFrameProps): sfn.IChainable {
  const mark = (id: string, status: string, reason: string) =>
    new sfn.Pass(scope, id, {
      parameters: { status, [reason.startsWith('States.') ? 'reason.$' : 'reason']: reason },
      resultPath: '$.outcome',
    });

  // --- the end: record, release, publish (the recorder), with a fallback of our own --------
  const done = new sfn.Succeed(scope, 'Done');
  const outcome = new sfn.Choice(scope, 'Outcome')
    .when(sfn.Condition.stringEquals('$.outcome.status', 'Succeeded'), done)
    .when(sfn.Condition.stringEquals('$.outcome.status', 'Skipped'), done)
    .when(
      sfn.Condition.stringEquals('$.outcome.status', 'TimedOut'),
      new sfn.Fail(scope, 'JobTimedOut', { error: 'JobTimedOut', causePath: '$.outcome.reason' }),
    )
    .otherwise(new sfn.Fail(scope, 'JobFailed', { error: 'JobFailed', causePath: '$.outcome.reason' }));
  const finish = new tasks.LambdaInvoke(scope, 'Finish', {
    comment: 'Writes the run record, releases the lease, publishes Job<Status>',
    lambdaFunction: props.recorderFunction,
    payload: sfn.TaskInput.fromObject({
      'state.$': '$',
      'executionArn.$': '$$.Execution.Id',
      'executionName.$': '$$.Execution.Name',
      'startedAt.$': '$$.Execution.StartTime',
      'endedAt.$': '$$.State.EnteredTime',
    }),
    payloadResponseOnly: true,
    resultSelector: { 'detailType.$': '$.detailType', 'recorded.$': '$.detail.recorded' },
    resultPath: '$.finished',
  });
  retryTransient(finish, 'InvalidFinishEvent');
  // The recorder could not finish: the outcome is still published and the lease released.
  const releaseLease = new tasks.DynamoDeleteItem(scope, 'ReleaseLease', {
    table: props.table,
    key: {
      pk: tasks.DynamoAttributeValue.fromString(
        sfn.JsonPath.format('LEASE#{}', sfn.JsonPath.stringAt('$.job.name')),
      ),
      sk: tasks.DynamoAttributeValue.fromString('LEASE'),
    },
    conditionExpression: 'holder = :me',
    expressionAttributeValues: {
      ':me': tasks.DynamoAttributeValue.fromString(sfn.JsonPath.stringAt('$$.Execution.Id')),
    },
    resultPath: sfn.JsonPath.DISCARD,
  });
  releaseLease.addRetry({ errors: ['DynamoDB.ConditionalCheckFailedException'], maxAttempts: 0 });
  releaseLease.addRetry({ errors: ['States.ALL'], maxAttempts: 3, jitterStrategy: sfn.JitterType.FULL });
  releaseLease.addCatch(outcome, { resultPath: '$.releaseError' }).next(outcome);
  const holdsLease = new sfn.Choice(scope, 'HoldsLease?')
    .when(sfn.Condition.booleanEquals('$.lease.held', true), releaseLease)
    .otherwise(outcome);
  const publishOutcome = putEvent(
    scope,
    props.eventBus,
    'PublishOutcome',
    sfn.JsonPath.format('Job{}', sfn.JsonPath.stringAt('$.outcome.status')),
    {
      'job.$': '$.job.name',
      'slot.$': '$.slot',
      'trigger.$': '$.trigger',
      'status.$': '$.outcome.status',
      'reason.$': '$.outcome.reason',
      'executionArn.$': '$$.Execution.Id',
      recorded: false,
    },
  );
  publishOutcome.addCatch(holdsLease, { resultPath: '$.publishError' }).next(holdsLease);
  finish.addCatch(publishOutcome, { resultPath: '$.finishError' }).next(outcome);

  // --- outcomes every run step ends in -----------------------------------------------------
  const succeeded = mark('MarkSucceeded', 'Succeeded', 'exited with code 0');
  const failed = mark(
    'MarkFailed',
    'Failed',
    "States.Format('the job failed on attempt {}', States.MathAdd($.run.attempt, 1))",
  );
  const notStarted = mark('MarkNotStarted', 'Failed', 'the work could not run for a reason outside the job');
  const stoppedFromOutside = mark(
    'MarkStoppedFromOutside',
    'Failed',
    'its work was stopped from outside the runner',
  );
  const timedOut = mark(
    'MarkTimedOut',
    'TimedOut',
    "States.Format('exceeded its timeout of {} s; its work was stopped', $.job.timeoutSeconds)",
  );
  const timedOutUnconfirmed = mark(
    'MarkTimedOutStopUnconfirmed',
    'TimedOut',
    "States.Format('exceeded its timeout of {} s; stopping its work was NOT confirmed', $.job.timeoutSeconds)",
  );
  const skipped = mark(
    'MarkSkipped',
    'Skipped',
    "States.Format('the previous run {} is still running', $.lease.holder.executionArn)",
  );
  const paused = mark(
    'MarkPaused',
    'Skipped',
    "States.Format('paused by {} until {}: {}', $.lease.pause.by, $.lease.pause.until, $.lease.pause.reason)",
  );
  const notReplaced = mark(
    'MarkNotReplaced',
    'Skipped',
    "States.Format('the previous run {} could not be confirmed stopped', $.lease.holder.executionArn)",
  );
  for (const m of [
    succeeded,
    failed,
    notStarted,
    stoppedFromOutside,
    timedOut,
    timedOutUnconfirmed,
    skipped,
    paused,
    notReplaced,
  ])
    m.next(finish);
  const stopConfirmed = (id: string, yes: sfn.IChainable, no: sfn.IChainable) =>
    new sfn.Choice(scope, id)
      .when(
        sfn.Condition.and(
          sfn.Condition.isPresent('$.stopped.allStopped'),
          sfn.Condition.booleanEquals('$.stopped.allStopped', true),
        ),
        yes,
      )
      .otherwise(no);

  // --- application failures: retried only as the job's `retries` says --------------------
  const countRetry = new sfn.Pass(scope, 'CountRetry', {
    parameters: {
      'attempt.$': 'States.MathAdd($.run.attempt, 1)',
      'capacity.$': '$.run.capacity',
      'fellBack.$': '$.run.fellBack',
    },
    resultPath: '$.run',
  });
  const retriesLeft = new sfn.Choice(scope, 'RetriesLeft?')
    .when(sfn.Condition.numberLessThanJsonPath('$.run.attempt', '$.job.retries'), countRetry)
    .otherwise(failed);

  const steps = props.runSteps.map((build) =>
    build({
      succeeded,
      appFailed: retriesLeft,
      notStarted,
      stoppedFromOutside,
      timedOut: stopConfirmed('TimedOutWorkStopped?', timedOut, timedOutUnconfirmed),
    }),
  );
  const [primary] = steps;
  if (!primary) throw new Error('runnerFrame: at least one run step is required');
  const toRunStep = (choice: sfn.Choice, when: sfn.Condition) => {
    for (const step of steps)
      choice.when(sfn.Condition.and(when, sfn.Condition.stringEquals('$.job.kind', step.kind)), step.entry);
    return choice;
  };
  // A retry re-enters the same kind's step.
  const retryKind = toRunStep(
    new sfn.Choice(scope, 'RetryKind'),
    sfn.Condition.isPresent('$.job.kind'),
  ).otherwise(notStarted);
  countRetry.next(retryKind);

  // --- the start: check, claim, decide -------------------------------------------------------
  const lease = (id: string, payload: Record<string, unknown>, resultPath?: string) =>
    retryTransient(
      new tasks.LambdaInvoke(scope, id, {
        lambdaFunction: props.leaseFunction,
        payload: sfn.TaskInput.fromObject({ 'executionArn.$': '$$.Execution.Id', ...payload }),
        payloadResponseOnly: true,
        resultPath,
      }),
      'InvalidRunInput',
    );
  // The checked input becomes the whole state (no ResultPath: the result replaces the input),
  // so nothing unchecked travels further.
  const begin = lease('Begin', { action: 'begin', 'input.$': '$' });
  const notStartedEvent = putEvent(scope, props.eventBus, 'PublishNotStarted', 'JobNotStarted', {
    'executionArn.$': '$$.Execution.Id',
    'error.$': '$.beginError.Error',
    'cause.$': '$.beginError.Cause',
  });
  const rejected = new sfn.Fail(scope, 'NotStarted', {
    error: 'JobNotStarted',
    causePath: '$.beginError.Cause',
  });
  notStartedEvent.addCatch(rejected, { resultPath: '$.publishError' }).next(rejected);
  begin.addCatch(notStartedEvent, { resultPath: '$.beginError' });

  const takeOver = lease(
    'TakeOver',
    {
      action: 'takeover',
      'previousExecutionArn.$': '$.lease.holder.executionArn',
      input: { 'job.$': '$.job', 'trigger.$': '$.trigger', 'slot.$': '$.slot' },
    },
    '$.lease',
  );
  const duplicate = new sfn.Succeed(scope, 'DuplicateDelivery', {
    comment: 'Another execution already claimed this slot',
  });
  // Before a takeover, the holder's work is stopped: nothing of a dead or replaced run runs on.
  const stopHolderWork = primary.stopWork(
    'StopHolderWork',
    '$.lease.holder.executionArn',
    'Lease taken over by a newer run',
  );
  const holderStopped = stopConfirmed('HolderWorkStopped?', takeOver, notReplaced);
  stopHolderWork.addCatch(holderStopped, { resultPath: '$.stopped' }).next(holderStopped);
  // A transaction either wrote the slot and lease or nothing: a failed takeover holds nothing.
  takeOver.addCatch(notStarted, { resultPath: '$.error' });
  const stopPrevious = new tasks.CallAwsService(scope, 'StopPreviousExecution', {
    comment: 'concurrency "replace": stop the running execution, then its work, then take the lease',
    service: 'sfn',
    action: 'stopExecution',
    parameters: {
      'ExecutionArn.$': '$.lease.holder.executionArn',
      Cause: 'Replaced by a newer run (concurrency: replace)',
    },
    iamResources: [
      Stack.of(scope).formatArn({
        service: 'states',
        resource: 'execution',
        resourceName: `${props.stateMachineName}:*`,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      }),
    ],
    resultPath: sfn.JsonPath.DISCARD,
  });
  stopPrevious.addRetry({
    errors: ['States.ALL'],
    maxAttempts: 4,
    interval: Duration.seconds(2),
    jitterStrategy: sfn.JitterType.FULL,
  });
  stopPrevious.addCatch(notReplaced, { resultPath: '$.stopPreviousError' }).next(stopHolderWork);

  const decide = toRunStep(
    new sfn.Choice(scope, 'Decide'),
    sfn.Condition.stringEquals('$.lease.decision', 'run'),
  )
    .when(sfn.Condition.stringEquals('$.lease.decision', 'duplicate'), duplicate)
    .when(sfn.Condition.stringEquals('$.lease.decision', 'skip'), skipped)
    .when(sfn.Condition.stringEquals('$.lease.decision', 'paused'), paused)
    .when(sfn.Condition.stringEquals('$.lease.decision', 'replace'), stopPrevious)
    .when(sfn.Condition.stringEquals('$.lease.decision', 'orphaned'), stopHolderWork)
    .otherwise(notStarted);
  takeOver.next(
    toRunStep(new sfn.Choice(scope, 'TookOver?'), sfn.Condition.stringEquals('$.lease.decision', 'run'))
      .when(sfn.Condition.stringEquals('$.lease.decision', 'duplicate'), duplicate)
      .otherwise(skipped),
  );
  return begin.next(decide);
}

function putEvent(
  scope: Construct,
  bus: events.IEventBus,
  id: string,
  detailType: string,
  detail: Record<string, unknown>,
) {
  return new tasks.EventBridgePutEvents(scope, id, {
    entries: [
      { eventBus: bus, source: JOB_EVENT_SOURCE, detailType, detail: sfn.TaskInput.fromObject(detail) },
    ],
    resultPath: sfn.JsonPath.DISCARD,
  });
}
