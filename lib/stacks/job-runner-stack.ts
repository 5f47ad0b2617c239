import { Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { EnvironmentConfig } from '../config';
import { CanaryAccess } from '../constructs/canary-access';
import { deadLetterQueue } from '../constructs/dead-letter-queue';
import { JobRunner } from '../constructs/job-runner/job-runner';
import { jobNames } from '../schedule/naming';

export interface JobRunnerStackProps extends StackProps {
  readonly config: EnvironmentConfig;
  readonly vpc: ec2.IVpc;
  readonly cluster: ecs.ICluster;
  readonly alarmTopic: sns.ITopic;
  /** The delivery pipeline's account, whose canary step may start the canary job here. */
  readonly toolingAccount: string;
}

/** The job runner and what every job stack shares: schedule group and Scheduler DLQ. */
export class JobRunnerStack extends Stack {
  public readonly runner: JobRunner;
  public readonly scheduleGroup: scheduler.ScheduleGroup;
  /** Where Scheduler puts a start it could not deliver after its retries. */
  public readonly deadLetterQueue: sqs.Queue;
  public readonly canaryAccess: CanaryAccess;

  constructor(scope: Construct, id: string, props: JobRunnerStackProps) {
    super(scope, id, props);
    const { config } = props;
    this.runner = new JobRunner(this, 'Runner', {
      environment: config.name,
      vpc: props.vpc,
      cluster: props.cluster,
      alarmTopic: props.alarmTopic,
      logRetention: config.logRetentionDays,
      retainData: config.retainData,
    });
    this.canaryAccess = new CanaryAccess(this, 'CanaryAccess', {
      environment: config.name,
      toolingAccount: props.toolingAccount,
      stateMachine: this.runner.stateMachine,
      table: this.runner.table,
    });
    this.scheduleGroup = new scheduler.ScheduleGroup(this, 'Schedules', {
      scheduleGroupName: jobNames(config.name).eventBus,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.deadLetterQueue = deadLetterQueue(
      this,
      'UndeliveredStarts',
      'the dead-letter queue of every Scheduler target (cdk-nag only recognises queue-to-queue redrive)',
    );
    this.deadLetterQueue
      .metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) })
      .createAlarm(this, 'UndeliveredStartsAlarm', {
        alarmDescription: `${config.name}: EventBridge Scheduler could not start a job run; see the ${this.deadLetterQueue.node.path} messages`,
        threshold: 1,
        evaluationPeriods: 1,
      })
      .addAlarmAction(new cwActions.SnsAction(props.alarmTopic));
  }
}
