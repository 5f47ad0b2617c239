import { describe, expect, it } from 'vitest';
import { readNotice } from './notice';
import { alarmNotification, EXECUTION_ARN, jobEvent, runDetail } from './test-support/events';

describe('reading a queue message', () => {
  it('reads a Job<Status> event with the whole run record', () => {
    const notice = readNotice(
      jobEvent('JobTimedOut', runDetail('nightly-report', '2026-11-23T18:00:00Z'), '2026-11-23T18:30:00Z'),
    );
    expect(notice).toMatchObject({
      type: 'run',
      detailType: 'JobTimedOut',
      run: { job: 'nightly-report', exitCode: 3, attempts: 1, capacity: 'spot', recorded: true },
      at: new Date('2026-11-23T18:30:00Z'),
    });
  });

  it('reads the outcome the runner publishes itself when the recorder failed', () => {
    const detail = {
      job: 'nightly-report',
      slot: '2026-11-23T18:00:00Z',
      trigger: 'schedule',
      status: 'Failed',
      reason: 'the job failed on attempt 1',
      executionArn: EXECUTION_ARN,
      recorded: false,
    };
    expect(readNotice(jobEvent('JobFailed', detail, '2026-11-23T18:30:00Z'))).toMatchObject({
      type: 'run',
      run: detail,
    });
  });

  it('reads fallbacks, missed runs and rejected starts', () => {
    const time = '2026-11-23T18:30:00Z';
    expect(
      readNotice(
        jobEvent(
          'JobFellBackToOnDemand',
          { job: 'a', slot: time, reason: 'Spot', executionArn: EXECUTION_ARN },
          time,
        ),
      ).type,
    ).toBe('fallback');
    expect(readNotice(jobEvent('JobMissed', { job: 'a', slot: time }, time)).type).toBe('missed');
    expect(readNotice(jobEvent('JobNotStarted', { executionArn: EXECUTION_ARN }, time)).type).toBe(
      'not-started',
    );
  });

  it('reads an alarm from the SNS envelope', () => {
    expect(readNotice(alarmNotification('OK'))).toMatchObject({
      type: 'alarm',
      alarm: { NewStateValue: 'OK', AlarmName: 'sandbox-Notifications-UndeliveredAlarm' },
    });
  });

  it.each([
    ['not JSON', 'nope', /^not JSON: nope$/],
    [
      'another source',
      JSON.stringify({ source: 'aws.ec2', 'detail-type': 'x', time: '', detail: {} }),
      /an event from aws\.ec2/,
    ],
    [
      'an unknown detail type',
      jobEvent('JobExploded', {}, '2026-11-23T18:30:00Z'),
      /no message for JobExploded events/,
    ],
    [
      'a run event without its job',
      jobEvent(
        'JobFailed',
        { slot: 'x', trigger: 'schedule', status: 'Failed', reason: '', executionArn: EXECUTION_ARN },
        '',
      ),
      /JobFailed is not as the notifier expects: job: /,
    ],
    [
      'an SNS message that is no alarm',
      JSON.stringify({ Type: 'Notification', TopicArn: 'arn:aws:sns:x', Message: 'hello', Timestamp: '' }),
      /the SNS message from arn:aws:sns:x is not an alarm: hello/,
    ],
  ])('refuses %s with a reason', (_, body, reason) => {
    expect(() => readNotice(body)).toThrow(reason);
  });
});
