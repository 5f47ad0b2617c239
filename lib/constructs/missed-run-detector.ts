import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { CATALOG_FILE_NAME, type MissedRunCatalog } from '../schedule/missed-run-catalog';
import { NodeFunction } from './node-function';

export interface MissedRunDetectorProps {
  /** The jobs table (`<env>-batch-jobs`): slot claims and pauses are read, markers written. */
  readonly table: dynamodb.ITable;
  /** The jobs bus: `JobMissed` events go there, for the notifier. */
  readonly eventBus: events.IEventBus;
  /** EventBridge Scheduler's dead-letter queue of job starts (JobRunnerStack `UndeliveredStarts`). */
  readonly deadLetterQueue: sqs.IQueue;
  /** The environment's jobs, from `missedRunCatalog(environment, jobs)`. */
  readonly catalog: MissedRunCatalog;
  /** Environment name, e.g. `staging`; must be the catalog's. */
  readonly environment: string;
  readonly logRetention: logs.RetentionDays;
  /** Where the detector's own alarms go. */
  readonly alarmTopic: sns.ITopic;
  /** VPC whose private subnets the function runs in (every batch-platform Lambda does). */
  readonly vpc: ec2.IVpc;
  /**
   * How often the detector runs. The look-back (15 minutes beyond each job's grace) is sized
   * for 5: a longer period leaves slots unchecked.
   * @default Duration.minutes(5)
   */
  readonly period?: Duration;
}

/**
 * Finds runs that never started: every 5 minutes a Lambda compares each enabled job's
 * expected slots with the slot claims in the jobs table, and reads Scheduler's dead-letter
 * queue (without deleting anything), putting one `JobMissed` on the jobs bus per missed slot
 * or dead letter.
 *
 * Resource budget: fixed, whatever the number of jobs — the function (role, policy, log
 * group), one layer holding the job catalog (a JSON file, ~200 bytes a job), one rule and its
 * invoke permission, two alarms. The catalog is a layer rather than environment variables or
 * SSM parameters (4 KB each): 1,000 jobs are ~200 KB.
 */
export class MissedRunDetector extends Construct {
  public readonly function: lambda.Function;
  /** The function failed (a check could not complete, or EventBridge refused an alert). */
  public readonly errorsAlarm: cloudwatch.Alarm;
  /** The function did not run for 15 minutes: nobody is watching for missed runs. */
  public readonly notRunningAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: MissedRunDetectorProps) {
    super(scope, id);
    if (props.catalog.environment !== props.environment) {
      throw new Error(
        `MissedRunDetector: the catalog is for "${props.catalog.environment}", not "${props.environment}"`,
      );
    }
    const catalogLayer = new lambda.LayerVersion(this, 'Catalog', {
      code: lambda.Code.fromAsset(writeCatalog(props.catalog)),
      description: `${props.environment}: the jobs the missed-run detector checks (${props.catalog.jobs.length})`,
    });
    const detector = new NodeFunction(this, 'Detector', {
      entry: 'missed-runs',
      description:
        'Every 5 minutes: alerts JobMissed for slots no run claimed and for Scheduler dead letters',
      vpc: props.vpc,
      logRetention: props.logRetention,
      // 1,000 jobs: ~40 BatchGetItem calls; dead letters: at most 10 receives.
      timeout: Duration.seconds(60),
      environment: {
        TABLE_NAME: props.table.tableName,
        EVENT_BUS_NAME: props.eventBus.eventBusName,
        DEAD_LETTER_QUEUE_URL: props.deadLetterQueue.queueUrl,
        CATALOG_PATH: `/opt/${CATALOG_FILE_NAME}`,
      },
    });
    this.function = detector.function;
    this.function.addLayers(catalogLayer);

    // BatchGetItem: claims, pauses, first-seen times. PutItem: markers (conditional).
    // DeleteItem: a marker whose alert EventBridge refused, so the next run alerts again.
    props.table.grant(detector.role, 'dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem');
    props.eventBus.grantPutEventsTo(detector.role);
    // Receive and make visible again; never DeleteMessage: operators redrive from the queue.
    detector.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['sqs:ReceiveMessage', 'sqs:ChangeMessageVisibility'],
        resources: [props.deadLetterQueue.queueArn],
      }),
    );
    props.deadLetterQueue.encryptionMasterKey?.grantDecrypt(detector.role);

    new events.Rule(this, 'Schedule', {
      description: `${props.environment}: runs the missed-run detector`,
      schedule: events.Schedule.rate(props.period ?? Duration.minutes(5)),
      // A failed run is retried by the next one: every slot is checked by three runs.
      targets: [new targets.LambdaFunction(this.function, { retryAttempts: 0 })],
    });

    const action = new cwActions.SnsAction(props.alarmTopic);
    this.errorsAlarm = this.function
      .metricErrors({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM })
      .createAlarm(this, 'ErrorsAlarm', {
        alarmDescription: `${props.environment}: the missed-run detector failed, so a run that never started may go unreported. The logs of its function (${this.node.path}) say which check failed ("missed-run pass incomplete"): DynamoDB throttling or access, EventBridge refusing JobMissed, or the dead-letter queue unreadable. Until it is fixed, check slots by hand with npm run job -- backfill <job> --dry-run`,
        threshold: 1,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    this.notRunningAlarm = this.function
      .metricInvocations({ period: Duration.minutes(15), statistic: cloudwatch.Stats.SUM })
      .createAlarm(this, 'NotRunningAlarm', {
        alarmDescription: `${props.environment}: the missed-run detector has not run for 15 minutes, so missed runs go unreported. Check that its EventBridge rule is enabled and the function is not throttled (its Throttles metric)`,
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      });
    this.errorsAlarm.addAlarmAction(action);
    this.notRunningAlarm.addAlarmAction(action);
  }
}

/**
 * The catalog as the layer's only file. Layers unpack under /opt. The folder's content is
 * the asset's hash, so the layer changes exactly when the catalog does.
 */
function writeCatalog(catalog: MissedRunCatalog): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'missed-run-catalog-'));
  fs.writeFileSync(path.join(dir, CATALOG_FILE_NAME), `${JSON.stringify(catalog)}\n`);
  return dir;
}
