/**
 * The worker's own metrics, written as CloudWatch embedded-metric-format lines on stdout: the
 * awslogs driver ships them with PutLogEvents and CloudWatch extracts the values, so there is
 * no API call, no IAM permission and no resource per metric. The CDK app's alarms
 * (`lib/constructs/worker-alarms.ts`) import these names, so the two cannot drift apart.
 */
export const WORKER_METRICS = {
  namespace: 'BatchPlatform/Workers',
  /** Dimension names; the values are the task's ENVIRONMENT_NAME and WORKER_NAME. */
  environmentDimension: 'Environment',
  workerDimension: 'Worker',
  /** Gauge, every minute: messages whose handler is running now. */
  inFlight: 'MessagesInFlight',
  /**
   * Gauge, every minute: messages still in progress after twice maxProcessingTime, i.e. a
   * handler that ignored the abort at its deadline. It holds a slot until it settles.
   */
  overdue: 'MessagesOverdue',
  /** Count: handlers aborted at maxProcessingTime; the message is left for redelivery. */
  timedOut: 'MessagesTimedOut',
  /**
   * Count: a message SQS delivered again while this process was still working on it. It is not
   * started a second time; each one means a handler outlived its message's visibility.
   */
  redeliveriesHeld: 'RedeliveriesHeld',
  /** Count: a ReceiveMessage that got no answer in time; the worker abandoned it and polls again. */
  receiveStalls: 'ReceiveStalls',
  /** Count: a message whose body failed its MD5 check; not handled, left for redelivery. */
  corruptMessages: 'CorruptMessages',
} as const;

export type WorkerMetricName = Exclude<
  (typeof WORKER_METRICS)[keyof typeof WORKER_METRICS],
  | typeof WORKER_METRICS.namespace
  | typeof WORKER_METRICS.environmentDimension
  | typeof WORKER_METRICS.workerDimension
>;

/** Where the metric lines go and which worker they describe. */
export interface MetricsTarget {
  readonly environment: string;
  readonly worker: string;
  readonly write: (line: string) => void;
}

/** Emits `values` as one embedded-metric-format line (Unit Count), dimensioned by environment and worker. */
export function emitMetrics(
  target: MetricsTarget,
  values: Partial<Record<WorkerMetricName, number>>,
  now: Date = new Date(),
): void {
  const names = Object.keys(values) as WorkerMetricName[];
  if (names.length === 0) return;
  const { environmentDimension, workerDimension } = WORKER_METRICS;
  target.write(
    `${JSON.stringify({
      _aws: {
        Timestamp: now.getTime(),
        CloudWatchMetrics: [
          {
            Namespace: WORKER_METRICS.namespace,
            Dimensions: [[environmentDimension, workerDimension]],
            Metrics: names.map((Name) => ({ Name, Unit: 'Count' })),
          },
        ],
      },
      [environmentDimension]: target.environment,
      [workerDimension]: target.worker,
      ...values,
    })}\n`,
  );
}
