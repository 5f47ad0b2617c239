import { Stack, type StackProps } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import type { PlatformConfig } from '../config';
import { JobNotifier } from '../constructs/job-notifier';
import { notifierCatalog } from '../schedule/notifier-catalog';

export interface NotificationsStackProps extends StackProps {
  readonly config: PlatformConfig;
  readonly vpc: ec2.IVpc;
  readonly eventBus: events.IEventBus;
  readonly table: dynamodb.ITable;
  readonly alarmTopic: sns.ITopic;
}

/** Who is told: job events and alarms to each job's Slack channel (see lib/constructs/job-notifier.ts). */
export class NotificationsStack extends Stack {
  public readonly notifier: JobNotifier;

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
  }
}
