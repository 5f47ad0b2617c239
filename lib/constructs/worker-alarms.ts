import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { WORKER_METRICS, type WorkerMetricName } from '../../containers/sqs-worker/src/metrics';
import type { WorkerConfig } from '../config/worker-schema';

export interface WorkerAlarmsProps {
  /** The environment's name: the `Environment` dimension of the worker's own metrics. */
  readonly environment: string;
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
 * The alarms an operator needs per worker, all to the platform alarm topic. From SQS and ECS:
 * messages in the dead-letter queue, a message waiting too long, fewer tasks running than
 * desired. From the worker's own metrics (containers/sqs-worker/src/metrics.ts): a handler
 * stuck past its deadline, a message delivered again while still being worked on, and
 * ReceiveMessage calls that hang.
 */
export function addWorkerAlarms(scope: Construct, props: WorkerAlarmsProps): cloudwatch.Alarm[] {
  const { worker, name } = props;
  const logGroup = `/batch-platform/${props.environment}/workers/${worker.name}`;
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

  // The worker writes these as embedded-metric-format log lines, and the counts only when
  // something happened: no data is the normal, quiet state.
  const workerAlarm = (
    alarmSuffix: string,
    metricName: WorkerMetricName,
    options: { statistic: string; period: Duration; threshold: number; description: string },
  ) =>
    new cloudwatch.Metric({
      namespace: WORKER_METRICS.namespace,
      metricName,
      dimensionsMap: {
        [WORKER_METRICS.environmentDimension]: props.environment,
        [WORKER_METRICS.workerDimension]: worker.name,
      },
      statistic: options.statistic,
      period: options.period,
    }).createAlarm(scope, `${metricName}Alarm`, {
      alarmName: `${name}-${alarmSuffix}`,
      alarmDescription: `${worker.name}: ${options.description}`,
      threshold: options.threshold,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  alarms.push(
    workerAlarm('messages-overdue', WORKER_METRICS.overdue, {
      statistic: cloudwatch.Stats.MAXIMUM,
      period: minute,
      threshold: 1,
      description: `a handler is still running at twice its ${worker.maxProcessingSeconds} s deadline: it ignored the abort and holds a slot until it ends, and its message is delivered again after its visibility timeout. Find "message-overdue" in ${logGroup} for the message and handler; fix the handler to stop when aborted, and stop the task if the slot stays stuck (the service starts a new one)`,
    }),
    workerAlarm('redeliveries-held', WORKER_METRICS.redeliveriesHeld, {
      statistic: cloudwatch.Stats.SUM,
      period: Duration.minutes(5),
      threshold: 1,
      description: `SQS delivered a message again to a task still working on it, which did not start it twice${worker.singleton ? ' (a singleton has no other task: this was a double run prevented)' : ' (another task may have received it too)'}. A handler outlived its message's visibility timeout: find "redelivery-held" in ${logGroup}, then make the handler stop when aborted at maxProcessingTime, or raise visibilityTimeout if it needs longer to let go`,
    }),
    workerAlarm('receive-stalls', WORKER_METRICS.receiveStalls, {
      statistic: cloudwatch.Stats.SUM,
      period: Duration.minutes(15),
      threshold: 3,
      description: `3 or more ReceiveMessage calls hung in 15 minutes: the task cannot reach SQS reliably (network, NAT gateway or VPC endpoint trouble). Find "receive-stalled" in ${logGroup} and check the NAT gateway and the SQS service health`,
    }),
  );

  const action = new cwActions.SnsAction(props.alarmTopic);
  for (const alarm of alarms) alarm.addAlarmAction(action);
  return alarms;
}
