/**
 * Job events and alarm notifications as they reach the notifier's queue, built from the
 * code that publishes them (the recorder's run record) rather than written by hand.
 */
import { jobRunnerInput } from '../../../lib/schedule/runner-input';
import { JOB_EVENT_SOURCE } from '../../../lib/schedule/naming';
import { scheduledJob } from '../../../test/support/fixtures';
import { toRunRecord, type RecorderEvent } from '../../job-recorder/record';

export const EXECUTION_ARN = 'arn:aws:states:ap-northeast-1:111111111111:execution:sandbox-job-runner:exec-1';

/** A run record as the recorder publishes it (`Job<Status>` detail) for `job` at `slot`. */
export function runDetail(
  job: string,
  slot: string,
  outcome: RecorderEvent['state']['outcome'] = { status: 'Failed', reason: 'exited with code 3' },
) {
  const record = toRunRecord(
    {
      state: {
        ...jobRunnerInput(
          'sandbox',
          scheduledJob({ name: job, retries: 2, timeoutSeconds: 3600 }),
          'schedule',
          slot,
        ),
        run: { attempt: 0, capacity: 'spot', fellBack: false },
        lease: { decision: 'run', held: true },
        outcome,
        task: {
          TaskArn: 'arn:aws:ecs:ap-northeast-1:111111111111:task/sandbox-jobs/0123abcd',
          StopCode: 'EssentialContainerExited',
          Containers: [{ ExitCode: outcome.status === 'Succeeded' ? 0 : 3 }],
        },
      },
      executionArn: EXECUTION_ARN,
      executionName: 'exec-1',
      startedAt: slot,
      endedAt: new Date(Date.parse(slot) + 90_000).toISOString(),
    },
    'sandbox',
  );
  return { ...record, recorded: true };
}

/** An EventBridge event as the rule delivers it to the queue (the whole event is the body). */
export function jobEvent(detailType: string, detail: Record<string, unknown>, time: string): string {
  return JSON.stringify({
    version: '0',
    id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
    'detail-type': detailType,
    source: JOB_EVENT_SOURCE,
    account: '111111111111',
    time,
    region: 'ap-northeast-1',
    resources: [],
    detail,
  });
}

/** A CloudWatch alarm's state change as SNS delivers it to an SQS subscriber (not raw). */
export function alarmNotification(state: 'ALARM' | 'OK', time = '2026-11-24T01:05:00.000+0000'): string {
  return JSON.stringify({
    Type: 'Notification',
    MessageId: 'b1a5c0b8-0000-4000-8000-000000000001',
    TopicArn: 'arn:aws:sns:ap-northeast-1:111111111111:sandbox-batch-alarms',
    Subject: `${state}: "sandbox-notifier-undelivered" in Asia Pacific (Tokyo)`,
    Message: JSON.stringify({
      AlarmName: 'sandbox-Notifications-UndeliveredAlarm',
      AlarmDescription: 'sandbox: Slack messages could not be delivered; redrive the dead-letter queue',
      AWSAccountId: '111111111111',
      NewStateValue: state,
      NewStateReason:
        'Threshold Crossed: 1 datapoint [3.0] was greater than or equal to the threshold (1.0).',
      StateChangeTime: time,
      Region: 'Asia Pacific (Tokyo)',
      AlarmArn: 'arn:aws:cloudwatch:ap-northeast-1:111111111111:alarm:sandbox-Notifications-UndeliveredAlarm',
      OldStateValue: state === 'ALARM' ? 'OK' : 'ALARM',
    }),
    Timestamp: '2026-11-24T01:05:00.123Z',
    SignatureVersion: '1',
  });
}
