import { Duration, TimeZone, Validations } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { ScheduledJobConfig } from '../config/schedule-schema';
import { JOB_CONTAINER_NAME, jobNames } from '../schedule/naming';
import { jobRunnerInput } from '../schedule/runner-input';
import { containerSecret } from './container-secret';

/** What every job of one job stack shares, so a job costs only its schedule and task definition. */
export interface JobStackShared {
  readonly environment: string;
  /** This stack's number; part of schedule names so a job moving between stacks never clashes. */
  readonly shard: number;
  readonly executionRole: iam.IRole;
  /** The credentials a job's code gets: its access profile's role, or one with none. */
  readonly taskRole: (job: ScheduledJobConfig) => iam.IRole;
  readonly schedulerRole: iam.IRole;
  readonly logGroup: logs.ILogGroup;
  readonly stateMachine: sfn.IStateMachine;
  readonly deadLetterQueue: sqs.IQueue;
  readonly scheduleGroup: scheduler.IScheduleGroup;
  /** Returns the (cached) container image for a job's `image` setting. */
  readonly image: (job: ScheduledJobConfig) => ecs.ContainerImage;
}

export interface ScheduledJobProps {
  readonly job: ScheduledJobConfig;
  readonly shared: JobStackShared;
}

/**
 * One cron job: its task definition and the EventBridge Scheduler schedule that starts the
 * job runner with it. Two CloudFormation resources per job; everything else is shared.
 */
export class ScheduledJob extends Construct {
  public readonly taskDefinition: ecs.FargateTaskDefinition;
  public readonly schedule: scheduler.Schedule;

  constructor(scope: Construct, id: string, props: ScheduledJobProps) {
    super(scope, id);
    const { job, shared } = props;
    const names = jobNames(shared.environment);

    this.taskDefinition = new ecs.FargateTaskDefinition(this, 'Task', {
      family: names.taskFamily(job.name),
      cpu: job.cpu,
      memoryLimitMiB: job.memory,
      executionRole: shared.executionRole,
      taskRole: shared.taskRole(job),
      // Fargate Spot runs x86_64 only.
      runtimePlatform: {
        operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
        cpuArchitecture: ecs.CpuArchitecture.X86_64,
      },
    });
    // The root filesystem is read-only; /tmp is the task's ephemeral storage.
    this.taskDefinition.addVolume({ name: 'tmp' });
    const container = this.taskDefinition.addContainer(JOB_CONTAINER_NAME, {
      image: shared.image(job),
      // The whole task's memory as the container's hard limit: Control Tower CT.ECS.PR.7
      // wants one on every container, and the job is the task's only container.
      memoryLimitMiB: job.memory,
      command: [...job.command],
      // The job's zone, so "yesterday" and "last month" mean what the schedule means.
      environment: { JOB_NAME: job.name, JOB_TIME_ZONE: job.timezone, ...job.environment },
      secrets: Object.fromEntries(
        Object.entries(job.secrets).map(([name, ref]) => [name, containerSecret(this, name, ref)]),
      ),
      logging: ecs.LogDrivers.awsLogs({ logGroup: shared.logGroup, streamPrefix: job.name }),
      readonlyRootFilesystem: true,
      user: '1000', // the image's non-root `node` user
      // Fargate's maximum: SIGTERM, then 120 s to finish before SIGKILL (Spot gives 2 minutes).
      stopTimeout: Duration.seconds(120),
      essential: true,
    });
    container.addMountPoints({ sourceVolume: 'tmp', containerPath: '/tmp', readOnly: false });
    Validations.of(this.taskDefinition).acknowledge({
      id: 'AwsSolutions-ECS2',
      reason:
        'Plain environment holds only non-secret settings (JOB_NAME, URLs); config validation rejects secret-looking names there and secrets are injected from Secrets Manager/SSM',
    });

    this.schedule = new scheduler.Schedule(this, 'Schedule', {
      scheduleName: names.schedule(job.name, shared.shard),
      description: scheduleDescription(job),
      scheduleGroup: shared.scheduleGroup,
      schedule: scheduler.ScheduleExpression.expression(`cron(${job.cron})`, TimeZone.of(job.timezone)),
      enabled: job.enabled,
      target: new targets.StepFunctionsStartExecution(shared.stateMachine, {
        role: shared.schedulerRole,
        input: scheduler.ScheduleTargetInput.fromObject(jobRunnerInput(shared.environment, job, 'schedule')),
        deadLetterQueue: shared.deadLetterQueue,
        retryAttempts: 5,
        // How late a start may still be (the job's startingDeadline, 1 h unless set): later
        // than that a run is worse than a skipped one, and the tick goes to the dead-letter queue.
        maxEventAge: Duration.seconds(job.startingDeadlineSeconds),
      }),
    });
  }
}

/** Scheduler keeps at most this many characters of a schedule's description. */
const MAX_SCHEDULE_DESCRIPTION = 512;

/**
 * What the console shows beside the schedule: what the job does and who owns it, and for a
 * disabled one, first, why and until when, so a DISABLED schedule explains itself to whoever
 * finds it there.
 */
export function scheduleDescription(
  job: Pick<ScheduledJobConfig, 'description' | 'owner' | 'enabled' | 'disabledReason' | 'disabledUntil'>,
): string {
  const about = `${job.description} (owner: ${job.owner})`;
  if (job.enabled) return about.slice(0, MAX_SCHEDULE_DESCRIPTION);
  const until = job.disabledUntil ? ` until ${job.disabledUntil}` : '';
  return `DISABLED${until}: ${job.disabledReason ?? 'no reason given'} | ${about}`.slice(
    0,
    MAX_SCHEDULE_DESCRIPTION,
  );
}
