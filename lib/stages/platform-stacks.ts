import { Tags } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { PlatformConfig } from '../config';
import { shardJobs } from '../schedule/sharding';
import { AccessStack } from '../stacks/access-stack';
import { JobRunnerStack } from '../stacks/job-runner-stack';
import { JobsStack } from '../stacks/jobs-stack';
import { NetworkStack } from '../stacks/network-stack';
import { NotificationsStack } from '../stacks/notifications-stack';
import { PlatformStack } from '../stacks/platform-stack';
import { ReviewStack } from '../stacks/review-stack';
import { WorkersStack } from '../stacks/workers-stack';

/** Typed handles on every stack of one environment. */
export interface PlatformStacks {
  readonly network: NetworkStack;
  readonly platform: PlatformStack;
  readonly jobRunner: JobRunnerStack;
  /** The access profiles of config/access.ts: a policy and a job task role each. */
  readonly access: AccessStack;
  /** The scheduled jobs, spread over as many stacks as CloudFormation's limits need. */
  readonly jobs: readonly JobsStack[];
  readonly workers: WorkersStack;
  /** Job events and alarms to Slack. */
  readonly notifications: NotificationsStack;
  /** The pull-request review role, where `review` is set for the environment. */
  readonly review?: ReviewStack;
}

/**
 * Jobs per job stack: 2 resources each plus 5 shared keeps a stack near 305 of the 500
 * allowed resources, and a template well under 1 MB even with long commands and many secrets.
 */
export const MAX_JOBS_PER_STACK = 150;

/**
 * The one place that wires batch-platform's stacks together. `createApp` calls it on the
 * App (so a plain `cdk synth`/`cdk diff` selects every stack) and `BatchPlatformStage` calls
 * it inside the pipeline. Stack names are `<env>-<Stack>` either way, so `cdk diff` in a pull
 * request compares exactly the stacks the pipeline deploys.
 */
export function createPlatformStacks(scope: Construct, config: PlatformConfig): PlatformStacks {
  const { environment } = config;
  const env = { account: environment.account, region: environment.region };
  const stackProps = (name: string, description: string) => ({
    env,
    stackName: `${environment.name}-${name}`,
    description: `batch-platform ${environment.name}: ${description}`,
    terminationProtection: environment.retainData,
  });

  const network = new NetworkStack(scope, 'Network', {
    ...stackProps('Network', 'VPC with fixed egress IPs'),
    config: environment,
  });

  const platform = new PlatformStack(scope, 'Platform', {
    ...stackProps('Platform', 'ECS clusters of jobs and of workers, and the alarm topic'),
    config: environment,
    vpc: network.vpc,
  });

  const jobRunner = new JobRunnerStack(scope, 'JobRunner', {
    ...stackProps('JobRunner', 'job runner state machine, run records and job events'),
    config: environment,
    vpc: network.vpc,
    cluster: platform.jobsCluster,
    alarmTopic: platform.alarmTopic,
    toolingAccount: config.tooling.account,
  });

  const access = new AccessStack(scope, 'Access', {
    ...stackProps('Access', 'access profiles: the IAM policies and task roles jobs and workers name'),
    config: environment,
    profiles: config.access,
  });

  const jobs = shardJobs(config.schedules, MAX_JOBS_PER_STACK).map((shardJobsList, shard) => {
    const name = `Jobs${shard}`;
    const stack = new JobsStack(scope, name, {
      ...stackProps(name, `scheduled jobs, share ${shard}`),
      environment: environment.name,
      shard,
      jobs: shardJobsList,
      stateMachine: jobRunner.runner.stateMachine,
      logGroup: jobRunner.runner.jobLogGroup,
      deadLetterQueue: jobRunner.deadLetterQueue,
      scheduleGroup: jobRunner.scheduleGroup,
    });
    // Jobs name their profile's role by name; it must exist before a task can take it.
    stack.addStackDependency(access, 'job task roles of access profiles');
    return stack;
  });

  const workers = new WorkersStack(scope, 'Workers', {
    ...stackProps('Workers', 'resident SQS workers'),
    config: environment,
    workers: config.workers,
    vpc: network.vpc,
    cluster: platform.workersCluster,
    alarmTopic: platform.alarmTopic,
  });
  workers.addStackDependency(access, 'managed policies of access profiles');

  const notifications = new NotificationsStack(scope, 'Notifications', {
    ...stackProps('Notifications', 'job failures, missed runs and alarms to Slack'),
    config,
    vpc: network.vpc,
    eventBus: jobRunner.runner.eventBus,
    table: jobRunner.runner.table,
    alarmTopic: platform.alarmTopic,
    undeliveredStarts: jobRunner.deadLetterQueue,
    scheduleStacks: jobs,
    stateMachine: jobRunner.runner.stateMachine,
    runnerFunctions: jobRunner.runner.functions,
  });

  // The repository whose pipeline deploys here is the one whose pull requests are reviewed:
  // taken from `tooling` rather than repeated, so the two cannot drift apart.
  const review = environment.review
    ? new ReviewStack(scope, 'Review', {
        ...stackProps('Review', 'read-only role for cdk diff in pull requests'),
        environment: environment.name,
        repository: config.tooling.repository,
        oidcProviderArn: environment.review.oidcProviderArn,
      })
    : undefined;

  Tags.of(scope).add('batch-platform:environment', environment.name);
  return { network, platform, jobRunner, access, jobs, workers, notifications, review };
}
