import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { WorkerConfig } from '../config/worker-schema';

export interface WorkerAlarmsProps {
  /** Prefix of every alarm name: `<env>-<worker>`, so chat shows which worker is in trouble. */
  readonly name: string;
  readonly worker: WorkerConfig;
  readonly queue: sqs.IQueue;
  /** The worker's own dead-letter queue; an imported queue's DLQ is its owner's to watch. */
  readonly deadLetterQueue?: sqs.IQueue;
  readonly service: ecs.IBaseService;
  readonly alarmTopic: sns.ITopic;
}

/**
 * The three alarms an operator needs per worker, all to the platform alarm topic: messages in
 * the dead-letter queue, a message waiting too long, and fewer tasks running than desired.
 */
export function addWorkerAlarms(scope: Construct, props: WorkerAlarmsProps): cloudwatch.Alarm[] {
  const { worker, name } = props;
  const minute = Duration.minutes(1);
  const alarms: cloudwatch.Alarm[] = [];

  if (props.deadLetterQueue) {
    alarms.push(
      props.deadLetterQueue
        .metricApproximateNumberOfMessagesVisible({ period: minute })
        .createAlarm(scope, 'DeadLettersAlarm', {
          alarmName: `${name}-dead-letters`,
          alarmDescription: `${worker.name}: messages failed ${worker.maxReceiveCount} times and are in the dead-letter queue`,
          threshold: 1,
          evaluationPeriods: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          // SQS keeps reporting a queue that holds messages; silence means it is empty.
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
    );
  }

  alarms.push(
    props.queue
      .metricApproximateAgeOfOldestMessage({ period: minute, statistic: cloudwatch.Stats.MAXIMUM })
      .createAlarm(scope, 'OldestMessageAlarm', {
        alarmName: `${name}-oldest-message`,
        alarmDescription: `${worker.name}: a message has waited longer than ${worker.oldestMessageAlarmSeconds} s; the worker is behind or stopped`,
        threshold: worker.oldestMessageAlarmSeconds,
        evaluationPeriods: 3,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
  );

  // Container Insights reports both counts per service every minute. Comparing with the live
  // desired count (not the configured one) also covers a scaled-out worker whose Spot tasks
  // cannot be placed, and a count changed by hand.
  const serviceMetric = (metricName: string, statistic: string) =>
    new cloudwatch.Metric({
      namespace: 'ECS/ContainerInsights',
      metricName,
      dimensionsMap: {
        ClusterName: props.service.cluster.clusterName,
        ServiceName: props.service.serviceName,
      },
      statistic,
      period: minute,
    });
  alarms.push(
    new cloudwatch.MathExpression({
      expression: 'desired - running',
      usingMetrics: {
        desired: serviceMetric('DesiredTaskCount', cloudwatch.Stats.MAXIMUM),
        running: serviceMetric('RunningTaskCount', cloudwatch.Stats.MINIMUM),
      },
      label: 'Tasks missing',
      period: minute,
    }).createAlarm(scope, 'TasksBelowDesiredAlarm', {
      alarmName: `${name}-tasks-below-desired`,
      alarmDescription: `${worker.name}: fewer tasks running than desired for 5 minutes (Spot or Fargate capacity, crashing tasks, or a failed deploy)`,
      threshold: 1,
      // A deploy or a Spot replacement leaves a gap of a minute or two; five is an outage.
      evaluationPeriods: 5,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      // No data means no task reported at all: that is the outage this alarm is for.
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    }),
  );

  const action = new cwActions.SnsAction(props.alarmTopic);
  for (const alarm of alarms) alarm.addAlarmAction(action);
  return alarms;
}
