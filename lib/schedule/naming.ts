/**
 * Names shared by the CDK app and the `npm run job` CLI, so the CLI can find an
 * environment's resources from config alone (no CloudFormation lookups).
 */
export const JOB_CONTAINER_NAME = 'job';

export const jobNames = (env: string) => ({
  /** The ECS cluster of scheduled jobs (PlatformStack); workers have their own. */
  cluster: `${env}-jobs`,
  stateMachine: `${env}-job-runner`,
  table: `${env}-batch-jobs`,
  eventBus: `${env}-batch-jobs`,
  logGroup: `/batch-platform/${env}/jobs`,
  /** Task definition family; RunTask with a family runs its latest ACTIVE revision. */
  taskFamily: (job: string) => `${env}-job-${job}`,
  /** The job stack's number ends it, so a job moving between stacks never clashes with itself. */
  schedule: (job: string, shard: number) => `${env}-${job}-${shard}`,
  /** awslogs stream: `<prefix>/<container>/<task id>`, prefix = job name. */
  logStream: (job: string, taskId: string) => `${job}/${JOB_CONTAINER_NAME}/${taskId}`,
});

export const stateMachineArn = (env: { name: string; account: string; region: string }) =>
  `arn:aws:states:${env.region}:${env.account}:stateMachine:${jobNames(env.name).stateMachine}`;

/** Names of a worker's own queues; a worker called `<other>-dlq` would take `<other>`'s DLQ name. */
export const workerQueueNames = (env: string, worker: string) => ({
  queue: `${env}-${worker}`,
  deadLetterQueue: `${env}-${worker}-dlq`,
});

/** The ECS cluster of resident workers: separate, so nothing the job runner may do reaches it. */
export const workerClusterName = (env: string) => `${env}-workers`;

/** Source of the events the job runner puts on its bus; notifications and dashboards subscribe to them. */
export const JOB_EVENT_SOURCE = 'batch-platform.jobs';

/** Names of an access profile's IAM (config/access.ts, lib/stacks/access-stack.ts). */
export const accessNames = (env: string) => ({
  /**
   * The task role of jobs with the profile. It starts `<env>-job-` because the job runner may
   * pass only roles named so (iam:PassRole in lib/constructs/job-runner/job-runner.ts).
   */
  role: (profile: string) => `${env}-job-profile-${profile}`,
  /** The managed policy holding the grants: on that role, and on the task role of each worker with the profile. */
  policy: (profile: string) => `${env}-access-${profile}`,
});
