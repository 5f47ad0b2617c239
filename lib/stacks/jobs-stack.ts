import { Stack, Validations, type StackProps } from 'aws-cdk-lib';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import type { ScheduledJobConfig } from '../config';
import { buildEntry } from '../config/config-error';
import { containerImage } from '../constructs/container-image';
import { ScheduledJob } from '../constructs/scheduled-job';
import { accessNames } from '../schedule/naming';

export interface JobsStackProps extends StackProps {
  readonly environment: string;
  readonly shard: number;
  readonly jobs: readonly ScheduledJobConfig[];
  readonly stateMachine: sfn.IStateMachine;
  readonly logGroup: logs.ILogGroup;
  readonly deadLetterQueue: sqs.IQueue;
  readonly scheduleGroup: scheduler.IScheduleGroup;
}

/**
 * A share of the scheduled jobs (see `shardJobs`): each job's schedule and task definition,
 * with roles and images shared by all jobs in the stack.
 */
export class JobsStack extends Stack {
  public readonly jobs: readonly ScheduledJob[];

  constructor(scope: Construct, id: string, props: JobsStackProps) {
    super(scope, id, props);
    const { environment, shard } = props;

    // Used by ECS, not by the job: pulls the image, writes logs, injects each job's secrets.
    // A job's container never receives these credentials, so sharing it across the stack's
    // jobs does not let one job read another's secrets.
    const executionRole = new iam.Role(this, 'ExecutionRole', {
      roleName: `${environment}-job-exec-${shard}`,
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
      description: 'ECS task execution role of scheduled jobs: image pull, logs, secret injection',
    });
    // The credentials of a job that names no access profile: none at all.
    const noAccessRole = new iam.Role(this, 'TaskRole', {
      roleName: `${environment}-job-task-${shard}`,
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
      description: 'Role of scheduled job containers without an access profile: no AWS permissions',
    });
    // A job with a profile runs as the profile's role (AccessStack), named rather than
    // exported so the profile's stack can change without a cross-stack deadlock.
    const profileRoles = new Map<string, iam.IRole>();
    const taskRole = (job: ScheduledJobConfig): iam.IRole => {
      if (job.access === undefined) return noAccessRole;
      let role = profileRoles.get(job.access);
      if (!role) {
        role = iam.Role.fromRoleName(
          this,
          `Profile-${job.access}`,
          accessNames(environment).role(job.access),
          {
            mutable: false,
          },
        );
        profileRoles.set(job.access, role);
      }
      return role;
    };
    const schedulerRole = new iam.Role(this, 'SchedulerRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
      description: 'Lets EventBridge Scheduler start the job runner',
    });

    const images = new Map<string, ecs.ContainerImage>();
    const image = (job: ScheduledJobConfig): ecs.ContainerImage => {
      const key = JSON.stringify(job.image);
      let cached = images.get(key);
      if (!cached) {
        cached = containerImage(this, `Repo${images.size}`, job.image);
        images.set(key, cached);
      }
      return cached;
    };

    const shared = {
      environment,
      shard,
      executionRole,
      taskRole,
      schedulerRole,
      logGroup: props.logGroup,
      stateMachine: props.stateMachine,
      deadLetterQueue: props.deadLetterQueue,
      scheduleGroup: props.scheduleGroup,
      image,
    };
    this.jobs = props.jobs.map((job) =>
      buildEntry(
        'config/schedules.ts',
        'job',
        job.name,
        () => new ScheduledJob(this, job.name, { job, shared }),
      ),
    );

    Validations.of(executionRole).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'ecr:GetAuthorizationToken does not support resource-level permissions (image pulls themselves are scoped to the repository)',
    });
  }
}
