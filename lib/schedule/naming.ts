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
  schedule: (job: string) => `${env}-${job}`,
  /** awslogs stream: `<prefix>/<container>/<task id>`, prefix = job name. */
  logStream: (job: string, taskId: string) => `${job}/${JOB_CONTAINER_NAME}/${taskId}`,
});

export const stateMachineArn = (env: { name: string; account: string; region: string }) =>
  `arn:aws:states:${env.region}:${env.account}:stateMachine:${jobNames(env.name).stateMachine}`;

/** The ECS cluster of resident workers: separate, so nothing the job runner may do reaches it. */
export const workerClusterName = (env: string) => `${env}-workers`;

/** Source of the events the job runner puts on its bus; notifications and dashboards subscribe to them. */
export const JOB_EVENT_SOURCE = 'batch-platform.jobs';
