import { describe, expect, it } from 'vitest';
import { FIXTURE_CONFIG } from '../fixtures/config';
import { loadConfig } from '../../lib/config';
import { JOB_EVENT_SOURCE } from '../../lib/schedule/naming';
import { notifierCatalog } from '../../lib/schedule/notifier-catalog';
import { EXECUTION_ARN, runDetail } from '../../lambda/notifier/test-support/events';
import { matchesEventPattern } from '../support/event-pattern';
import { synthesized } from '../support/synth';

const synth = synthesized('sandbox');
const { templates } = synth;
const notifications = synth.template('Notifications');

interface Rule {
  readonly EventBusName?: unknown;
  readonly EventPattern: unknown;
  readonly Targets: { Arn: unknown }[];
}
const rules = Object.values(notifications.findResources('AWS::Events::Rule')).map(
  (r) => r['Properties'] as Rule,
);
const noticesQueue = Object.keys(notifications.findResources('AWS::SQS::Queue')).find((id) =>
  id.startsWith('NotifierNotices'),
)!;
const toNotifier = (rule: Rule) =>
  rule.Targets.some((t) => JSON.stringify(t.Arn) === JSON.stringify({ 'Fn::GetAtt': [noticesQueue, 'Arn'] }));
const onJobsBus = (rule: Rule) =>
  JSON.stringify(rule.EventBusName ?? null).includes('PublishOutputRefRunnerEvents');

/** An event as the jobs bus carries it. */
const event = (detailType: string, detail: Record<string, unknown>) => ({
  version: '0',
  id: 'e1',
  'detail-type': detailType,
  source: JOB_EVENT_SOURCE,
  account: '111111111111',
  time: '2026-11-23T18:02:00Z',
  region: 'ap-northeast-1',
  resources: [],
  detail,
});
const slot = '2026-11-23T18:00:00Z';
const routes = (e: ReturnType<typeof event>) =>
  rules.filter((r) => onJobsBus(r) && toNotifier(r) && matchesEventPattern(r.EventPattern, e));

describe('every job failure has a path to Slack', () => {
  it.each([
    ['JobFailed from the recorder', event('JobFailed', runDetail('nightly-sales-report', slot))],
    [
      'JobFailed from the runner when the recorder failed',
      event('JobFailed', {
        job: 'nightly-sales-report',
        slot,
        trigger: 'schedule',
        status: 'Failed',
        reason: 'x',
        executionArn: EXECUTION_ARN,
        recorded: false,
      }),
    ],
    [
      'JobTimedOut',
      event(
        'JobTimedOut',
        runDetail('nightly-sales-report', slot, { status: 'TimedOut', reason: 'exceeded' }),
      ),
    ],
    [
      'JobFellBackToOnDemand',
      event('JobFellBackToOnDemand', {
        job: 'nightly-sales-report',
        slot,
        reason: 'Spot',
        executionArn: EXECUTION_ARN,
      }),
    ],
    ['JobMissed', event('JobMissed', { job: 'nightly-sales-report', slot })],
    [
      'JobNotStarted',
      event('JobNotStarted', { executionArn: EXECUTION_ARN, error: 'InvalidRunInput', cause: 'x' }),
    ],
    [
      'JobSucceeded (closes an open thread)',
      event('JobSucceeded', runDetail('nightly-sales-report', slot, { status: 'Succeeded', reason: 'ok' })),
    ],
  ])('%s reaches the notifier queue by exactly one rule', (_, e) => {
    expect(routes(e)).toHaveLength(1);
  });

  it('JobSkipped reaches it only for jobs that set notifySkipped', () => {
    const skipped = (job: string) =>
      event('JobSkipped', runDetail(job, slot, { status: 'Skipped', reason: 'still running' }));
    expect(routes(skipped('hourly-endpoint-check'))).toHaveLength(1);
    expect(routes(skipped('nightly-sales-report'))).toHaveLength(0);
  });

  it('events from elsewhere do not', () => {
    expect(
      routes({ ...event('JobFailed', runDetail('nightly-sales-report', slot)), source: 'my.app' }),
    ).toHaveLength(0);
  });
});

describe('every alarm has a path to Slack', () => {
  const alarmTopic = {
    'Fn::GetStackOutput': {
      StackName: 'sandbox-Platform',
      Region: 'ap-northeast-1',
      OutputName: 'PublishOutputRefAlarmTopicD01E77F9507B8F76',
    },
  };

  it.each(Object.keys(templates))('%s: each alarm acts on the alarm topic', (stack) => {
    const alarms = templates[stack]!.findResources('AWS::CloudWatch::Alarm');
    for (const [id, alarm] of Object.entries(alarms)) {
      const actions = JSON.stringify((alarm['Properties'] as { AlarmActions?: unknown }).AlarmActions ?? []);
      const local =
        stack === 'Platform' ? JSON.stringify({ Ref: 'AlarmTopicD01E77F9' }) : JSON.stringify(alarmTopic);
      expect(actions, `${stack}/${id}`).toContain(local);
      expect(
        (alarm['Properties'] as { AlarmDescription?: string }).AlarmDescription,
        `${stack}/${id}`,
      ).toMatch(/^.{60,}$/s);
    }
  });

  it('the alarm topic delivers to the notifier queue (SNS envelope, not raw)', () => {
    notifications.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'sqs',
      TopicArn: alarmTopic,
      Endpoint: { 'Fn::GetAtt': [noticesQueue, 'Arn'] },
    });
    expect(JSON.stringify(notifications.findResources('AWS::SNS::Subscription'))).not.toContain(
      'RawMessageDelivery',
    );
  });
});

describe("the notifier's job list", () => {
  it("gives each job its own channel, and the environment's to jobs without one", () => {
    const config = loadConfig('sandbox', FIXTURE_CONFIG);
    const catalog = notifierCatalog(config);
    for (const job of config.schedules) {
      expect(catalog.jobs[job.name]!.channel, job.name).toBe(job.notify);
    }
    expect(catalog.jobs['partner-inventory-sync']!.channel).toBe('#commerce-batch');
    expect(catalog.environment.channel).toBe('#sre-batch-sandbox');
  });
});

describe('the dashboard', () => {
  const body = JSON.stringify(
    Object.values(notifications.findResources('AWS::CloudWatch::Dashboard')).map(
      (d) => d['Properties'] as unknown,
    ),
  );

  it('is one per environment, with runs per job by status from the recorder (SEARCH: no change per job)', () => {
    expect(body).toContain('sandbox-batch-platform');
    for (const metric of ['Failed', 'TimedOut', 'Succeeded', 'Skipped', 'FellBackToOnDemand']) {
      expect(body).toContain(
        `SEARCH('{BatchPlatform/Jobs,Environment,Job} MetricName=\\\\\\"${metric}\\\\\\" Environment=\\\\\\"sandbox\\\\\\"'`,
      );
    }
  });

  it("shows each job's longest run against its own timeout", () => {
    const config = loadConfig('sandbox', FIXTURE_CONFIG);
    for (const job of config.schedules) {
      expect(body, job.name).toMatch(
        new RegExp(
          `label\\\\":\\\\"${job.name}\\\\",\\\\"expression\\\\":\\\\"100 \\* d\\d+ / ${job.timeoutSeconds}\\\\"`,
        ),
      );
    }
  });

  it('shows runner failures, worker queues and their dead letters, Lambda errors and NAT bytes', () => {
    for (const text of [
      'ExecutionsFailed',
      'ExecutionThrottled',
      'ApproximateAgeOfOldestMessage',
      'sandbox-order-events-relay-dlq',
      'Throttles',
      'BytesOutToDestination',
    ]) {
      expect(body, text).toContain(text);
    }
  });
});
