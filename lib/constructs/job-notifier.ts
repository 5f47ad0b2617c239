import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventTargets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { JOB_EVENT_SOURCE } from '../schedule/naming';
import {
  jobsNotifiedWhenSkipped,
  NOTIFIER_CATALOG_CONSTANT,
  type NotifierCatalog,
} from '../schedule/notifier-catalog';
import { deadLetterQueue } from './dead-letter-queue';
import { NodeFunction } from './node-function';

export interface JobNotifierProps {
  readonly catalog: NotifierCatalog;
  readonly eventBus: events.IEventBus;
  /** The jobs table: the notifier keeps its open threads there (`NOTICE#<job>` items, with TTL). */
  readonly table: dynamodb.ITable;
  readonly alarmTopic: sns.ITopic;
  readonly vpc: ec2.IVpc;
  readonly logRetention: logs.RetentionDays;
  readonly retainData?: boolean;
}

/** The `Job*` events that become messages; `JobSkipped` only for jobs that opted in. */
export const NOTIFIED_EVENTS = [
  'JobFailed',
  'JobTimedOut',
  'JobFellBackToOnDemand',
  'JobMissed',
  'JobNotStarted',
  // Every success: the notifier alone knows whether a failure thread is open to close.
  'JobSucceeded',
] as const;

/**
 * Job events and alarms to Slack. Rules on the jobs bus and the alarm topic feed one queue;
 * the notifier Lambda reads it and posts. The queue is what makes Slack's outages harmless:
 * a message Slack would not take is retried for an hour, then kept in the dead-letter queue,
 * which alarms. Publishing an event never waits for Slack, so no job's outcome depends on it.
 */
export class JobNotifier extends Construct {
  public readonly function: NodeFunction;
  public readonly queue: sqs.Queue;
  public readonly deadLetterQueue: sqs.Queue;
  /** Holds `{"botToken":"xoxb-..."}` or `{"webhookUrl":"..."}`, put there by an operator. */
  public readonly slackSecret: secretsmanager.Secret;
  /** Alarms about the notifier itself: they cannot count on the notifier, so also go by e-mail if set. */
  public readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: JobNotifierProps) {
    super(scope, id);
    const env = props.catalog.environment.name;
    const removalPolicy = props.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    this.slackSecret = new secretsmanager.Secret(this, 'SlackSecret', {
      secretName: `batch-platform/${env}/slack`,
      description: `batch-platform ${env}: the Slack bot token the notifier posts with, as {"botToken":"xoxb-..."}`,
      // Created with a placeholder the notifier refuses by name; the operator puts the token.
      secretObjectValue: {},
      removalPolicy,
    });
    Validations.of(this.slackSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'A Slack bot token is issued and revoked in Slack, which Secrets Manager rotation cannot call; docs/operators-guide.md says how to replace it',
    });

    this.deadLetterQueue = deadLetterQueue(this, 'Undelivered', "the notifier queue's dead-letter queue");
    const timeout = Duration.minutes(2);
    this.queue = new sqs.Queue(this, 'Notices', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // Six times the function's timeout, as Lambda advises for an SQS event source.
      visibilityTimeout: Duration.seconds(timeout.toSeconds() * 6),
      retentionPeriod: Duration.days(4),
      // 5 receives × 12 minutes: an hour of Slack outage before a message is parked.
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: 5 },
    });

    this.function = new NodeFunction(this, 'Function', {
      entry: 'notifier',
      description: `Posts batch-platform ${env} job failures, missed runs and alarms to Slack`,
      vpc: props.vpc,
      logRetention: props.logRetention,
      removalPolicy,
      timeout,
      environment: { TABLE_NAME: props.table.tableName, SLACK_SECRET_ARN: this.slackSecret.secretArn },
      bundleConstants: { [NOTIFIER_CATALOG_CONSTANT]: JSON.stringify(props.catalog) },
    });
    this.slackSecret.grantRead(this.function.role);
    // Its own items only (the condition AWS documents for per-key access): the lease, slot
    // claims and run records are not the notifier's to touch.
    this.function.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'],
        resources: [props.table.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['NOTICE#*'] } },
      }),
    );
    this.function.function.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: 10,
        reportBatchItemFailures: true,
        // Two at a time: enough for a burst, and few enough that two failures of one job
        // rarely race to open two threads.
        maxConcurrency: 2,
      }),
    );

    this.route(props);
    this.addAlarms(props.alarmTopic, env);
  }

  private route(props: JobNotifierProps): void {
    // EventBridge retries a queue it cannot reach for a day, then parks the event with the rest.
    const target = new eventTargets.SqsQueue(this.queue, {
      retryAttempts: 185,
      maxEventAge: Duration.hours(24),
      deadLetterQueue: this.deadLetterQueue,
    });
    new events.Rule(this, 'JobEvents', {
      eventBus: props.eventBus,
      description:
        'Job failures, timeouts, fallbacks, missed runs, rejected starts and successes (to close threads) to the notifier',
      eventPattern: { source: [JOB_EVENT_SOURCE], detailType: [...NOTIFIED_EVENTS] },
      targets: [target],
    });
    const skippedJobs = jobsNotifiedWhenSkipped(props.catalog);
    if (skippedJobs.length > 0) {
      new events.Rule(this, 'SkippedRuns', {
        eventBus: props.eventBus,
        description: 'Skipped runs of the jobs that set notifySkipped',
        eventPattern: {
          source: [JOB_EVENT_SOURCE],
          detailType: ['JobSkipped'],
          detail: { job: skippedJobs },
        },
        targets: [target],
      });
    }
    // Not raw: the SNS envelope tells the notifier an alarm from a job event.
    props.alarmTopic.addSubscription(new subscriptions.SqsSubscription(this.queue));
  }

  private addAlarms(topic: sns.ITopic, env: string): void {
    const action = new cwActions.SnsAction(topic);
    const alarm = (id: string, metric: cloudwatch.Metric, threshold: number, description: string) => {
      const created = metric.createAlarm(this, id, {
        alarmDescription: description,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      created.addAlarmAction(action);
      this.alarms.push(created);
    };
    const fiveMinutes = { period: Duration.minutes(5) };
    alarm(
      'UndeliveredAlarm',
      this.deadLetterQueue.metricApproximateNumberOfMessagesVisible(fiveMinutes),
      1,
      `${env}: Slack messages about jobs or alarms could not be delivered for an hour and are parked in ${this.deadLetterQueue.node.path}. Read the notifier's log for the reason (a revoked token, a channel the bot is not in), fix it, then redrive the dead-letter queue from the SQS console.`,
    );
    alarm(
      'BacklogAlarm',
      this.queue.metricApproximateAgeOfOldestMessage(fiveMinutes),
      15 * 60,
      `${env}: a job or alarm notice has waited 15 minutes for Slack. Slack may be down or rate limiting; see the notifier's log. Nothing is lost: it is retried for an hour, then parked in the dead-letter queue.`,
    );
    alarm(
      'ErrorsAlarm',
      this.function.function.metricErrors(fiveMinutes),
      1,
      `${env}: the notifier Lambda failed (not a Slack refusal, which it reports per message). Its notices are retried; see its log group for the error.`,
    );
  }
}
