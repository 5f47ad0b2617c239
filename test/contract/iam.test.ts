import { beforeAll, describe, expect, it } from 'vitest';
import type { IamWorld } from './iam/policies';
import { decide, type Verdict } from './iam/simulate';
import { pipelineWorld, platformWorld } from './iam/worlds';

/**
 * IAM as a simulation, not a snapshot: every AWS call a principal makes at run time, evaluated
 * by @cloud-copilot/iam-simulate over the synthesized identity, resource and key policies of
 * all stacks (test/contract/iam/). One row per call; adding a call is adding a row.
 *
 * Sandbox: account 111111111111, ap-northeast-1 (config/environments.ts).
 * Tooling (pipeline): account 444444444444, ap-northeast-1.
 */

type Resource = string | { readonly ref: string; readonly attr?: string; readonly suffix?: string };

interface Row {
  readonly principal: string;
  readonly action: string;
  /** A concrete ARN, or `{ ref: 'Stack/LogicalIdPrefix', attr }` for a CloudFormation-generated name. */
  readonly resource: Resource;
  /** Context keys; a `{ ref }` value is resolved like a resource (e.g. a rule's generated ARN). */
  readonly context?: Record<string, string | string[] | Exclude<Resource, string>>;
  readonly expect: Verdict;
  /** Which code makes (or must never make) the call. */
  readonly why: string;
  /**
   * A call that should be allowed but is not yet: the row asserts today's verdict and says
   * what fixes it, so the fix flips the row (and the test tells you to).
   */
  readonly knownGap?: string;
  /** Fails on main today (it.fails) until the fix in the same branch lands; say what fixes it. */
  readonly failsToday?: string;
}

const ACCOUNT = '111111111111';
const REGION = 'ap-northeast-1';
const arn = (service: string, resource: string, region = REGION, account = ACCOUNT) =>
  `arn:aws:${service}:${region}:${account}:${resource}`;

const ALARM_TOPIC = arn('sns', 'sandbox-batch-alarms');
const STATE_MACHINE = arn('states', 'stateMachine:sandbox-job-runner');
const JOBS_CLUSTER = arn('ecs', 'cluster/sandbox-jobs');
const WORKERS_CLUSTER = arn('ecs', 'cluster/sandbox-workers');
const JOBS_TABLE = arn('dynamodb', 'table/sandbox-batch-jobs');
const queue = (worker: string) => arn('sqs', `sandbox-${worker}`);
const ALARM = arn('cloudwatch', 'alarm:sandbox-order-events-relay-dead-letters');
const FROM_ALARMS = { 'aws:SourceAccount': ACCOUNT, 'aws:SourceArn': ALARM };
const STATE_MACHINE_ROLE = 'JobRunner/RunnerStateMachineRole';
const NOTIFIER = 'Notifications/NotifierFunctionRole';
const NOTICES = { ref: 'Notifications/NotifierNotices', attr: 'Arn' };
const CONNECTION = arn(
  'codeconnections',
  'connection/00000000-0000-0000-0000-000000000000',
  'ap-northeast-1',
  '444444444444',
);

const sandbox: Record<string, Row[]> = {
  'alarm topic (lib/stacks/platform-stack.ts)': [
    {
      principal: 'cloudwatch.amazonaws.com',
      action: 'sns:Publish',
      resource: ALARM_TOPIC,
      context: FROM_ALARMS,
      expect: 'Allowed',
      why: 'every platform alarm action publishes here (worker-alarms.ts, job-runner.ts, job-runner-stack.ts); implies KMS on the alarm key',
    },
    {
      principal: 'cloudwatch.amazonaws.com',
      action: 'kms:GenerateDataKey',
      resource: { ref: 'Platform/AlarmTopicKey' },
      context: FROM_ALARMS,
      expect: 'Allowed',
      why: 'SNS SSE: the publisher needs a data key from the topic key',
    },
    {
      principal: 'cloudwatch.amazonaws.com',
      action: 'kms:Decrypt',
      resource: { ref: 'Platform/AlarmTopicKey' },
      context: FROM_ALARMS,
      expect: 'Allowed',
      why: 'SNS SSE: the publisher needs kms:Decrypt on the topic key',
    },
    {
      principal: 'cloudwatch.amazonaws.com',
      action: 'sns:Publish',
      resource: ALARM_TOPIC,
      context: {
        'aws:SourceAccount': '999999999999',
        'aws:SourceArn': arn('cloudwatch', 'alarm:x', REGION, '999999999999'),
      },
      expect: 'ImplicitlyDenied',
      why: "confused deputy: another account's alarm must not publish to our topic",
    },
    {
      principal: 'Workers/ordereventsrelayTaskTaskRole',
      action: 'sns:Publish',
      resource: ALARM_TOPIC,
      expect: 'ImplicitlyDenied',
      why: 'a worker has no business raising platform alarms',
    },
  ],
  'scheduler (lib/stacks/jobs-stack.ts, lib/constructs/scheduled-job.ts)': [
    {
      principal: 'scheduler.amazonaws.com',
      action: 'sts:AssumeRole',
      resource: { ref: 'Jobs0/SchedulerRole' },
      context: { 'aws:SourceAccount': ACCOUNT },
      expect: 'Allowed',
      why: "EventBridge Scheduler assumes the schedule's role",
    },
    {
      principal: 'Jobs0/SchedulerRole',
      action: 'states:StartExecution',
      resource: STATE_MACHINE,
      expect: 'Allowed',
      why: 'every schedule starts the job runner',
    },
    {
      principal: 'Jobs0/SchedulerRole',
      action: 'states:StartExecution',
      resource: arn('states', 'stateMachine:staging-job-runner'),
      expect: 'ImplicitlyDenied',
      why: "another environment's runner (same account name pattern)",
    },
    {
      principal: 'Jobs0/SchedulerRole',
      action: 'states:StartExecution',
      resource: arn('states', 'stateMachine:staging-job-runner', REGION, '222222222222'),
      expect: 'ImplicitlyDenied',
      why: "the staging account's runner",
    },
    {
      principal: 'Jobs0/SchedulerRole',
      action: 'sqs:SendMessage',
      resource: { ref: 'JobRunner/UndeliveredStarts' },
      expect: 'Allowed',
      why: "Scheduler sends an undeliverable start to the target's DLQ with the schedule's role",
    },
    {
      principal: 'Jobs0/SchedulerRole',
      action: 'sqs:SendMessage',
      resource: queue('order-events-relay'),
      expect: 'ImplicitlyDenied',
      why: 'the scheduler role cannot feed a worker queue',
    },
  ],
  'workers (lib/constructs/worker-service.ts, lib/stacks/workers-stack.ts)': [
    ...['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility'].map((action): Row => ({
      principal: 'Workers/ordereventsrelayTaskTaskRole',
      action,
      resource: queue('order-events-relay'),
      expect: 'Allowed',
      why: 'containers/sqs-worker consumes its own queue (SQS-managed SSE: no KMS)',
    })),
    {
      principal: 'Workers/ordereventsrelayTaskTaskRole',
      action: 'sqs:ReceiveMessage',
      resource: queue('ledger-exporter'),
      expect: 'ImplicitlyDenied',
      why: "another worker's queue",
    },
    {
      principal: 'Workers/ledgerexporterTaskTaskRole',
      action: 'sqs:DeleteMessage',
      resource: queue('order-events-relay'),
      expect: 'ImplicitlyDenied',
      why: "another worker's queue",
    },
    {
      principal: 'Workers/ordereventsrelayTaskTaskRole',
      action: 'sqs:ReceiveMessage',
      resource: queue('order-events-relay'),
      context: { 'aws:SecureTransport': 'false' },
      expect: 'ExplicitlyDenied',
      why: 'enforceSSL queue policy is evaluated (proves the resource policy is loaded)',
    },
    {
      principal: 'Workers/ordereventsrelayTaskExecutionRole',
      action: 'ecr:GetAuthorizationToken',
      resource: '*',
      expect: 'Allowed',
      why: 'ECS pulls the worker image (DockerImageAsset in the CDK assets repository)',
    },
    {
      principal: 'Workers/ordereventsrelayTaskExecutionRole',
      action: 'ecr:BatchGetImage',
      resource: arn('ecr', `repository/cdk-hnb659fds-container-assets-${ACCOUNT}-${REGION}`),
      expect: 'Allowed',
      why: 'ECS pulls the worker image',
    },
    {
      principal: 'Workers/ordereventsrelayTaskExecutionRole',
      action: 'logs:PutLogEvents',
      resource: arn(
        'logs',
        'log-group:/batch-platform/sandbox/workers/order-events-relay:log-stream:order-events-relay/worker/abc',
      ),
      expect: 'Allowed',
      why: 'awslogs driver writes the worker log group',
    },
    {
      principal: 'Workers/ordereventsrelayTaskExecutionRole',
      action: 'secretsmanager:GetSecretValue',
      resource: arn('secretsmanager', 'secret:batch/fulfilment-partner-AbCdEf'),
      expect: 'Allowed',
      why: 'ECS injects TARGET_TOKEN (config/workers.ts)',
    },
    {
      principal: 'Workers/ordereventsrelayTaskExecutionRole',
      action: 'secretsmanager:GetSecretValue',
      resource: arn('secretsmanager', 'secret:batch/ledger-AbCdEf'),
      expect: 'ImplicitlyDenied',
      why: "another worker's secret",
    },
    {
      principal: `arn:aws:iam::${ACCOUNT}:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService`,
      action: 'ecs:UpdateService',
      resource: arn('ecs', 'service/sandbox-workers/sandbox-order-events-relay'),
      expect: 'Allowed',
      why: 'backlog scaling sets the desired count through the ECS service-linked role (AWS managed policy, copied)',
    },
  ],
  'job task roles (lib/stacks/jobs-stack.ts TaskRole: no permissions)': [
    {
      principal: 'sandbox-job-task-0',
      action: 's3:GetObject',
      resource: '*',
      expect: 'ImplicitlyDenied',
      why: 'jobs need no AWS API today',
    },
    {
      principal: 'sandbox-job-task-0',
      action: 'sqs:SendMessage',
      resource: queue('order-events-relay'),
      expect: 'ImplicitlyDenied',
      why: 'a job cannot feed a worker',
    },
    {
      principal: 'sandbox-job-task-0',
      action: 'dynamodb:DeleteTable',
      resource: JOBS_TABLE,
      expect: 'ImplicitlyDenied',
      why: 'a job cannot touch run records',
    },
  ],
  'access profiles (lib/stacks/access-stack.ts; their grants: test/contract/access.test.ts)': [
    {
      principal: 'ecs-tasks.amazonaws.com',
      action: 'sts:AssumeRole',
      resource: arn('iam', 'role/sandbox-job-profile-reports-writer', ''),
      context: { 'aws:SourceAccount': ACCOUNT, 'aws:SourceArn': arn('ecs', 'task/sandbox-jobs/abc') },
      expect: 'Allowed',
      why: "a task of a job with access: 'reports-writer' takes the profile's role",
    },
    {
      principal: 'ecs-tasks.amazonaws.com',
      action: 'sts:AssumeRole',
      resource: arn('iam', 'role/sandbox-job-profile-reports-writer', ''),
      context: {
        'aws:SourceAccount': '999999999999',
        'aws:SourceArn': arn('ecs', 'task/other/abc', REGION, '999999999999'),
      },
      expect: 'ImplicitlyDenied',
      why: "confused deputy: another account's task cannot take a profile's role",
    },
    {
      principal: STATE_MACHINE_ROLE,
      action: 'iam:PassRole',
      resource: arn('iam', 'role/sandbox-job-profile-reports-writer', ''),
      context: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' },
      expect: 'Allowed',
      why: "RunTask passes the task role of a job's profile",
    },
    {
      principal: 'Workers/ledgerexporterTaskTaskRole',
      action: 'dynamodb:GetItem',
      resource: arn('dynamodb', 'table/ledger-entries'),
      expect: 'Allowed',
      why: "a worker with access: 'every-grant' has the profile's grants on its own role",
    },
    {
      principal: 'Workers/ledgerexporterTaskTaskRole',
      action: 'sqs:ReceiveMessage',
      resource: queue('ledger-exporter'),
      expect: 'Allowed',
      why: 'and keeps its own queue',
    },
    {
      principal: 'sandbox-job-profile-every-grant',
      action: 'sqs:ReceiveMessage',
      resource: queue('ledger-exporter'),
      expect: 'ImplicitlyDenied',
      why: "jobs with the worker's profile do not get the worker's queue",
    },
  ],
  'denials that must stay out': [
    {
      principal: 'JobRunner/RunnerLeaseRole',
      action: 'dynamodb:DeleteTable',
      resource: JOBS_TABLE,
      expect: 'ImplicitlyDenied',
      why: 'lease Lambda only reads/writes items',
    },
    {
      principal: 'JobRunner/RunnerRecorderRole',
      action: 'dynamodb:DeleteTable',
      resource: JOBS_TABLE,
      expect: 'ImplicitlyDenied',
      why: 'recorder Lambda only writes items',
    },
    {
      principal: STATE_MACHINE_ROLE,
      action: 'ecs:StopTask',
      resource: arn('ecs', 'task/sandbox-workers/abc'),
      expect: 'ImplicitlyDenied',
      why: "the runner's StopTask is scoped to the jobs cluster: never a worker's task",
    },
    {
      principal: STATE_MACHINE_ROLE,
      action: 'iam:PassRole',
      resource: { ref: 'Workers/ordereventsrelayTaskTaskRole' },
      context: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' },
      expect: 'ImplicitlyDenied',
      why: "the runner cannot run anything as a worker's role",
    },
  ],
  // Every call the runner's definition and its three Lambdas make (one row each), and what
  // each must not reach.
  'job runner principals (lib/constructs/job-runner/)': [
    {
      principal: 'states.amazonaws.com',
      action: 'sts:AssumeRole',
      resource: { ref: STATE_MACHINE_ROLE },
      context: { 'aws:SourceAccount': ACCOUNT, 'aws:SourceArn': STATE_MACHINE },
      expect: 'Allowed',
      why: 'Step Functions assumes the state machine role',
    },
    {
      principal: STATE_MACHINE_ROLE,
      action: 'ecs:RunTask',
      resource: arn('ecs', 'task-definition/sandbox-job-nightly-report:3'),
      context: { 'ecs:cluster': JOBS_CLUSTER },
      expect: 'Allowed',
      why: 'RunOnSpot/RunOnDemand (container-step.ts) run a job family in the jobs cluster',
    },
    {
      principal: STATE_MACHINE_ROLE,
      action: 'ecs:RunTask',
      resource: arn('ecs', 'task-definition/sandbox-job-nightly-report:3'),
      context: { 'ecs:cluster': WORKERS_CLUSTER },
      expect: 'ImplicitlyDenied',
      why: 'never in the workers cluster',
    },
    {
      principal: STATE_MACHINE_ROLE,
      action: 'ecs:TagResource',
      resource: arn('ecs', 'task/sandbox-jobs/abc'),
      context: { 'ecs:CreateAction': 'RunTask' },
      expect: 'Allowed',
      why: 'RunTask with PropagateTags tags the task at creation (DESIGN.md traps); denied before the runner rework',
    },
    {
      principal: STATE_MACHINE_ROLE,
      action: 'ecs:TagResource',
      resource: arn('ecs', 'task/sandbox-jobs/abc'),
      context: { 'ecs:CreateAction': 'CreateService' },
      expect: 'ImplicitlyDenied',
      why: 'tagging only as part of RunTask, never on its own',
    },
    {
      principal: STATE_MACHINE_ROLE,
      action: 'ecs:StopTask',
      resource: arn('ecs', 'task/sandbox-jobs/abc'),
      context: { 'ecs:cluster': JOBS_CLUSTER },
      expect: 'Allowed',
      why: 'runTask.sync stops the task when its state is stopped (managed integration policy)',
    },
    {
      principal: STATE_MACHINE_ROLE,
      action: 'ecs:DescribeTasks',
      resource: arn('ecs', 'task/sandbox-jobs/abc'),
      context: { 'ecs:cluster': JOBS_CLUSTER },
      expect: 'Allowed',
      why: 'runTask.sync watches the task until it stops',
    },
    {
      principal: STATE_MACHINE_ROLE,
      action: 'events:PutRule',
      resource: arn('events', 'rule/StepFunctionsGetEventsForECSTaskRule'),
      expect: 'Allowed',
      why: 'runTask.sync learns of the stop through its managed rule',
    },
    {
      principal: STATE_MACHINE_ROLE,
      action: 'states:StopExecution',
      resource: arn('states', 'execution:sandbox-job-runner:run-0'),
      expect: 'Allowed',
      why: 'concurrency "replace" stops the previous execution (StopPreviousExecution)',
    },
    {
      principal: STATE_MACHINE_ROLE,
      action: 'dynamodb:DeleteItem',
      resource: JOBS_TABLE,
      expect: 'Allowed',
      why: 'ReleaseLease, the fallback when the recorder cannot finish',
    },
    {
      principal: STATE_MACHINE_ROLE,
      action: 'lambda:InvokeFunction',
      resource: { ref: 'JobRunner/RunnerTasksFunction' },
      expect: 'Allowed',
      why: 'StopTimedOutTask / StopHolderWork',
    },
    {
      principal: STATE_MACHINE_ROLE,
      action: 'lambda:InvokeFunction',
      resource: { ref: 'JobRunner/RunnerRecorderFunction' },
      expect: 'Allowed',
      why: 'the Finish step',
    },
    {
      principal: STATE_MACHINE_ROLE,
      action: 'iam:PassRole',
      resource: arn('iam', 'role/sandbox-job-task-0', ''),
      context: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' },
      expect: 'Allowed',
      why: "RunTask passes the job stack's task role",
    },
    {
      principal: STATE_MACHINE_ROLE,
      action: 'iam:PassRole',
      resource: arn('iam', 'role/sandbox-job-exec-0', ''),
      context: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' },
      expect: 'Allowed',
      why: "RunTask passes the job stack's execution role too",
    },
    {
      principal: STATE_MACHINE_ROLE,
      action: 'iam:PassRole',
      resource: arn('iam', 'role/sandbox-job-exec-0', ''),
      context: { 'iam:PassedToService': 'lambda.amazonaws.com' },
      expect: 'ImplicitlyDenied',
      why: 'job roles may be passed to ECS tasks only',
    },
    {
      principal: STATE_MACHINE_ROLE,
      action: 'events:PutTargets',
      resource: arn('events', 'rule/StepFunctionsGetEventsForECSTaskRule'),
      expect: 'Allowed',
      why: 'runTask.sync points its managed rule at Step Functions',
    },
    {
      principal: STATE_MACHINE_ROLE,
      action: 'events:DescribeRule',
      resource: arn('events', 'rule/StepFunctionsGetEventsForECSTaskRule'),
      expect: 'Allowed',
      why: 'runTask.sync checks its managed rule exists',
    },
    {
      principal: STATE_MACHINE_ROLE,
      action: 'lambda:InvokeFunction',
      resource: { ref: 'JobRunner/RunnerLeaseFunction' },
      expect: 'Allowed',
      why: 'the lease step',
    },
    {
      principal: STATE_MACHINE_ROLE,
      action: 'events:PutEvents',
      resource: arn('events', 'event-bus/sandbox-batch-jobs'),
      expect: 'Allowed',
      why: 'the outcome event',
    },
    {
      principal: 'JobRunner/RunnerLeaseRole',
      action: 'dynamodb:PutItem',
      resource: JOBS_TABLE,
      expect: 'Allowed',
      why: 'lambda/job-lease takes the lease with a conditional write',
    },
    {
      principal: 'JobRunner/RunnerLeaseRole',
      action: 'dynamodb:ConditionCheckItem',
      resource: JOBS_TABLE,
      expect: 'Allowed',
      why: "lambda/job-lease checks an operator's pause in the claim's transaction",
    },
    {
      principal: 'JobRunner/RunnerLeaseRole',
      action: 'states:DescribeExecution',
      resource: arn('states', 'execution:sandbox-job-runner:run-1'),
      expect: 'Allowed',
      why: 'lambda/job-lease checks whether the holder still runs',
    },
    {
      principal: 'JobRunner/RunnerLeaseRole',
      action: 'states:StopExecution',
      resource: arn('states', 'execution:sandbox-job-runner:run-1'),
      expect: 'Allowed',
      why: 'lambda/job-lease stops a redriven execution that may not hold the lease',
    },
    {
      principal: 'JobRunner/RunnerLeaseRole',
      action: 'dynamodb:DeleteItem',
      resource: JOBS_TABLE,
      expect: 'ImplicitlyDenied',
      why: 'the lease Lambda only writes (conditional puts in one transaction)',
    },
    {
      principal: 'JobRunner/RunnerLeaseRole',
      action: 'states:DescribeExecution',
      resource: arn('states', 'execution:staging-job-runner:run-1'),
      expect: 'ImplicitlyDenied',
      why: "only this environment's executions",
    },
    {
      principal: 'JobRunner/RunnerRecorderRole',
      action: 'dynamodb:PutItem',
      resource: JOBS_TABLE,
      expect: 'Allowed',
      why: 'lambda/job-recorder writes the run record',
    },
    {
      principal: 'JobRunner/RunnerRecorderRole',
      action: 'dynamodb:DeleteItem',
      resource: JOBS_TABLE,
      expect: 'Allowed',
      why: 'lambda/job-recorder releases the lease (conditional delete)',
    },
    {
      principal: 'JobRunner/RunnerRecorderRole',
      action: 'events:PutEvents',
      resource: arn('events', 'event-bus/sandbox-batch-jobs'),
      expect: 'Allowed',
      why: 'lambda/job-recorder publishes Job<Status>',
    },
    {
      principal: 'JobRunner/RunnerRecorderRole',
      action: 'dynamodb:Scan',
      resource: JOBS_TABLE,
      expect: 'ImplicitlyDenied',
      why: 'the recorder reads nothing',
    },
    {
      principal: 'JobRunner/RunnerTasksRole',
      action: 'states:GetExecutionHistory',
      resource: arn('states', 'execution:sandbox-job-runner:run-1'),
      expect: 'Allowed',
      why: "lambda/job-tasks finds an execution's tasks in its history",
    },
    {
      principal: 'JobRunner/RunnerTasksRole',
      action: 'ecs:StopTask',
      resource: arn('ecs', 'task/sandbox-jobs/abc'),
      context: { 'ecs:cluster': JOBS_CLUSTER },
      expect: 'Allowed',
      why: 'lambda/job-tasks stops a timed-out, replaced or orphaned task',
    },
    {
      principal: 'JobRunner/RunnerTasksRole',
      action: 'ecs:DescribeTasks',
      resource: arn('ecs', 'task/sandbox-jobs/abc'),
      context: { 'ecs:cluster': JOBS_CLUSTER },
      expect: 'Allowed',
      why: 'lambda/job-tasks waits until the task is STOPPED',
    },
    {
      principal: 'JobRunner/RunnerTasksRole',
      action: 'ecs:StopTask',
      resource: arn('ecs', 'task/sandbox-workers/abc'),
      context: { 'ecs:cluster': WORKERS_CLUSTER },
      expect: 'ImplicitlyDenied',
      why: "never a worker's task",
    },
    {
      principal: 'sandbox-batch-canary',
      action: 'states:StartExecution',
      resource: STATE_MACHINE,
      expect: 'Allowed',
      why: "the pipeline's post-deploy canary starts a run (lib/constructs/canary-access.ts)",
    },
    {
      principal: 'sandbox-batch-canary',
      action: 'states:StopExecution',
      resource: arn('states', 'execution:sandbox-job-runner:manual-canary-1'),
      expect: 'ImplicitlyDenied',
      why: 'the canary only starts and watches runs',
    },
    {
      principal: 'sandbox-batch-canary',
      action: 'states:DescribeExecution',
      resource: arn('states', 'execution:sandbox-job-runner:manual-nightly-sales-report-1'),
      expect: 'ImplicitlyDenied',
      why: "it may read only the canary's own executions",
    },
    {
      principal: 'JobRunner/RunnerTasksRole',
      action: 'dynamodb:PutItem',
      resource: JOBS_TABLE,
      expect: 'ImplicitlyDenied',
      why: 'the tasks Lambda touches no table',
    },
  ],
  'notifier (lib/constructs/job-notifier.ts)': [
    {
      principal: 'events.amazonaws.com',
      action: 'sqs:SendMessage',
      resource: NOTICES,
      context: { 'aws:SourceArn': { ref: 'Notifications/NotifierJobEvents', attr: 'Arn' } },
      expect: 'Allowed',
      why: "the rules on the jobs bus deliver Job* events to the notifier's queue",
    },
    {
      principal: 'sns.amazonaws.com',
      action: 'sqs:SendMessage',
      resource: NOTICES,
      context: { 'aws:SourceArn': ALARM_TOPIC },
      expect: 'Allowed',
      why: "the alarm topic's subscription delivers every alarm to the notifier",
    },
    {
      principal: 'sns.amazonaws.com',
      action: 'sqs:SendMessage',
      resource: NOTICES,
      context: { 'aws:SourceArn': arn('sns', 'someone-elses-topic') },
      expect: 'ImplicitlyDenied',
      why: 'no other topic may post to Slack through the notifier',
    },
    ...['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'].map((action) => ({
      principal: NOTIFIER,
      action,
      resource: JOBS_TABLE,
      context: { 'dynamodb:LeadingKeys': ['NOTICE#nightly-report'] },
      expect: 'Allowed' as const,
      why: 'lambda/notifier/threads.ts keeps one open thread per job and kind',
    })),
    ...['LEASE#nightly-report', 'SLOT#nightly-report', 'PAUSE#nightly-report', 'RUN#nightly-report'].map(
      (key) => ({
        principal: NOTIFIER,
        action: 'dynamodb:DeleteItem',
        resource: JOBS_TABLE,
        context: { 'dynamodb:LeadingKeys': [key] },
        expect: 'ImplicitlyDenied' as const,
        why: "the lease, slot claims, pauses and run records are not the notifier's to touch",
      }),
    ),
    {
      principal: NOTIFIER,
      action: 'secretsmanager:GetSecretValue',
      resource: arn('secretsmanager', 'secret:batch-platform/sandbox/slack-AbCdEf'),
      expect: 'Allowed',
      why: 'the Slack token',
    },
    {
      principal: NOTIFIER,
      action: 'secretsmanager:GetSecretValue',
      resource: arn('secretsmanager', 'secret:batch/notify-AbCdEf'),
      expect: 'ImplicitlyDenied',
      why: "workers' and jobs' secrets are not the notifier's",
    },
    {
      principal: NOTIFIER,
      action: 'sqs:DeleteMessage',
      resource: NOTICES,
      expect: 'Allowed',
      why: 'the SQS event source deletes what the notifier delivered',
    },
  ],
};

const REVIEW_ROLE = 'staging-batch-platform-pr-review';
const STAGING_CDK_ROLE = (kind: string) =>
  `arn:aws:iam::222222222222:role/cdk-hnb659fds-${kind}-role-222222222222-ap-northeast-1`;

const pipeline: Row[] = [
  {
    principal: REVIEW_ROLE,
    action: 'sts:AssumeRole',
    resource: STAGING_CDK_ROLE('lookup'),
    expect: 'Allowed',
    why: 'pr-review.yml: cdk diff --method=template reads through the bootstrap lookup role',
  },
  {
    principal: REVIEW_ROLE,
    action: 'sts:AssumeRole',
    resource: STAGING_CDK_ROLE('deploy'),
    expect: 'ImplicitlyDenied',
    why: 'a pull request author must never reach the deploy role',
  },
  {
    principal: REVIEW_ROLE,
    action: 'cloudformation:CreateChangeSet',
    resource: 'arn:aws:cloudformation:ap-northeast-1:222222222222:stack/staging-JobRunner/abc',
    expect: 'ImplicitlyDenied',
    why: 'the review diffs templates; a change set needs more than reading',
  },
  {
    principal: 'Pipeline/PipelineSourceexampleorgbatchplatformCodePipelineActionRole',
    action: 'codeconnections:UseConnection',
    resource: CONNECTION,
    expect: 'Allowed',
    why: 'the source action reads GitHub through the configured (codeconnections) connection',
  },
  {
    principal: 'Pipeline/PipelineSourceexampleorgbatchplatformCodePipelineActionRole',
    action: 'codestar-connections:UseConnection',
    resource: CONNECTION,
    expect: 'Inapplicable',
    why: 'the grant CDK writes: the old prefix cannot name a codeconnections ARN (AWS: the prefix must match the resource)',
  },
  {
    principal: 'Pipeline/PipelineRole',
    action: 'sts:AssumeRole',
    resource: { ref: 'Pipeline/PipelineSourceexampleorgbatchplatformCodePipelineActionRole' },
    expect: 'Allowed',
    why: 'CodePipeline runs the source action as its action role',
  },
  {
    principal: 'Pipeline/PipelineSourceexampleorgbatchplatformCodePipelineActionRole',
    action: 's3:PutObject',
    resource: { ref: 'Pipeline/PipelineArtifactsBucket', suffix: '/batch-platform/Source/abc.zip' },
    expect: 'Allowed',
    why: 'the source action writes the source artifact',
  },
  {
    principal: 'Pipeline/PipelineSourceexampleorgbatchplatformCodePipelineActionRole',
    action: 'kms:GenerateDataKey',
    resource: { ref: 'Pipeline/PipelineArtifactsBucketEncryptionKey' },
    expect: 'Allowed',
    why: 'the artifact bucket is SSE-KMS with the pipeline key',
  },
];

function resolve(world: IamWorld, resource: Resource): string {
  if (typeof resource === 'string') return resource;
  return world.attribute(resource.ref, resource.attr ?? 'Arn') + (resource.suffix ?? '');
}

function rows(getWorld: () => IamWorld, list: readonly Row[]): void {
  for (const row of list) {
    const label = typeof row.resource === 'string' ? row.resource : row.resource.ref;
    const test = row.failsToday ? it.fails : it;
    test(`${row.expect}${row.knownGap ? ' (known gap)' : ''}: ${row.principal} ${row.action} ${label} — ${row.why}`, async () => {
      const world = getWorld();
      const { context: rawContext, ...call } = row;
      const context =
        rawContext &&
        (Object.fromEntries(
          Object.entries(rawContext).map(([key, value]) => [
            key,
            typeof value === 'string' || Array.isArray(value) ? value : resolve(world, value),
          ]),
        ) as Record<string, string | string[]>);
      const decision = await decide(world, {
        ...call,
        resource: resolve(world, row.resource),
        ...(context ? { context } : {}),
      });
      const hint =
        row.knownGap && decision.verdict === 'Allowed'
          ? `\nknown gap fixed? ${row.knownGap}: update the row`
          : '';
      expect(decision.verdict, `${decision.explanation}${hint}`).toBe(row.expect);
    });
  }
}

describe('IAM contract, sandbox', () => {
  let world: IamWorld;
  beforeAll(() => {
    world = platformWorld('sandbox');
  });
  for (const [section, list] of Object.entries(sandbox)) describe(section, () => rows(() => world, list));
});

describe('IAM contract, pipeline (-c env=tooling, lib/stacks/pipeline-stack.ts)', () => {
  let world: IamWorld;
  beforeAll(() => {
    world = pipelineWorld();
  });
  rows(() => world, pipeline);
});
