import { ListSubscriptionsByTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockAws } from '../../test/support/aws-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { alarmTopicArn, checkAlarmTopic } from './alarm-topic';
import { formatFinding } from './findings';
import { awsError, fixtureConfig, testClients } from './test-support';

const sns = mockAws(SNSClient);
const env = fixtureConfig().environment;
const topicArn = 'arn:aws:sns:ap-northeast-1:222222222222:staging-batch-alarms';

beforeEach(() => sns.reset());

const lines = async () => (await checkAlarmTopic(env, testClients().sns)).map(formatFinding);
const confirmed = (protocol: string, endpoint: string) => ({
  Protocol: protocol,
  Endpoint: endpoint,
  SubscriptionArn: `${topicArn}:0b1c2d3e-0000-4000-8000-000000000000`,
});
const pending = (endpoint: string) => ({
  Protocol: 'email',
  Endpoint: endpoint,
  SubscriptionArn: 'PendingConfirmation',
});

describe('alarm topic subscriptions', () => {
  it('reads the topic PlatformStack creates', () => {
    expect(alarmTopicArn(env)).toBe(topicArn);
  });

  it('passes with a confirmed subscription, reading every page', async () => {
    sns
      .on(ListSubscriptionsByTopicCommand, { TopicArn: topicArn, NextToken: undefined })
      .resolves({ Subscriptions: [], NextToken: 'page-2' })
      .on(ListSubscriptionsByTopicCommand, { TopicArn: topicArn, NextToken: 'page-2' })
      .resolves({ Subscriptions: [confirmed('email', 'oncall@example.com')] });
    expect(await lines()).toEqual([
      '✓ alarm topic staging-batch-alarms has 1 confirmed subscription(s): email oncall@example.com',
    ]);
  });

  it('does not print non-email endpoints, which can carry tokens', async () => {
    sns.on(ListSubscriptionsByTopicCommand).resolves({
      Subscriptions: [confirmed('https', 'https://hooks.example.com/T000/B000/tokentoken')],
    });
    expect(await lines()).toEqual([
      '✓ alarm topic staging-batch-alarms has 1 confirmed subscription(s): https',
    ]);
  });

  it('blocks with no subscription at all', async () => {
    sns.on(ListSubscriptionsByTopicCommand).resolves({ Subscriptions: [] });
    expect(await lines()).toEqual([
      `blocker: alarm topic staging-batch-alarms has no confirmed subscription: alarms reach nobody; fix: aws sns subscribe --topic-arn ${topicArn} --protocol email --notification-endpoint <on-call address>, then confirm the email`,
    ]);
  });

  it('blocks when every subscription is pending, and warns about the pending ones', async () => {
    sns.on(ListSubscriptionsByTopicCommand).resolves({ Subscriptions: [pending('oncall@example.com')] });
    const out = await lines();
    expect(out[0]).toMatch(/^blocker: alarm topic staging-batch-alarms has no confirmed subscription/);
    expect(out[1]).toBe(
      'warning: alarm topic staging-batch-alarms has 1 subscription(s) pending confirmation: email oncall@example.com; fix: confirm them from the message SNS sent (the link expires after 3 days), or subscribe again',
    );
  });

  it('passes with a confirmed one but still warns about a pending one', async () => {
    sns.on(ListSubscriptionsByTopicCommand).resolves({
      Subscriptions: [
        confirmed('sqs', 'arn:aws:sqs:ap-northeast-1:222222222222:chat'),
        pending('b@example.com'),
      ],
    });
    const out = await lines();
    expect(out.map((l) => l.split(':')[0])).toEqual([
      '✓ alarm topic staging-batch-alarms has 1 confirmed subscription(s)',
      'warning',
    ]);
  });

  it('warns, not crashes, when the stack is not deployed yet', async () => {
    sns.on(ListSubscriptionsByTopicCommand).rejects(awsError('NotFoundException', 'Topic does not exist'));
    expect(await lines()).toEqual([
      'warning: alarm topic staging-batch-alarms does not exist yet (staging-Platform not deployed); fix: after the first deploy, subscribe the on-call address or chat integration to staging-batch-alarms and confirm it, then run the doctor again',
    ]);
  });
});
