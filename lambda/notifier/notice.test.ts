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

  it('quotes only the first 200 characters of a body or an SNS message it cannot read', () => {
    const long = `<${'x'.repeat(300)}`;
    expect(() => readNotice(long)).toThrow(new RegExp(`^not JSON: ${long.slice(0, 200)}$`));
    const sns = JSON.stringify({ Type: 'Notification', TopicArn: 'arn:t', Message: long, Timestamp: '' });
    expect(() => readNotice(sns)).toThrow(new RegExp(`is not an alarm: ${long.slice(0, 200)}$`));
  });

  it('names what is malformed: the envelope or the alarm', () => {
    expect(() => readNotice(JSON.stringify({ 'detail-type': 'JobFailed', time: '', detail: {} }))).toThrow(
      /^event is not as the notifier expects: /,
    );
    const noName = JSON.stringify({
      Type: 'Notification',
      TopicArn: 'arn:t',
      Message: JSON.stringify({ NewStateValue: 'OK', StateChangeTime: '' }),
      Timestamp: '',
    });
    expect(() => readNotice(noName)).toThrow(/^alarm is not as the notifier expects: /);
  });

  const time = '2026-11-23T18:30:00Z';
  const run = (overrides: Record<string, unknown>) =>
    jobEvent('JobFailed', { ...runDetail('nightly-report', time), ...overrides }, time);

  it.each([
    { trigger: 'schedule' },
    { trigger: 'manual' },
    { status: 'Succeeded' },
    { status: 'Failed' },
    { status: 'TimedOut' },
    { status: 'Skipped' },
    { capacity: 'spot' },
    { capacity: 'on-demand' },
  ])('reads a run with %o', (field) => {
    expect(readNotice(run(field))).toMatchObject({ type: 'run', run: field });
  });

  it.each([
    ['trigger', { trigger: 'cron' }],
    ['status', { status: 'Running' }],
    ['capacity', { capacity: 'fargate' }],
    ['executionArn', { executionArn: 'exec-1' }],
  ])('refuses a run whose %s is not one the runner sends', (field, overrides) => {
    expect(() => readNotice(run(overrides))).toThrow(
      new RegExp(`JobFailed is not as the notifier expects: ${field}`),
    );
  });

  it.each([
    ['JobFellBackToOnDemand', { job: 'a', slot: time }, 'executionArn'],
    ['JobFellBackToOnDemand', { job: 'a', slot: time, executionArn: 'exec-1' }, 'executionArn'],
    ['JobFellBackToOnDemand', { job: '', slot: time, executionArn: EXECUTION_ARN }, 'job'],
    ['JobMissed', { job: 'a', slot: time, cause: 'forgotten' }, 'cause'],
    ['JobMissed', { job: '', slot: time }, 'job'],
    ['JobNotStarted', { error: 'States.Runtime' }, 'executionArn'],
    ['JobNotStarted', { executionArn: 'exec-1' }, 'executionArn'],
  ])('refuses a %s event with %o', (detailType, detail, field) => {
    expect(() => readNotice(jobEvent(detailType, detail, time))).toThrow(
      new RegExp(`${detailType} is not as the notifier expects: ${field}`),
    );
  });

  it.each(['unclaimed', 'undelivered'])('reads a missed run the detector found %s', (cause) => {
    expect(readNotice(jobEvent('JobMissed', { job: 'a', slot: time, cause }, time))).toMatchObject({
      type: 'missed',
      detail: { cause },
    });
  });
});
