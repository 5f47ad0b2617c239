import { Stack, type StackProps } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { PlatformConfig } from '../config';
import { JobNotifier } from '../constructs/job-notifier';
import { MissedRunDetector } from '../constructs/missed-run-detector';
import { PlatformDashboard } from '../constructs/platform-dashboard';
import { missedRunCatalog } from '../schedule/missed-run-catalog';
import { notifierCatalog } from '../schedule/notifier-catalog';

export interface NotificationsStackProps extends StackProps {
  readonly config: PlatformConfig;
  readonly vpc: ec2.IVpc;
  readonly eventBus: events.IEventBus;
  readonly table: dynamodb.ITable;
  readonly alarmTopic: sns.ITopic;
  /** EventBridge Scheduler's dead-letter queue of job starts: the detector reports what lands there. */
  readonly undeliveredStarts: sqs.IQueue;
  /**
   * The stacks holding the schedules. This stack deploys after them, so the detector never
   * knows a job before its schedule exists (it would report the slots in between as missed).
   */
  readonly scheduleStacks: readonly Stack[];
  /** The job runner, for the dashboard. */
  readonly stateMachine: sfn.IStateMachine;
  readonly runnerFunctions: readonly lambda.IFunction[];
}

/**
 * Who is told: job events and alarms to each job's Slack channel (lib/constructs/job-notifier.ts),
 * and the missed-run detector, which turns slots nobody ran into `JobMissed` events for it
 * (lib/constructs/missed-run-detector.ts).
 */
export class NotificationsStack extends Stack {
  public readonly notifier: JobNotifier;
  public readonly missedRuns: MissedRunDetector;

  constructor(scope: Construct, id: string, props: NotificationsStackProps) {
    super(scope, id, props);
    const { environment } = props.config;
    this.notifier = new JobNotifier(this, 'Notifier', {
      catalog: notifierCatalog(props.config),
      eventBus: props.eventBus,
      table: props.table,
      alarmTopic: props.alarmTopic,
      vpc: props.vpc,
      logRetention: environment.logRetentionDays,
      retainData: environment.retainData,
    });
    this.missedRuns = new MissedRunDetector(this, 'MissedRuns', {
      table: props.table,
      eventBus: props.eventBus,
      deadLetterQueue: props.undeliveredStarts,
      catalog: missedRunCatalog(environment.name, props.config.schedules),
      environment: environment.name,
      logRetention: environment.logRetentionDays,
      alarmTopic: props.alarmTopic,
      vpc: props.vpc,
    });
    new PlatformDashboard(this, 'Dashboard', {
      environment: environment.name,
      jobs: props.config.schedules,
      workers: props.config.workers.map((w) => w.name),
      stateMachine: props.stateMachine,
      functions: [...props.runnerFunctions, this.notifier.function.function, this.missedRuns.function],
    });
    for (const stack of props.scheduleStacks)
      this.addStackDependency(stack, 'the detector knows only jobs whose schedules exist');
  }
}
