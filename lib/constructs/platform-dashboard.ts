import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { workerQueueNames } from '../schedule/naming';

export interface PlatformDashboardProps {
  readonly environment: string;
  /** Each job's name and timeout, for "duration against timeout". */
  readonly jobs: readonly { readonly name: string; readonly timeoutSeconds: number }[];
  readonly workers: readonly string[];
  readonly stateMachine: sfn.IStateMachine;
  /** The platform's Lambdas: runner, notifier, detector. */
  readonly functions: readonly lambda.IFunction[];
}

/** Jobs per graph in "duration against timeout": a readable legend, and well under CloudWatch's 500. */
const JOBS_PER_GRAPH = 25;

/**
 * One dashboard per environment, `<env>-batch-platform`. Per-job graphs read the recorder's
 * embedded metrics (`BatchPlatform/Jobs`, dimensions Environment and Job) with SEARCH, so a
 * new job appears without a change here; the dashboard is one resource whatever the count.
 *
 * Written with the CloudWatch L2 rather than cdk-monitoring-constructs: the library's value
 * is its alarm and widget presets for AWS services, but most of this dashboard is our own
 * metrics, its alarms would duplicate the ones the platform already has, and it would be a
 * second dependency that must move in step with aws-cdk-lib.
 */
export class PlatformDashboard extends Construct {
  public readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: PlatformDashboardProps) {
    super(scope, id);
    const env = props.environment;
    const period = Duration.minutes(5);
    const perJob = (metric: string, statistic: string) =>
      new cloudwatch.MathExpression({
        expression: `SEARCH('{BatchPlatform/Jobs,Environment,Job} MetricName="${metric}" Environment="${env}"', '${statistic}', ${period.toSeconds()})`,
        label: '',
        period,
      });
    const graph = (
      title: string,
      left: cloudwatch.IMetric[],
      extra: Partial<cloudwatch.GraphWidgetProps> = {},
    ) => new cloudwatch.GraphWidget({ title, left, width: 12, height: 6, ...extra });

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `${env}-batch-platform`,
      defaultInterval: Duration.days(1),
    });
    this.dashboard.addWidgets(
      new cloudwatch.TextWidget({
        markdown: `# batch-platform ${env}\nRuns per job come from the run recorder; a job appears after its first run. Alarms go to the alarm topic and from there to Slack (docs/operators-guide.md, "Who is told when a job fails").`,
        width: 24,
        height: 2,
      }),
    );
    this.dashboard.addWidgets(
      graph('Failed and timed-out runs, per job', [perJob('Failed', 'Sum'), perJob('TimedOut', 'Sum')], {
        stacked: true,
      }),
      graph('Succeeded and skipped runs, per job', [perJob('Succeeded', 'Sum'), perJob('Skipped', 'Sum')], {
        stacked: true,
      }),
    );
    const durations = [];
    for (let i = 0; i < props.jobs.length; i += JOBS_PER_GRAPH) {
      const jobs = props.jobs.slice(i, i + JOBS_PER_GRAPH);
      durations.push(
        graph(
          `Longest run as % of its timeout${props.jobs.length > JOBS_PER_GRAPH ? ` (jobs ${i + 1}-${i + jobs.length})` : ''}`,
          jobs.map(
            (job, j) =>
              new cloudwatch.MathExpression({
                expression: `100 * d${j} / ${job.timeoutSeconds}`,
                label: job.name,
                usingMetrics: {
                  [`d${j}`]: new cloudwatch.Metric({
                    namespace: 'BatchPlatform/Jobs',
                    metricName: 'DurationSeconds',
                    dimensionsMap: { Environment: env, Job: job.name },
                    statistic: 'Maximum',
                    period,
                  }),
                },
                period,
              }),
          ),
          {
            leftYAxis: { min: 0, max: 100, label: '%' },
            leftAnnotations: [{ value: 80, label: '80 % of timeout' }],
          },
        ),
      );
    }
    this.dashboard.addWidgets(...durations);
    const sm = (metric: (o: cloudwatch.MetricOptions) => cloudwatch.Metric, label: string) =>
      metric({ period, statistic: 'Sum', label });
    this.dashboard.addWidgets(
      graph('Runs that fell back from Spot to on-demand, per job', [perJob('FellBackToOnDemand', 'Sum')], {
        stacked: true,
      }),
      graph('Job runner executions that failed, timed out or were throttled', [
        sm((o) => props.stateMachine.metricFailed(o), 'failed (includes failed jobs)'),
        sm((o) => props.stateMachine.metricTimedOut(o), 'timed out'),
        sm((o) => props.stateMachine.metricThrottled(o), 'throttled'),
        sm((o) => props.stateMachine.metricAborted(o), 'aborted'),
      ]),
    );
    const sqs = (queue: string, metricName: string, statistic: string) =>
      new cloudwatch.Metric({
        namespace: 'AWS/SQS',
        metricName,
        dimensionsMap: { QueueName: queue },
        statistic,
        period,
        label: queue,
      });
    const queues = props.workers.map((w) => workerQueueNames(env, w));
    this.dashboard.addWidgets(
      graph(
        'Workers: messages waiting',
        queues.map((q) => sqs(q.queue, 'ApproximateNumberOfMessagesVisible', 'Maximum')),
        {
          width: 8,
        },
      ),
      graph(
        'Workers: oldest message (s)',
        queues.map((q) => sqs(q.queue, 'ApproximateAgeOfOldestMessage', 'Maximum')),
        { width: 8 },
      ),
      graph(
        'Workers: dead letters',
        queues.map((q) => sqs(q.deadLetterQueue, 'ApproximateNumberOfMessagesVisible', 'Maximum')),
        { width: 8 },
      ),
    );
    this.dashboard.addWidgets(
      graph(
        'Platform Lambdas: errors and throttles',
        props.functions.flatMap((fn) => [
          fn.metricErrors({ period, label: `${fn.node.scope?.node.id ?? fn.node.id} errors` }),
          fn.metricThrottles({ period, label: `${fn.node.scope?.node.id ?? fn.node.id} throttles` }),
        ]),
      ),
      graph(
        'NAT gateways: bytes out (every NAT gateway of this account and region)',
        [
          new cloudwatch.MathExpression({
            expression: `SEARCH('{AWS/NATGateway,NatGatewayId} MetricName="BytesOutToDestination"', 'Sum', ${Duration.hours(1).toSeconds()})`,
            label: '',
            period: Duration.hours(1),
          }),
        ],
        { leftYAxis: { label: 'bytes per hour' } },
      ),
    );
  }
}
